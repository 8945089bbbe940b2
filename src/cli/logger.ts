import { formatProgress, progressBar, ProgressMeter, type ProgressUpdate } from '../core/progress/progress.js';

/** A small logger with injectable streams (STYLE.md: passed in, not imported; none in core). */
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
  /**
   * The one progress line (core/progress/progress.ts; a string is a phase with no count). On a TTY it
   * is redrawn in place, with a bar; elsewhere (a log file, CI) it is written as a plain line every
   * `plainEveryMs` while the step lasts, repeated as a heartbeat when nothing has finished meanwhile,
   * so a long step is never silent and a short one adds nothing. A function is read again at every
   * draw, so a heartbeat shows live figures (requests in flight) rather than those of the last update.
   */
  progress(update: ProgressUpdate | string | (() => ProgressUpdate)): void;
  /** End the progress line. */
  done(): void;
}

export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LoggerOptions {
  readonly quiet?: boolean;
  /** Off a TTY, a progress line this often (default 10 s; EMERGENCE_PROGRESS_INTERVAL in the CLI). */
  readonly plainEveryMs?: number;
  readonly now?: () => number;
}

/** On a TTY: at most this many redraws a second, and one a second when nothing changes (the ETA moves). */
const TTY_REDRAW_MS = 100;
const TTY_HEARTBEAT_MS = 1000;

export function makeLogger(stderr: Writable, opts: LoggerOptions = {}): Logger {
  const now = opts.now ?? (() => performance.now());
  const every = opts.plainEveryMs ?? 10_000;
  if (!(every > 0)) throw new RangeError(`plainEveryMs must be > 0, not ${every}`);
  const tty = stderr.isTTY === true;
  const meter = new ProgressMeter();
  let current: ProgressUpdate | null = null;
  let source: (() => ProgressUpdate) | null = null;
  let activeSince = 0;
  let lastWrite = -Infinity;
  let drawn = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const line = (): string => formatProgress(current!, meter.read(current!, now()));
  const clearLine = (): void => {
    if (drawn) {
      stderr.write('\r\x1b[K');
      drawn = false;
    }
  };
  const render = (): void => {
    if (current === null) return;
    if (source !== null) {
      current = source();
      meter.read(current, now());
    }
    lastWrite = now();
    if (!tty) {
      stderr.write(`${line()}\n`);
      return;
    }
    const u = current;
    const text = u.done !== undefined && u.total !== undefined ? `${progressBar(u.done, u.total)} ${line()}` : line();
    // A line wider than the terminal wraps, and \r then redraws only its last row.
    const width = Math.max(20, (stderr.columns ?? 120) - 1);
    stderr.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    drawn = true;
  };
  const due = (): number => (tty ? lastWrite + TTY_HEARTBEAT_MS : Math.max(lastWrite, activeSince) + every);
  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (current === null) return;
      if (now() >= due() - 1) render();
      schedule();
    }, Math.max(1, due() - now()));
    // The heartbeat never keeps the process alive by itself.
    (timer as { unref?: () => void }).unref?.();
  };
  const stop = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    current = null;
    source = null;
    clearLine();
  };
  return {
    warn(m) {
      clearLine();
      stderr.write(`warning: ${m}\n`);
      if (tty && current !== null) render();
    },
    info(m) {
      if (opts.quiet) return;
      clearLine();
      stderr.write(`${m}\n`);
      if (tty && current !== null) render();
    },
    progress(m) {
      if (opts.quiet) return;
      source = typeof m === 'function' ? m : null;
      const u: ProgressUpdate = typeof m === 'string' ? { phase: m } : typeof m === 'function' ? m() : m;
      const t = now();
      const fresh = current === null;
      const newPhase = fresh || current!.phase !== u.phase;
      if (fresh) activeSince = t;
      current = u;
      meter.read(u, t); // notes when a phase begins, whether or not this update is drawn
      if (tty ? newPhase || t - lastWrite >= TTY_REDRAW_MS : t >= due()) render();
      if (fresh || t === lastWrite) schedule();
    },
    done: stop,
  };
}
