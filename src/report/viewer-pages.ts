import type { Sample, Score } from '../core/types.js';

/**
 * Server-rendered pages of `emergence view`: plain HTML, every value escaped, no script needed.
 * A sample page shows why it scored what it did under each metric: prompt, output, targets, and the
 * target's per-token log-probabilities coloured from red (unlikely) to green (likely).
 */
export const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1200px;margin:0 auto;padding:12px 16px;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;background:#f8f9fa;padding:8px;border-radius:4px;font-size:12px}
.tok{font-family:ui-monospace,monospace;padding:1px 2px;margin:1px;border-radius:3px;display:inline-block;font-size:13px}
nav a{margin-right:12px}.num{text-align:right;font-variant-numeric:tabular-nums}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><nav><a href="/">runs</a><a href="/report">report</a></nav><h1>${esc(title)}</h1>${body}</body></html>`;
}

export interface RunRow {
  readonly run_id: string;
  readonly family: string;
  readonly model: string;
  readonly params: number;
  readonly task: string;
  readonly samples: number;
  readonly errors: number;
}

export function runsPage(runs: readonly RunRow[], store: string): string {
  const rows = runs
    .map((r) => `<tr><td>${esc(r.family)}</td><td><a href="/run/${encodeURIComponent(r.run_id)}">${esc(r.model)}</a></td><td class="num">${esc(r.params)}</td><td>${esc(r.task)}</td><td class="num">${esc(r.samples)}</td><td class="num">${esc(r.errors)}</td></tr>`)
    .join('');
  return page('Runs', `<p>Store: <code>${esc(store)}</code></p><table id="runs"><tr><th>family</th><th>model</th><th>params</th><th>task</th><th>samples</th><th>errors</th></tr>${rows}</table>`);
}

export function runPage(run: RunRow, summary: readonly { metric: string; value: number; n: number }[], samples: readonly { id: string; output: string | null; scores: Readonly<Record<string, number>> }[], metrics: readonly string[]): string {
  const head = metrics.map((m) => `<th>${esc(m)}</th>`).join('');
  const rows = samples
    .map((s) => `<tr><td><a href="/run/${encodeURIComponent(run.run_id)}/sample/${encodeURIComponent(s.id)}">${esc(s.id)}</a></td><td>${esc(s.output)}</td>${metrics.map((m) => `<td class="num">${s.scores[m] === undefined ? '' : esc(Number(s.scores[m]!.toPrecision(4)))}</td>`).join('')}</tr>`)
    .join('');
  const sum = summary.map((m) => `<tr><td>${esc(m.metric)}</td><td class="num">${esc(Number(m.value.toPrecision(4)))}</td><td class="num">${esc(m.n)}</td></tr>`).join('');
  return page(`${run.model} · ${run.task}`, `<p>${esc(run.family)}, ${esc(run.params)} parameters, ${esc(run.samples)} samples (${esc(run.errors)} with errors).</p>
<h2>Per metric (mean over samples)</h2><table id="summary"><tr><th>metric</th><th>mean</th><th>n</th></tr>${sum}</table>
<h2>Samples</h2><table id="samples"><tr><th>sample</th><th>output</th>${head}</tr>${rows}</table>`);
}

/** Red (p → 0) to green (p → 1) by the token's probability. */
function tokenColour(logprob: number): string {
  const p = Math.exp(logprob);
  const hue = Math.round(120 * p);
  return `hsl(${hue},70%,80%)`;
}

export function samplePage(run: RunRow, s: Sample, raw: { rawOutput: string | null; paths: readonly string[] | null; error: string | null; latencyMs: number }, scores: readonly Score[], targetTokens: readonly string[] | null): string {
  const toks = s.targetTokenLogprobs
    ? s.targetTokenLogprobs.map((lp, i) => `<span class="tok" style="background:${tokenColour(lp)}" title="log p = ${esc(lp.toFixed(4))}${s.targetTokenGreedy ? (s.targetTokenGreedy[i] ? ' (top choice)' : ' (not the top choice)') : ''}">${esc(targetTokens?.[i] ?? `#${i}`)}<sub>${esc(lp.toFixed(2))}</sub></span>`).join('')
    : '<em>not scored</em>';
  const choices = s.choices
    ? `<h2>Choices</h2><table id="choices"><tr><th>choice</th><th>log-likelihood</th><th>gold</th></tr>${s.choices.map((c, i) => `<tr><td>${esc(c)}</td><td class="num">${esc(s.choiceLogliks?.[i]?.toFixed(4))}</td><td>${s.gold?.includes(i) ? 'yes' : ''}</td></tr>`).join('')}</table>`
    : '';
  const sc = scores.map((x) => `<tr><td>${esc(x.metric)}</td><td class="num">${esc(Number(x.value.toPrecision(6)))}</td><td>${esc(x.tokenizer ?? '')}</td></tr>`).join('');
  return page(`${run.model} · ${run.task} · ${s.id}`, `${raw.error ? `<p><strong>error:</strong> ${esc(raw.error)}</p>` : ''}
