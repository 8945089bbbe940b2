import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, emergence } from './cli.js';

// The OLMo ladder's published runs and checkpoints (Bhagia et al. 2024), bundled in data/olmo-ladder.
const CHECKPOINTS = join(ROOT, 'data/olmo-ladder/olmo_ladder_checkpoints.csv');
const FINALS = join(ROOT, 'data/olmo-ladder/olmo_ladder.csv');

interface Doc {
  axis: { kind: string; name: string; label: string };
  curves: { id: string; key: { task: string; metric: string; labels: Record<string, string> }; points: { model: string; params: number; x?: number; modelParams?: number; value: number; step: number | null }[]; verdict: string }[];
}
const audit = (args: string[]): Doc => {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-axis-'));
  try {
    const out = join(dir, 'audit.json');
    const r = emergence(['audit', '--json', '--quiet', '--out', out, ...args]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as Doc;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('any scale axis on the OLMo ladder (#18.5)', () => {
  it('--x tokens reads one model\'s checkpoints as a curve over training', () => {
    const doc = audit([CHECKPOINTS, '--x', 'tokens', '--task', 'hellaswag_val', '--metric', 'rc_acc']);
    expect(doc.axis).toMatchObject({ kind: 'tokens', label: 'training tokens' });
    const c = doc.curves.find((k) => k.key.labels.model === '1B-10xC')!;
    // The provenance note's sanity facts: 0.2729 at step 1000, 0.4053 at 6000, 0.6450 at the final step 162694.
    const at = (step: number): number => c.points.find((p) => p.step === step)!.value;
    expect(at(1000)).toBeCloseTo(0.2729, 4);
    expect(at(6000)).toBeCloseTo(0.4053, 4);
    expect(at(162694)).toBeCloseTo(0.645, 4);
    expect(c.points).toHaveLength(34);
    expect(new Set(c.points.map((p) => p.modelParams)).size).toBe(1);
    const xs = c.points.map((p) => p.x!);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(c.verdict).toBe('smooth');
  });
  it('--x c4 loss puts models of different sizes on one axis', () => {
    const doc = audit([FINALS, '--x', 'c4_en-validation:ce_loss', '--task', 'hellaswag_val', '--metric', 'rc_acc']);
    expect(doc.axis).toMatchObject({ kind: 'metric', name: 'c4_en-validation:ce_loss' });
    const c = doc.curves.find((k) => k.key.labels.ladder === '10xC' && k.key.labels.run === 'main')!;
    expect(c.points.map((p) => p.model)).toEqual(['190M-10xC', '370M-10xC', '760M-10xC', '1B-10xC', '3B-10xC']);
    const sizes = c.points.map((p) => p.modelParams!);
    expect(new Set(sizes).size).toBe(5);
    const loss = c.points.map((p) => p.x!);
    expect(loss).toEqual([...loss].sort((a, b) => b - a)); // lower loss to the right
    expect(loss[3]).toBeCloseTo(2.832, 3); // 1B-10xC's final C4 loss, per the provenance note
    expect(doc.curves.some((k) => k.key.metric === 'ce_loss')).toBe(false);
  });
  it('the table names the axis and shows its values; an axis nobody reports is a usage error', () => {
    const r = emergence(['audit', FINALS, '--x', 'ce_loss', '--task', 'hellaswag_val', '--metric', 'rc_acc', '--detail']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scale axis: c4_en-validation ce_loss \(lower is better\)/);
    expect(r.stdout).toMatch(/1B-10xC \(2\.832\) 0\.645/);
    const bad = emergence(['audit', '--quiet', FINALS, '--x', 'no_such_loss']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--x.*no no_such_loss values in the input/);
  });
});
