/** A config value for tables and labels: [100, 100, 100] -> "100x3", [64, 32] -> "64,32", [] -> "none". */
export function formatValue(v: unknown): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return "none";
    return v.length > 2 && v.every((x) => x === v[0]) ? `${v[0]}x${v.length}` : v.join(",");
  }
  if (v === null || v === undefined) return "-";
  return String(v);
}