<h2>Prompt</h2><pre id="prompt">${esc(s.prompt)}</pre>
<h2>Output</h2><pre id="output">${esc(s.output)}</pre>${raw.rawOutput !== null && raw.rawOutput !== s.output ? `<p>raw generation:</p><pre>${esc(raw.rawOutput)}</pre>` : ''}
${raw.paths ? `<h2>Self-consistency paths</h2><ol>${raw.paths.map((p) => `<li><pre>${esc(p)}</pre></li>`).join('')}</ol>` : ''}
<h2>Targets</h2><pre id="targets">${esc(s.targets.join('\n'))}</pre>
<h2>Target tokens (teacher forced)</h2><div id="tokens">${toks}</div>
${choices}
<h2>Scores</h2><table id="scores"><tr><th>metric</th><th>value</th><th>tokenizer</th></tr>${sc}</table>
<p>latency ${esc(raw.latencyMs.toFixed(1))} ms</p>`);
}

/** A sweep's progress as the viewer shows it: one row per job kind (whatever the source: the queue or the store). */
export interface SweepView {
  readonly name: string;
  /** Where the counts come from: the queue's URL (password masked) or the store. */
  readonly source: string;
  readonly rows: readonly { readonly kind: string; readonly total: number; readonly done: number; readonly running: number | null; readonly queued: number | null; readonly waiting: number | null; readonly failed: number | null }[];
  readonly eta: string;
  readonly workers: number | null;
  readonly failure: string | null;
}

/** The running sweep, reloading itself every few seconds while jobs are left. */
export function sweepPage(v: SweepView, refreshSeconds = 3): string {
  const cell = (x: number | null): string => `<td class="num">${x === null ? '-' : esc(x)}</td>`;
  const rows = v.rows.map((r) => `<tr><td>${esc(r.kind)}</td>${cell(r.total)}${cell(r.done)}${cell(r.running)}${cell(r.queued)}${cell(r.waiting)}${cell(r.failed)}<td><progress max="${r.total}" value="${r.done}"></progress></td></tr>`).join('');
  const done = v.rows.reduce((a, r) => a + r.done, 0);
  const total = v.rows.reduce((a, r) => a + r.total, 0);
  const body = `<p>Sweep <b>${esc(v.name)}</b> from <code>${esc(v.source)}</code>: <span id="done">${done}/${total}</span> jobs done${v.workers === null ? '' : `, ${esc(v.workers)} workers connected`}, ETA ${esc(v.eta)}.</p>
<table id="sweep"><tr><th>kind</th><th>total</th><th>done</th><th>running</th><th>queued</th><th>not queued</th><th>failed</th><th></th></tr>${rows}</table>${v.failure ? `<p>First failure: <code>${esc(v.failure)}</code></p>` : ''}`;
  const html = page(`Sweep ${v.name}`, body);
  return done < total ? html.replace('<head>', `<head><meta http-equiv="refresh" content="${refreshSeconds}">`) : html;
}
