/**
 * bench/report: the HTML report of 5,000 curves (10 points each, 2,500 (family, task) panels):
 * its size and build time, then its first render in headless Chromium (Debian's, through
 * playwright-core) when it is installed. Target: first render < 2 s.
 *   node dist/bench/report.js [--curves N]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { audit } from '../src/core/analysis/audit.js';
import { DEFAULT_THRESHOLDS } from '../src/core/analysis/thresholds.js';
import { curveFromArrays } from '../src/core/curves/synthetic.js';
import { makeRng } from '../src/core/random/rng.js';
import { auditDocument } from '../src/report/audit-document.js';
import { auditHtml } from '../src/report/html.js';

const { values } = parseArgs({ options: { curves: { type: 'string' } } });
const N = Number(values.curves ?? 5000);
const rng = makeRng(3);
const P = Array.from({ length: 10 }, (_, i) => 10 ** (7 + (4 * i) / 9));
const curves = Array.from({ length: N }, (_, c) => {
  const mid = 7.5 + 3 * rng.next();
  const step = c % 2 === 0;
  return curveFromArrays(P, P.map((p) => (step ? (Math.log10(p) < mid ? 0.01 : 0.7) : 0.9 / (1 + Math.exp(-1.5 * (Math.log10(p) - mid)))) + 0.02 * rng.normal()), {
    family: `family-${Math.floor(c / 200)}`, task: `task-${Math.floor(c / 2) % 100}`, metric: step ? 'exact_match' : 'token_edit_similarity',
  });
});
const report = audit(curves);
const doc = auditDocument(curves, report, ['(synthetic)'], 2, DEFAULT_THRESHOLDS);
const t0 = performance.now();
const html = auditHtml(doc, `Benchmark: ${N} curves`);
const buildMs = performance.now() - t0;
console.log(`bench/report: ${N.toLocaleString('en')} curves → HTML of ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB built in ${Math.round(buildMs)} ms`);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.log(`first render: not measured (no Chromium at ${chromium}; scripts/install-deps.sh installs it)`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const t = performance.now();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]');
      times.push(performance.now() - t);
      await page.close();
    }
    console.log(`first render in headless Chromium (load, parse ${N} curves, draw the first page of panels): ${times.map((t) => Math.round(t)).join(', ')} ms over 3 loads (target < 2000 ms)`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
