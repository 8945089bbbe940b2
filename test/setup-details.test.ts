import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';
import { EXPERIMENTS } from '../src/experiments/registry.js';

describe('set-up details a new user meets', () => {
  it('npm start does not recompile when nothing changed: the build leaves dist/ untouched', () => {
    const outputs = ['dist/src/cli/main.js', 'dist/src/core/errors.js', 'dist/report-client.js'].map((f) => join(ROOT, f));
    const before = outputs.map((f) => statSync(f).mtimeMs);
    const t0 = performance.now();
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    const ms = performance.now() - t0;
    expect(r.status, r.stderr).toBe(0);
    expect(outputs.map((f) => statSync(f).mtimeMs)).toEqual(before);
    console.log(`npm run build with nothing changed: ${ms.toFixed(0)} ms (wall, under whatever load the suite puts on the machine)`);
    // The README's first two commands stay as they are, and npm start still builds before it audits.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('bash scripts/install-deps.sh && npm ci && npm start   #');
    expect(readme).toContain('bash scripts/install-deps.sh && npm ci && npm test    #');
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start).toMatch(/^npm run build --silent && /);
  }, 120_000);

  it('every experiment’s default output folder is git-ignored', () => {
    for (const e of EXPERIMENTS) {
      const r = spawnSync('git', ['check-ignore', '-q', `${e.info.id}/models/x.safetensors`], { cwd: ROOT });
      expect(r.status, `${e.info.id}/ is not ignored`).toBe(0);
    }
  });

  it('the docs run the CLI as npx emergence (emergence is not on PATH after npm ci)', () => {
    const files = ['README.md', ...readdirSync(join(ROOT, 'docs'), { recursive: true }).map(String).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    const bare: string[] = [];
    for (const f of files) {
      let inCode = false;
      readFileSync(join(ROOT, f), 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*```/.test(line)) inCode = !inCode;
        // A shell line (in a code block, or after a `$ ` prompt) that starts with the bare command.
        if (inCode && /^\s*(\$ )?emergence /.test(line)) bare.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bare).toEqual([]);
  });
});
