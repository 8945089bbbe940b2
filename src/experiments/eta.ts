/** Seconds left in a few characters: 45 s, 3 min 20 s, 2 h 05 min. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A progress counter with an ETA from the rate so far: `12/300 (ETA 1 min 05 s)`. */
export function progressWithEta(done: number, total: number, startedMs: number, nowMs = performance.now()): string {
  const secs = (nowMs - startedMs) / 1000;
  const eta = done > 0 && done < total ? `, ETA ${formatEta((secs / done) * (total - done))}` : '';
  return `${done}/${total}${eta}`;
}
