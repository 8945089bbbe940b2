import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './cli.js';

const depcruise = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const cruise = (cwd: string, target: string): { code: number; out: string } => {
  const r = spawnSync(process.execPath, [depcruise, target, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
};

it('the source tree follows the layer direction of DESIGN.md', () => {
  const r = cruise(ROOT, 'src');
  expect(r.out).toMatch(/no dependency violations found/);
  expect(r.code).toBe(0);
});

it('the rules catch core importing node:* and another layer', () => {
  const r = cruise(join(ROOT, 'test/fixtures/bad-layers'), 'src');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/core-no-node/);
  expect(r.out).toMatch(/core-is-pure/);
  expect(r.out).toMatch(/nothing-imports-cli/);
  expect(r.out).toMatch(/cli-holds-no-experiment-logic/);
});
