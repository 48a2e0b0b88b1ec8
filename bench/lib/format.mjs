// Plain-text tables for the human report.

/** Rounds to `digits` decimals; null and undefined stay null. */
export function round(value, digits) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Right-aligns every column but the first; `rows` are arrays of cells, null printed as "–". */
export function table(header, rows) {
  const cells = [header, ...rows].map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '–' : String(cell))),
  );
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [
    line(cells[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** A cell formatter: fixed decimals for numbers, null (shown as –) for anything else. */
export const fixed = (digits) => (value) => (typeof value === 'number' ? value.toFixed(digits) : null);

/** Three significant digits below 100 (0.0734, 2.65, 41.2), whole numbers above. */
export const significant = (value) =>
  typeof value !== 'number' ? null : Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);

/** A whole number with thousands separators (1,000,000). */
export const count = (n) => n.toLocaleString('en-US');
