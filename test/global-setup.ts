import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Integration tests spawn the built CLI, so build it once before any test file runs.
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build-ts.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-client.mjs'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-native.mjs'], { cwd: root, stdio: 'inherit' });
}
