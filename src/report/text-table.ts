/** A plain aligned text table: header, a rule, rows; the columns in `rightAlign` padded on the left. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
  const pad = (c: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[i]! - [...c].length));
    return rightAlign.has(i) ? gap + c : c + gap;
  };
  const line = (r: readonly string[]): string => r.map(pad).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
