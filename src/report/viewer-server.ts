import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tokenizer } from '../core/types.js';
import { assembleCurves } from '../core/curves/assemble.js';
import { audit } from '../core/analysis/audit.js';
import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { scoreSamples } from '../core/metrics/score.js';
import { defaultMetricsForSamples } from '../core/metrics/default-metrics.js';
import { loadStoredSamples, type DuckStore } from '../store/duckdb-store.js';
import { observationsFromStore, storedRuns, tokenizerForRun } from '../store/store-curves.js';
import { auditDocument } from './audit-document.js';
import { auditHtml } from './html.js';
import { page, runPage, runsPage, samplePage, sweepPage, type RunRow, type SweepView } from './viewer-pages.js';

/**
 * `emergence view`: a local web server over the store: the runs, the family's report (each point
 * links to its run), every sample of a run with its scores, and any sample in full. Read-only.
 * Given a function rather than an open store, it opens the store for each page and closes it
 * after, so DuckDB's lock is held only while a page is built: an eval can write between pages.
 */
export async function startViewer(
  source: DuckStore | (() => Promise<DuckStore>),
  opts: { host: string; port: number; tokenizer?: Tokenizer; /** A running sweep's progress, for /sweep. */ sweep?: (store: DuckStore) => Promise<SweepView> },
): Promise<{ server: Server; url: string }> {
  const runRow = async (store: DuckStore, runId: string): Promise<RunRow | null> => {
    const rows = await store.query(
      `SELECT r.run_id, r.family, r.model, r.params, r.task, count(s.sample_id) AS samples, count(s.error) AS errors
       FROM runs r LEFT JOIN samples s USING (run_id) WHERE r.run_id = $1 GROUP BY ALL`,
      [runId],
    );
    const r = rows[0];
    return r ? { run_id: String(r.run_id), family: String(r.family), model: String(r.model), params: Number(r.params), task: String(r.task), samples: Number(r.samples), errors: Number(r.errors) } : null;
  };
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = 'text/html; charset=utf-8'): void => {
      res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    const respond = async (store: DuckStore): Promise<unknown> => {
      if (req.method !== 'GET') return send(405, page('Method not allowed', ''));
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      if (parts.length === 0) {
        const rows = await store.query(
          `SELECT r.run_id, r.family, r.model, r.params, r.task, count(s.sample_id) AS samples, count(s.error) AS errors
           FROM runs r LEFT JOIN samples s USING (run_id) GROUP BY ALL ORDER BY r.family, r.params, r.model, r.task`,
        );
        return send(200, runsPage(rows.map((r) => ({ run_id: String(r.run_id), family: String(r.family), model: String(r.model), params: Number(r.params), task: String(r.task), samples: Number(r.samples), errors: Number(r.errors) })), store.path));
      }
      if (parts[0] === 'sweep' && parts.length === 1) {
        if (!opts.sweep) return send(404, page('No sweep', '<p>Start the viewer with --sweep sweep.yaml (and --redis URL for a queued sweep).</p>'));
        return send(200, sweepPage(await opts.sweep(store)));
      }
      if (parts[0] === 'report' && parts.length === 1) {
        const { observations } = await observationsFromStore(store, { tokenizer: opts.tokenizer, seed: 0, resamples: 300 });
        const curves = assembleCurves(observations).curves;
        const links: Record<string, string> = {};
        for (const r of await storedRuns(store)) links[`${r.family}|${r.model}|${r.task}`] = `/run/${encodeURIComponent(r.run_id)}`;
        return send(200, auditHtml(auditDocument(curves, audit(curves), [store.path], 2, DEFAULT_THRESHOLDS), 'Emergence audit of the store', links));
      }
      if (parts[0] === 'run' && parts[1] !== undefined) {
        const run = await runRow(store, parts[1]);
        if (!run) return send(404, page('Not found', `<p>No run ${parts[1]}.</p>`));
        const samples = await loadStoredSamples(store, run.run_id, run.model, run.task);
        if (parts.length === 2) {
          const metrics = defaultMetricsForSamples(samples).filter((m) => m !== 'expected_calibration_error');
          const scores = scoreSamples(samples, metrics, { tokenizer: await tokenizerForRun((await storedRuns(store, [run.run_id]))[0], opts.tokenizer) });
          const by = new Map<string, Record<string, number>>();
          for (const s of scores) by.set(s.sampleId, { ...(by.get(s.sampleId) ?? {}), [s.metric]: s.value });
          const shown = metrics.filter((m) => scores.some((s) => s.metric === m));
          const summary = shown.map((m) => {
            const v = scores.filter((s) => s.metric === m).map((s) => s.value);
            return { metric: m, value: v.reduce((a, b) => a + b, 0) / v.length, n: v.length };
          });
          return send(200, runPage(run, summary, samples.slice(0, 2000).map((s) => ({ id: s.id, output: s.output, scores: by.get(s.id) ?? {} })), shown));
        }
        if (parts[2] === 'sample' && parts[3] !== undefined && parts.length === 4) {
          const s = samples.find((x) => x.id === parts[3]);
          if (!s) return send(404, page('Not found', `<p>No sample ${parts[3]} in this run.</p>`));
          const raw = (await store.query('SELECT raw_output, paths, error, latency_ms, target_tokens FROM samples WHERE run_id = $1 AND sample_id = $2', [run.run_id, s.id]))[0]!;
          const metrics = defaultMetricsForSamples(samples).filter((m) => m !== 'expected_calibration_error');
          const scores = scoreSamples([s], metrics, { tokenizer: await tokenizerForRun((await storedRuns(store, [run.run_id]))[0], opts.tokenizer) });
          const parse = <T>(v: unknown): T | null => (v === null || v === undefined ? null : (JSON.parse(String(v)) as T));
          return send(200, samplePage(run, s, { rawOutput: raw.raw_output === null ? null : String(raw.raw_output), paths: parse<string[]>(raw.paths), error: raw.error === null ? null : String(raw.error), latencyMs: Number(raw.latency_ms) }, scores, parse<string[]>(raw.target_tokens)));
        }
      }
      return send(404, page('Not found', `<p>Nothing at ${url.pathname}.</p>`));
    };
    (async () => {
      if (req.method !== 'GET') return send(405, page('Method not allowed', ''));
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      const store = typeof source === 'function' ? await source() : source;
      try {
        await respond(store);
      } finally {
        if (typeof source === 'function') store.close();
      }
    })().catch((e: unknown) => send(500, page('Error', `<pre>${String((e as Error).message).replace(/[&<>]/g, '')}</pre>`)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { server, url: `http://${host}:${addr.port}` };
}
