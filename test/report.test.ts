import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emergence, ROOT } from './cli.js';
import { launch, watchedPage } from './browser.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-report-'));
const shots = join(ROOT, 'test-output');
mkdirSync(shots, { recursive: true });
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the static report of the bundled data, in Chromium', () => {
  const html = join(dir, 'report.html');
  beforeAll(() => {
    const r = emergence(['audit', '--quiet', '--html', html]);
    expect(r.code).toBe(0);
  });

  it('renders panels, the summary and the verdicts with no console error', async () => {
    const { page, errors } = await watchedPage(browser);
    const t0 = Date.now();
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('body[data-ready="true"]');
    console.log(`report: first render of ${await page.locator('#count').textContent()} in ${Date.now() - t0} ms`);
    expect(await page.locator('section.panel').count()).toBeGreaterThan(10);
    expect(await page.locator('#summary svg').count()).toBe(1);
    expect(await page.locator('#swaps li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'report-overview.png') });
    expect(errors).toEqual([]);
  });

  it('filters by family, task and metric, keeps the state in the URL, and restores it from the URL', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('body[data-ready="true"]');
    await page.selectOption('#f-family', 'Pythia');
    await page.selectOption('#f-task', 'ipa_transliterate');
    expect(page.url()).toContain('#family=Pythia&task=ipa_transliterate');
    expect(await page.locator('section.panel').count()).toBe(1);
    const badges = await page.locator('section.panel .badge').allTextContents();
    // Emergent on its own (p = 0.0015), but not among the bundled audit's 1,077 tests at q = 0.05.
    expect(badges.sort()).toEqual(['flat (at floor)', 'smooth (emergent before FDR)']);
    await page.screenshot({ path: join(shots, 'report-pythia-ipa.png'), fullPage: true });
    const shared = page.url();
    const { page: other } = await watchedPage(browser);
    await other.goto(shared);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await other.locator('#f-family').inputValue()).toBe('Pythia');
    expect(await other.locator('section.panel').count()).toBe(1);
    await page.fill('#f-q', 'lambada');
    await page.selectOption('#f-task', '');
    expect(page.url()).toContain('q=lambada');
    expect(await page.locator('section.panel h3').first().textContent()).toMatch(/lambada/);
    expect(errors).toEqual([]);
  });

  it('hovering a point shows its model, params, value, interval and n', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(pathToFileURL(html).href + '#family=Pythia&task=lambada_openai&metric=acc&q=deduped%3Dfalse%2Cvariant%3Dstandard');
    await page.waitForSelector('body[data-ready="true"]');
    const fig = page.locator('figure.curve').first();
    const dot = fig.locator('svg g[aria-label="dot"] circle').last();
    await dot.hover();
    const tip = fig.locator('svg g[aria-label="tip"]');
    await tip.waitFor();
    const text = (await tip.textContent()) ?? '';
    expect(text).toMatch(/pythia-12b/);
    expect(text).toMatch(/params 11\.8B/);
    expect(text).toMatch(/value 0\.705/);
    expect(text).toMatch(/interval \[0\.69\d*, 0\.71\d*\]/);
    await page.screenshot({ path: join(shots, 'report-hover.png') });
    expect(errors).toEqual([]);
  });
});

it('a model or task named with <script> and quotes is shown as text, never run', async () => {
  const csv = join(dir, 'xss.csv');
  const evil = `<script>window.__pwned=1</script>"'&<img src=x onerror="window.__pwned=2">`;
  const rows = [1e7, 1e8, 1e9, 1e10, 1e11].map((p, i) => `Evil,"${evil.replace(/"/g, '""')}-${i}",${p},"task ${evil.replace(/"/g, '""')}",acc,${0.1 * i}`);
  writeFileSync(csv, `family,model,params,task,metric,value\n${rows.join('\n')}\n`);
  const html = join(dir, 'xss.html');
  expect(emergence(['audit', csv, '--quiet', '--html', html]).code).toBe(0);
  const { page, errors } = await watchedPage(browser);
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('section.panel h3').first().textContent()).toContain('<script>window.__pwned=1</script>');
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(errors).toEqual([]);
});
