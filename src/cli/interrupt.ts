import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';

/**
 * Ctrl-C (SIGINT) and SIGTERM for the CLI. Two parts:
 * - temporary files (the `*.tmp` of an atomic --out) are tracked, and removed whatever the signal
 *   interrupts, so an interrupted write leaves neither a half file nor its temporary;
 * - a long command (eval, train) can catch the signal as an AbortSignal, stop at a safe point, keep
 *   what it has (samples, a checkpoint), say how to resume, and exit 130 (143 for SIGTERM). A second
 *   Ctrl-C while it does so exits at once.
 * Commands that catch no signal end at once with 130, as a shell expects.
 */
const temps = new Set<string>();

/** Remember a temporary file until `release()`: an interrupt removes it. */
export function trackTemp(path: string): { release(): void } {
  temps.add(path);
  return { release: () => void temps.delete(path) };
}

export const exitCodeFor = (sig: NodeJS.Signals): number => (sig === 'SIGTERM' ? 143 : 130);

function removeTemps(): void {
  for (const t of temps) rmSync(t, { force: true });
  temps.clear();
}

/** Installed once by main.ts: the last resort for every command. */
export function installInterruptCleanup(stderr: { write(s: string): unknown }): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      removeTemps();
      // Someone else listens (eval or train stopping cleanly, serve or view closing): let them.
      if (process.listenerCount(sig) > 1) return;
      stderr.write(`\nemergence: interrupted (${sig})\n`);
      process.exit(exitCodeFor(sig));
    });
  }
}

export interface Interrupt {
  readonly signal: AbortSignal;
  /** The signal that arrived, or null. */
  readonly received: () => NodeJS.Signals | null;
  /** Stop listening (the command has finished). */
  dispose(): void;
}

/** Catch SIGINT/SIGTERM for the life of a long command; a second one exits at once. */
export function catchInterrupt(onFirst?: (sig: NodeJS.Signals) => void): Interrupt {
  const ac = new AbortController();
  // Every request in flight listens to it (hundreds at -j 256): no leak, so no listener cap.
  setMaxListeners(0, ac.signal);
  let got: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals): void => {
    if (got !== null) {
      removeTemps();
      process.exit(exitCodeFor(sig));
    }
    got = sig;
    onFirst?.(sig);
    ac.abort(new Error(`interrupted (${sig})`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    received: () => got,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
