import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emergence, ROOT } from './cli.js';
import { launch, watchedPage } from './browser.js';
import type { CrossoverDocument } from '../src/report/crossover-document.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-crossover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const POST = 'data/post-training/obsscaling_post_training.csv';

// Two log-linear laws with reported errors: A = 0.1 + 0.05 (x − 9), B = −0.1 + 0.15 (x − 9), equal at x = 11.
const xs = [8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12];
const synthetic = join(dir, 'pair.csv');
writeFileSync(
  synthetic,
  ['family,model,params,task,metric,shots,seed,value,stderr,prompting']
    .concat(xs.flatMap((x) => [
      `F,m${x},${10 ** x},arith,exact_match,0,,${0.1 + 0.05 * (x - 9)},0.004,direct`,
      `F,m${x},${10 ** x},arith,exact_match,0,,${-0.1 + 0.15 * (x - 9)},0.004,cot`,
    ]))
    .join('\n') + '\n',
);

describe('audit --compare on a synthetic pair with a known crossing', () => {
  const run = emergence(['audit', synthetic, '--compare', 'prompting=direct,cot', '--json', '--quiet', '--resamples', '300']);
  const doc = JSON.parse(run.stdout) as CrossoverDocument;
  it('finds the crossing at 10^11 with an interval around it', () => {
    expect(run.code).toBe(0);
    expect(doc.kind).toBe('emergence-crossover');
    expect(doc.pairs).toHaveLength(1);
    const r = doc.pairs[0]!.result;
    expect(r.outcome).toBe('crosses');
    expect(Math.log10(r.crossings[0]!.params)).toBeCloseTo(11, 6);
    expect(r.crossings[0]!.interval.low!).toBeLessThan(1e11);
    expect(r.crossings[0]!.interval.high!).toBeGreaterThan(1e11);
    expect(r.bootstrap.noise).toEqual({ a: ['stderr'], b: ['stderr'] });
    expect(doc.level).toBe(0.9);
  });
  it('the table says who overtakes whom, and where', () => {
    const t = emergence(['audit', synthetic, '--compare', 'prompting=direct,cot', '--quiet', '--resamples', '200', '--detail']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^F\s+arith\s+exact_match\s+9\s+100M–1T\s+-0\.3 → 0\.1\s+\+0\.1 ±\S+\s+cot overtakes direct at 100B \[\S+, \S+\], between the models of \S+ and \S+\s+\d+%$/m);
    expect(t.stdout).toMatch(/fits: direct linear \(R² 1\), cot linear \(R² 1\)/);
  });
});

describe('the published families (ObsScaling post-training data)', () => {
  const run = emergence(['audit', POST, '--compare', 'prompting=direct,cot', '--task', 'gsm8k', '--all', '--json', '--quiet', '--resamples', '50']);
  const doc = JSON.parse(run.stdout) as CrossoverDocument;
  it("Llama-2 7B/13B/70B's GSM8K direct and CoT values read back as the provenance note states them", () => {
    expect(run.code).toBe(0);
    const note = readFileSync(join(ROOT, 'data/post-training/obsscaling_post_training.md'), 'utf8');
    expect(note).toContain('direct 5-shot strict-match 0.068 / 0.094 / 0.178 (flexible-extract identical); CoT 8-shot strict-match 0.142 / 0.254 / 0.542, flexible-extract 0.154 / 0.298 / 0.58');
    const pair = (metric: string) => doc.pairs.find((p) => p.label === 'Llama-2' && p.metric === metric)!;
    const strict = pair('exact_match/strict-match');
    const flex = pair('exact_match/flexible-extract');
    expect(strict.a.key.shots).toBe(5);
    expect(strict.b.key.shots).toBe(8);
    expect(strict.result.observed.map((o) => o.model)).toEqual(['meta-llama/Llama-2-7b-hf', 'meta-llama/Llama-2-13b-hf', 'meta-llama/Llama-2-70b-hf']);
    expect(strict.result.observed.map((o) => [o.a, o.b])).toEqual([[0.068, 0.142], [0.094, 0.254], [0.178, 0.542]]);
    expect(flex.result.observed.map((o) => [o.a, o.b])).toEqual([[0.068, 0.154], [0.094, 0.298], [0.178, 0.58]]);
  });
  it('CoT beats direct (flexible-extract) for 74 of the 91 models that have both, as the note says', () => {
    const obs = doc.pairs.filter((p) => p.metric === 'exact_match/flexible-extract').flatMap((p) => p.result.observed);
    expect(obs).toHaveLength(91);
    expect(obs.filter((o) => o.diff > 0)).toHaveLength(74);
  });
  it('self-consistency: majority of 5 against the first sample reads back too', () => {
    const sc = JSON.parse(emergence(['audit', POST, '--compare', 'prompting=cot_sc_first,cot_sc_maj5', '--family', 'Llama-2', '--task', 'gsm8k', '--metric', '*strict*', '--all', '--json', '--quiet', '--resamples', '20']).stdout) as CrossoverDocument;
    expect(sc.pairs[0]!.result.observed.map((o) => [o.a, o.b])).toEqual([[0.09, 0.144], [0.188, 0.234], [0.454, 0.582]]);
  });
});

