/** A plain-text table: header, a rule, rows; the columns in `rightAlign` padded on the left (numbers). */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], rightAlign: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
