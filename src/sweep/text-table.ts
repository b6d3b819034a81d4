/**
 * A plain-text table: columns padded to their widest cell, numbers right-aligned, a dashed rule
 * under the header. For terminals and logs (no colors, no box drawing).
 */
export function formatTable(header: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? "-" : String(c))));
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? "").length)));
  const numeric = header.map(
    (_, j) => rows.length > 0 && rows.every((r) => r[j] === null || typeof r[j] === "number"),
  );
  const line = (r: string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join("  ")
      .trimEnd();
  return `${[line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n")}\n`;
}
