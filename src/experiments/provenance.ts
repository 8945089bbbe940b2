import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../importers/bundled.js';
import type { Gemm } from '../zoo/engine/gemm.js';
import type { Versions } from './contract.js';

/** What made a run's numbers, recorded with every run: package version, git commit (when in a checkout), Node, engine. */
export function provenance(gemm: Gemm): Versions {
  const root = packageRoot();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  let commit: string | null = null;
  if (existsSync(join(root, '.git'))) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (dirty) commit += '+dirty';
    } catch {
      commit = null; // no git on the machine: the version still says which release
    }
  }
  return { 'emergence-lab': pkg.version ?? 'unknown', ...(commit ? { git: commit } : {}), node: process.version, engine: gemm.kind };
}
