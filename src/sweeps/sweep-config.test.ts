import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { parseSweepConfig, EXAMPLE_SWEEP } from './sweep-config.js';

const error = (text: string): string => {
  try {
    parseSweepConfig(text, 'sweep.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.describe();
    throw e;
  }
  throw new Error('parsed');
};

const base = `sweep: s
seeds: [1, 2]
settings: [{ shots: 0 }, { shots: 1 }]
tasks:
  - { name: add2, arithmetic: { digits: 2, count: 5 } }
families:
  - family: f
    models:
      - { name: a, params: 100, provider: { base_url: http://127.0.0.1:9 } }
`;

describe('the sweep file', () => {
  it('parses the example of --help and docs/sweeps.md', () => {
    const c = parseSweepConfig(EXAMPLE_SWEEP, 'sweep.yaml');
    expect(c.seeds).toEqual([1, 2, 3]);
    expect(c.families.map((f) => [f.family, f.train?.sizes ?? null, f.configs.length])).toEqual([['pythia', null, 6], ['lab-arith', ['xxs', 'xs', 's'], 6]]);
    // seed-major: the second seed's first setting.
    expect([c.families[0]!.configs[2]!.seed, c.families[0]!.configs[2]!.shots]).toEqual([2, 0]);
  });

  it('names a bad field as the sweep file spells it', () => {
    expect(error(base.replace('{ shots: 1 }', '{ shots: -1 }'))).toBe('sweep.yaml: "settings[1].shots": expected a whole number >= 0, got -1');
    expect(error(base.replace('base_url: http://127.0.0.1:9', 'base_url: nope'))).toBe('sweep.yaml: "families[0].models[0].provider.base_url": not an http(s) URL: "nope"');
    expect(error(base.replace('digits: 2', 'digits: 9'))).toBe('sweep.yaml: "tasks[0].arithmetic.digits": expected a whole number 1..7, got 9');
    expect(error(base.replace('seeds: [1, 2]', 'seeds: [1, 1]'))).toBe('sweep.yaml: "seeds[1]": seed 1 appears twice');
    expect(error(base.replace('settings:', 'eval: { max_tokens: 0 }\nsettings:'))).toBe('sweep.yaml: "eval.max_tokens": expected a whole number >= 1, got 0');
    expect(error(base.replace('{ shots: 0 }', '{ seed: 3 }'))).toBe('sweep.yaml: "settings[0].seed": a sweep sets this in seeds');
    expect(error(base.replace('sweep: s', 'sweep: s\nseed: 3'))).toMatch(/^sweep\.yaml: "seed": unknown field/);
    expect(error(base.replace('    models:\n      - { name: a, params: 100, provider: { base_url: http://127.0.0.1:9 } }\n', '    train: { sizes: [xxs], digits: 2, steps: 0 }\n'))).toBe('sweep.yaml: "families[0].train.steps": expected a whole number >= 1, got 0');
    expect(error(base.replace('  - family: f\n', '  - family: f\n    train: { sizes: [xxs], digits: 2, steps: 5 }\n'))).toMatch(/"families\[0\]": give exactly one of models/);
    expect(error('sweep: [x]\n')).toMatch(/"sweep": expected a name/);
  });
});
