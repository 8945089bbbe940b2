import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, emergenceAsync } from './cli.js';
import { launch, watchedPage } from './browser.js';
import { startTestServer } from './openai-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-view-'));
const shots = join(ROOT, 'test-output');
mkdirSync(shots, { recursive: true });
const store = join(dir, 'view.duckdb');
let browser: Browser;
let viewer: ChildProcess;
let url = '';

function startView(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'view', '--store', store, '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /emergence view: (\S+?)\/ /.exec(String(d));
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`view exited ${code}`)));
  });
}

beforeAll(async () => {
  const server = await startTestServer();
  const cfg = join(dir, 'eval.yaml');
  const models = [['toy-1', 1e7], ['toy-4', 1e8], ['toy-16', 1e9], ['toy-64', 1e10]]
    .map(([m, p]) => `  - name: ${m}\n    params: ${p}\n    provider: { base_url: ${server.url}, retry_base_ms: 1 }`).join('\n');
  writeFileSync(cfg, `family: toy\nmodels:\n${models}\ntasks:\n  - name: add3\n    arithmetic: { digits: 3, operation: add, count: 25, seed: 1 }\nshots: 2\n`);
  const r = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--quiet']);
  await server.close();
  expect(r.code).toBe(0);
  ({ child: viewer, url } = await startView([], { HOST: '0.0.0.0' }));
  browser = await launch();
}, 60_000);
afterAll(async () => {
  if (viewer && viewer.exitCode === null) {
    const gone = new Promise((r) => viewer.once('exit', r));
    viewer.kill('SIGTERM');
    await gone;
  }
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('emergence view, in Chromium', () => {
  it('binds 127.0.0.1 by default, whatever HOST says in the environment', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs → a run\'s samples → one sample with coloured per-token log-probabilities and every metric', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${url}/`);
    expect(await page.locator('#runs tr').count()).toBe(5);
    await page.locator('#runs a', { hasText: 'toy-4' }).click();
    await page.waitForSelector('#samples');
    expect(await page.locator('#samples tr').count()).toBe(26);
    expect(await page.locator('#summary').textContent()).toMatch(/exact_match/);
    await page.locator('#samples a').first().click();
    await page.waitForSelector('#tokens');
    expect(await page.locator('#tokens .tok').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#tokens .tok').first().getAttribute('title')).toMatch(/^log p = -0\.2231/); // log 0.8
    const scores = await page.locator('#scores').textContent();
    expect(scores).toMatch(/exact_match/);
    expect(scores).toMatch(/token_edit_distance.*r50k_base/s);
    await page.screenshot({ path: join(shots, 'viewer-sample.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('the report of the store links each point to its run', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${url}/report`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 }).catch(() => {
      throw new Error(`report did not render: ${errors.join(' | ')}`);
    });
    const titles = await page.locator('figure.curve h3').allTextContents();
    expect(titles.length).toBeGreaterThan(1); // one panel per metric of the one (family, task)
    for (const t of titles) expect(t).toMatch(/^toy · add3 · 2-shot · /);
    await page.screenshot({ path: join(shots, 'viewer-report.png') });
    const fig = page.locator('figure.curve', { hasText: 'exact_match' }).first();
    const href = await fig.locator('svg g[aria-label="dot"] a').nth(1).getAttribute('href');
    expect(href).toMatch(/^\/run\/[0-9a-f]{16}$/);
    await page.goto(`${url}${href}`);
    await page.waitForSelector('#samples');
    expect(await page.locator('h1').textContent()).toBe('toy-4 · add3');
    expect(errors).toEqual([]);
  });

  it('unknown pages are 404s, not crashes', async () => {
    const r = await fetch(`${url}/run/nope/sample/x`);
    expect(r.status).toBe(404);
  });

  it('binds another address only when --host names it', async () => {
    const { child, url: u } = await startView(['--host', '0.0.0.0']);
    expect(u).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0); // it stops on SIGTERM, connections and all
  });
});
