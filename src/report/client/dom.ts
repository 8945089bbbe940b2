/** The page's small DOM and number helpers. Text from the data is only ever set as textContent. */
export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

/** Three significant figures; exponents for the very small and very large. */
export const fmt = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
};

/** 11.8B, 160M: parameter counts as model cards write them. */
export const fmtParams = (p: number): string => {
  for (const [u, s] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']] as const) if (p >= u) return `${Number((p / u).toPrecision(3))}${s}`;
  return String(p);
};
