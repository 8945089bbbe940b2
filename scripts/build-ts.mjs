// Compiles src/ and bench/ with tsc, unless dist/ is already newer than every file tsc would read:
// then `npm start` goes straight to its command. tsc itself is incremental (dist/.tsbuildinfo), so
// a change to one file recompiles what depends on it, not everything.
import { execFileSync } from 'node:child_process';
import { readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { isFresh } from './fresh.mjs';

const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const inputs = [...walk('src'), ...walk('bench'), 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build-ts.mjs'];
if (!isFresh('dist/.tsbuildinfo', inputs)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    // tsc leaves its build info untouched when it had nothing to emit: mark this check as done.
    const now = new Date();
    utimesSync('dist/.tsbuildinfo', now, now);
  } catch {
    process.exit(1);
  }
}
