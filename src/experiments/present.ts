import { DEFAULT_THRESHOLDS } from '../core/analysis/thresholds.js';
import { auditDocument, type AuditDocument } from '../report/audit-document.js';
import { auditTable } from '../report/audit-table.js';
import type { ExperimentRun } from './runner.js';

/** The three ways a finished run is shown, the same for every experiment: terminal text, one JSON document, the HTML report. */
export function runDocument(r: ExperimentRun): { audit: AuditDocument; json: Record<string, unknown> } {
  const audit = auditDocument(r.curves, r.report, [r.store], 2, DEFAULT_THRESHOLDS);
  const json = {
    kind: 'emergence-experiment', version: 1, experiment: r.id, budget: r.budget, label: r.label, params: r.params, seed: r.seed, versions: r.versions,
    store: r.store, seconds: r.seconds,
    members: r.members.map((m) => ({ name: m.name, family: m.family, arch: m.arch, identity: m.identity, checkpoint: m.file, params: m.params, trainSeconds: m.seconds, stepsRun: m.stepsRun, finalLoss: m.loss })),
    findings: { lines: r.findings.lines, data: r.findings.data },
    audit,
  };
  return { audit, json };
}

export function runText(r: ExperimentRun): string {
  const { audit } = runDocument(r);
  return [
    r.findings.before,
    auditTable(audit, { showAll: true }),
    '',
    ...r.findings.lines.map((l) => `- ${l}`),
    `Done in ${r.seconds.toFixed(0)} s (${r.label}, seed ${r.seed}); every sample in ${r.store}.`,
  ].filter((s, i) => i > 0 || s !== '').join('\n') + '\n';
}

export async function runHtml(r: ExperimentRun): Promise<string> {
  const { auditHtml } = await import('../report/html.js');
  return auditHtml(runDocument(r).audit, r.findings.title, undefined, r.findings.charts);
}
