/**
 * The one progress contract every long command reports through (train steps, eval samples, an
 * experiment's members): what is being done, how much of it, and what else is worth a glance. The
 * rate and the ETA come from what was observed since the phase began, so a line printed when no unit
 * has finished (a heartbeat) shows the rate falling and the ETA growing, as they honestly do.
 * Pure: the clock is passed in; the CLI's logger draws the line (cli/logger.ts).
 */
export interface ProgressUpdate {
  /** What is being done: `training`, `evaluating`, `reading the store x.duckdb`. A new phase restarts the rate. */
  readonly phase: string;
  /** Units finished so far, including `skipped`. */
  readonly done?: number;
  readonly total?: number;
  /** Plural unit name: `steps`, `samples`. */
  readonly unit?: string;
  /** Units that were already done before this run (a resume): counted as done, not in the rate. */
  readonly skipped?: number;
  /**
   * Seconds left when the caller knows better than units / rate (units of unequal cost, such as steps
   * of models of different sizes); null when it cannot tell yet.
   */
  readonly etaSeconds?: number | null;
  /** A few more words: the loss, requests in flight, retries. */
  readonly detail?: string;
}

export interface ProgressReading {
  readonly elapsedSeconds: number;
  /** Units per second in this phase, not counting skipped ones; null before the first unit. */
  readonly rate: number | null;
  readonly etaSeconds: number | null;
}

/** Seconds left at the rate so far: (total - done) / (doneThisRun / elapsed); null until there is a rate. */
export function etaFromRate(doneThisRun: number, left: number, elapsedSeconds: number): number | null {
  if (left <= 0) return 0;
  if (doneThisRun <= 0 || elapsedSeconds <= 0) return null;
  return (left * elapsedSeconds) / doneThisRun;
}

/** Keeps when the current phase began, to turn counts into a rate and an ETA. */
export class ProgressMeter {
  private phase: string | null = null;
  private startedMs = 0;
  private base = 0;

  read(u: ProgressUpdate, nowMs: number): ProgressReading {
    if (u.phase !== this.phase) {
      this.phase = u.phase;
      this.startedMs = nowMs;
      // Without an explicit skip count, what was done when the phase was first seen is not this run's work.
      this.base = u.skipped ?? u.done ?? 0;
    }
    const elapsedSeconds = (nowMs - this.startedMs) / 1000;
    if (u.done === undefined) return { elapsedSeconds, rate: null, etaSeconds: u.etaSeconds ?? null };
    const ran = u.done - (u.skipped ?? this.base);
    const rate = ran > 0 && elapsedSeconds > 0 ? ran / elapsedSeconds : null;
    const eta = u.etaSeconds !== undefined ? u.etaSeconds : u.total === undefined ? null : etaFromRate(ran, u.total - u.done, elapsedSeconds);
    return { elapsedSeconds, rate, etaSeconds: eta };
  }
}

/** Seconds in a few characters: 45 s, 3 min 20 s, 2 h 05 min. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

const singular = (unit: string): string => (unit.endsWith('s') ? unit.slice(0, -1) : unit);

/** A rate a person can read: `45.2 steps/s`, or `3.1 s/step` when a unit takes longer than a second. */
export function formatRate(rate: number, unit: string): string {
  if (rate >= 1) return `${rate >= 100 ? Math.round(rate).toLocaleString('en') : rate.toFixed(1)} ${unit}/s`;
  return `${(1 / rate).toFixed(1)} s/${singular(unit)}`;
}

/**
 * One line: `training: 120/400 steps (30.0%), 45.2 steps/s, ETA 6 s · s loss 1.2345`. A phase with no
 * count shows how long it has run: `auditing the family (12 s)`.
 */
export function formatProgress(u: ProgressUpdate, r: ProgressReading): string {
  const tail = u.detail ? ` · ${u.detail}` : '';
  if (u.done === undefined || u.total === undefined) {
    const eta = r.etaSeconds !== null ? `, ETA ${formatEta(r.etaSeconds)}` : '';
    return `${u.phase} (${formatEta(r.elapsedSeconds)}${eta})${tail}`;
  }
  const unit = u.unit ?? 'done';
  const pct = u.total > 0 ? ((100 * u.done) / u.total).toFixed(1) : '100.0';
  const parts = [`${u.done.toLocaleString('en')}/${u.total.toLocaleString('en')} ${unit} (${pct}%)`];
  if (r.rate !== null) parts.push(formatRate(r.rate, unit));
  parts.push(`ETA ${r.etaSeconds === null ? 'unknown' : formatEta(r.etaSeconds)}`);
  return `${u.phase}: ${parts.join(', ')}${tail}`;
}

/** A text bar of `width` cells for a TTY: `[######--------------]`. */
export function progressBar(done: number, total: number, width = 20): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}]`;
}
