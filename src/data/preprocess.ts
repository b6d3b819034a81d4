import { UserError } from "../errors.js";
import type { DataStats, Preprocess } from "./types.js";

export const PREPROCESS_MODES: Preprocess[] = ["raw", "unit", "symmetric", "standardize"];

/** "pixels": values on the fixed scale 0..255; "table": CSV and synthetic features of any scale. */
export type FeatureKind = "pixels" | "table";

/**
 * A per-feature affine map x' = (x - offset[j]) / scale[j], fitted on the training set and
 * applied unchanged to the test set. The modes:
 * - raw: x' = x (pixels stay 0..255: the notes' experiment of feeding unscaled pixels).
 * - unit: pixels x / 255; tables min-max (x - min_j) / (max_j - min_j), in [0, 1] on train.
 * - symmetric: pixels x / 127.5 - 1; tables 2 (x - min_j) / (max_j - min_j) - 1, in [-1, 1].
 * - standardize: the z-score (x - mean_j) / std_j, with the training mean and the population
 *   std (divide by n) of feature j, for pixels and tables alike.
 * A constant training feature (max_j = min_j, so std_j = 0) gets offset min_j and scale 1: it
 * becomes exactly 0 on train; test values are mapped by the same offset and may fall outside the range.
 */
export interface FeatureTransform {
  mode: Preprocess;
  offset: Float64Array;
  scale: Float64Array;
}

export function checkPreprocess(mode: string): Preprocess {
  if (!(PREPROCESS_MODES as string[]).includes(mode)) {
    throw new UserError(`unknown preprocessing "${mode}"; choose one of ${PREPROCESS_MODES.join(", ")}`);
  }
  return mode as Preprocess;
}

/** Fits the transform of `mode` on the training rows (n x dim, row-major). Statistics in float64. */
export function fitPreprocess(
  mode: Preprocess,
  trainX: Float32Array,
  dim: number,
  kind: FeatureKind,
): FeatureTransform {
  checkPreprocess(mode);
  const offset = new Float64Array(dim);
  const scale = new Float64Array(dim).fill(1);
  if (mode === "raw") return { mode, offset, scale };
  if (kind === "pixels" && mode !== "standardize") {
    offset.fill(mode === "unit" ? 0 : 127.5);
    scale.fill(mode === "unit" ? 255 : 127.5);
    return { mode, offset, scale };
  }
  const f = featureStats(trainX, dim);
  for (let j = 0; j < dim; j++) {
    const range = f.max[j] - f.min[j];
    if (!(range > 0)) {
      offset[j] = f.min[j]; // constant on train (exactly: min = max, whatever rounding the mean has)
    } else if (mode === "standardize") {
      offset[j] = f.mean[j];
      scale[j] = f.std[j];
    } else {
      offset[j] = mode === "unit" ? f.min[j] : (f.min[j] + f.max[j]) / 2;
      scale[j] = mode === "unit" ? range : range / 2;
    }
  }
  return { mode, offset, scale };
}

/** Applies `t` to the rows of `x` in place (each value computed in float64, stored as float32). */
export function transformInPlace(t: FeatureTransform, x: Float32Array, dim: number): void {
  if (t.mode === "raw") return;
  const { offset, scale } = t;
  for (let base = 0; base < x.length; base += dim) {
    for (let j = 0; j < dim; j++) x[base + j] = (x[base + j] - offset[j]) / scale[j];
  }
}

/**
 * Fits `mode` on trainX and applies it to copies of trainX and testX; the inputs are not
 * changed. Returns the transformed copies, the transform and the stats of the transformed trainX.
 */
export function applyPreprocess(
  mode: Preprocess,
  trainX: Float32Array,
  testX: Float32Array,
  dim: number,
  kind: FeatureKind,
): { trainX: Float32Array; testX: Float32Array; transform: FeatureTransform; stats: DataStats } {
  const transform = fitPreprocess(mode, trainX, dim, kind);
  const train = trainX.slice();
  const test = testX.slice();
  transformInPlace(transform, train, dim);
  transformInPlace(transform, test, dim);
  return { trainX: train, testX: test, transform, stats: matrixStats(train) };
}

/** Mean, population std, min and max over all entries (float64, two passes). */
export function matrixStats(x: Float32Array): DataStats {
  const n = x.length;
  if (n === 0) return { mean: 0, std: 0, min: 0, max: 0 };
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return { mean, std: Math.sqrt(ss / n), min, max };
}

/** Per-feature mean, population std, min and max of n x dim rows (float64, two passes). */
export function featureStats(
  x: Float32Array,
  dim: number,
): { mean: Float64Array; std: Float64Array; min: Float64Array; max: Float64Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  const min = new Float64Array(dim).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(dim).fill(Number.NEGATIVE_INFINITY);
  for (let base = 0; base < x.length; base += dim) {
    for (let j = 0; j < dim; j++) {
      const v = x[base + j];
      mean[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < dim; j++) mean[j] /= n;
  for (let base = 0; base < x.length; base += dim) {
    for (let j = 0; j < dim; j++) {
      const d = x[base + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j] / n);
  return { mean, std, min, max };
}