it('--items turns values without errors into binomial means', () => {
  const r = JSON.parse(emergence(['audit', POST, '--compare', 'prompting=direct,cot', '--family', 'Qwen1.5', '--task', 'gsm8k', '--metric', '*flexible*', '--items', '500', '--json', '--quiet', '--resamples', '20']).stdout) as CrossoverDocument;
  expect(r.items).toBe(500);
  expect(r.pairs[0]!.result.bootstrap.noise).toEqual({ a: ['binomial'], b: ['binomial'] });
});

describe('bad --compare usage: exit 2, one line naming the option, nothing written', () => {
  const out = join(dir, 'never.json');
  for (const [args, pattern] of [
    [['--compare', 'prompting'], /--compare.*expected FIELD=A,B/],
    [['--compare', 'prompting=cot,cot'], /--compare.*must differ/],
    [['--compare', 'prompting=direct,cot', '--level', '1.5'], /--level.*between 0 and 1/],
    [['--compare', 'prompting=direct,cot', '--resamples', '0'], /--resamples.*whole number >= 1/],
    [['--resamples', '10'], /--resamples.*goes with --compare/],
    [['--items', '500'], /--items.*goes with --compare/],
    [['--compare', 'prompting=direct,cot', '--items', '0.5'], /--items.*whole number >= 1/],
    [['--compare', 'prompting=direct,cot', '--csv'], /--csv/],
  ] as const) {
    it(args.join(' '), () => {
      const r = emergence(['audit', synthetic, '--quiet', '--out', out, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning:'))).toEqual([expect.stringMatching(pattern)]);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('the report panel, in Chromium', () => {
  let browser: Browser;
  const html = join(dir, 'crossover.html');
  beforeAll(async () => {
    browser = await launch();
    const r = emergence(['audit', POST, '--compare', 'prompting=direct,cot', '--task', 'gsm8k', '--metric', '*flexible*', '--family', 'OPT,Pythia,Qwen1.5', '--quiet', '--resamples', '100', '--html', html]);
    expect(r.code).toBe(0);
  });
  afterAll(async () => browser?.close());
  it('draws both curves and the difference for each pair, then the audit of the compared curves', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#crossovers section.crossover').count()).toBe(3);
    expect(await page.locator('#crossovers section.crossover svg').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#crossovers h3').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^OPT · gsm8k · exact_match\/flexible-extract: /)]));
    expect(await page.locator('#panels figure.curve').count()).toBe(6);
    await page.screenshot({ path: join(ROOT, 'test-output', 'report-crossover.png'), fullPage: true });
    // The page's filters apply to the crossover pairs as to every other section.
    await page.selectOption('#f-family', 'OPT');
    expect(await page.locator('#crossovers section.crossover').count()).toBe(1);
    expect(await page.locator('#crossovers h3').allTextContents()).toEqual([expect.stringMatching(/^OPT · gsm8k · /)]);
    expect(await page.locator('#panels figure.curve').count()).toBe(2);
    expect(errors).toEqual([]);
  });
});
