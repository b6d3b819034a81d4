/**
 * Learning-rate grids: the learning rate is a control, not a constant. A configuration runs a
 * factor-2 (log) grid of rates; when its best rate sits on an edge of the grid the grid is widened
 * by a factor 2 on that side (within a fixed range), so the best rate ends inside the grid or the
 * report says it is on a limit.
 *
 * A grid is scored by a cost per rate (lower is better: a learning time, or minus an accuracy);
 * +Infinity (never reached, diverged) is a measured cost that is never the best.
 */

/** The factor-2 learning-rate grid a configuration starts from, and how far it may be widened. */
export interface RateGrid {
  start: number[];
  min: number;
  max: number;
}

/** The rate with the smallest finite cost (the smaller rate on a tie); null when every cost is infinite. */
export function bestRate(costs: ReadonlyMap<number, number>): number | null {
  let best: number | null = null;
  for (const [lr, T] of [...costs].sort((a, b) => a[0] - b[0])) {
    if (Number.isFinite(T) && (best === null || T < costs.get(best)!)) best = lr;
  }
  return best;
}

/**
 * The next rate to try: when the best rate is the grid's smallest (largest), the rate half (twice)
 * as large, within [min, max]; null when the best rate is inside the grid, no rate has a finite
 * cost, or the limit is reached (the best rate is then on an edge, and the report says so).
 */
export function widenGrid(costs: ReadonlyMap<number, number>, grid: RateGrid): number | null {
  const best = bestRate(costs);
  if (best === null) return null;
  const rates = [...costs.keys()].sort((a, b) => a - b);
  if (best === rates[0] && best / 2 >= grid.min * (1 - 1e-9)) return best / 2;
  if (best === rates[rates.length - 1] && best * 2 <= grid.max * (1 + 1e-9)) return best * 2;
  return null;
}

/** Whether the best rate of `costs` is the smallest or largest rate tried ("lower"/"upper"), else null. */
export function bestRateEdge(costs: ReadonlyMap<number, number>): "lower" | "upper" | null {
  const best = bestRate(costs);
  if (best === null) return null;
  const rates = [...costs.keys()].sort((a, b) => a - b);
  return best === rates[0] ? "lower" : best === rates[rates.length - 1] ? "upper" : null;
}

/** The factor-2 grid from `low` to `high` (both included when high / low is a power of 2). */
export function log2Grid(low: number, high: number): number[] {
  const out: number[] = [];
  for (let lr = low; lr <= high * (1 + 1e-9); lr *= 2) out.push(lr);
  return out;
}
