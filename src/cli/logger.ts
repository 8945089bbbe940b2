/** A small logger with injectable streams (STYLE.md: passed in, not imported; none in core). */
export interface Logger {
  warn(message: string): void;
  info(message: string): void;
  /**
   * A transient progress line: redrawn in place on a TTY; elsewhere (a log file, CI) written as a
   * plain line at most every `plainEveryMs`, so a long step is never silent and a short one adds nothing.
   */
  progress(message: string): void;
  /** End a progress line. */
  done(): void;
}

export interface Writable {
  write(s: string): unknown;
  isTTY?: boolean;
}

export function makeLogger(stderr: Writable, opts: { quiet?: boolean; plainEveryMs?: number; now?: () => number } = {}): Logger {
  let open = false;
  const now = opts.now ?? (() => performance.now());
  const every = opts.plainEveryMs ?? 10_000;
  let lastPlain = now();
  const clear = (): void => {
    if (open) {
      stderr.write('\r\x1b[K');
      open = false;
    }
  };
  return {
    warn(m) {
      clear();
      stderr.write(`warning: ${m}\n`);
    },
    info(m) {
      if (opts.quiet) return;
      clear();
      stderr.write(`${m}\n`);
    },
    progress(m) {
      if (opts.quiet) return;
      if (!stderr.isTTY) {
        if (now() - lastPlain < every) return;
        lastPlain = now();
        stderr.write(`${m}\n`);
        return;
      }
      stderr.write(`\r\x1b[K${m}`);
      open = true;
    },
    done: clear,
  };
}
