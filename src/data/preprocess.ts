import type { Preprocess, RawSplit } from "./types.js";

/**
 * Preprocessing, named after what it does, always with TRAINING-set statistics (the test split is
 * transformed with the same numbers, as it must be):
 *   raw          values as they are (pixels 0..255: the notes' experiment)
 *   unit         [0, 1]: pixels / 255; other data min-max scaled per feature
 *   symmetric    [-1, 1]: pixels / 127.5 - 1; other data min-max scaled per feature to [-1, 1]
 *   standardize  per-feature z-score (x - mean) / std; a constant feature (std 0) is only centered
 * `pixelRange` = 255 for images (fixed scaling), null for other data (min-max per feature).
 */
export function preprocessSplits(
  train: RawSplit,
  test: RawSplit,
  d: number,
  mode: Preprocess,
  pixelRange: number | null,
): void {
  if (mode === "raw") return;
  const shift = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  if (mode === "standardize") {
    const sum = new Float64Array(d);
    const sq = new Float64Array(d);
    for (let i = 0; i < train.n; i++) {
      for (let j = 0; j < d; j++) {
        const v = train.x[i * d + j];
        sum[j] += v;
      }
    }
    for (let j = 0; j < d; j++) shift[j] = sum[j] / Math.max(1, train.n);
    for (let i = 0; i < train.n; i++) {
      for (let j = 0; j < d; j++) {
        const c = train.x[i * d + j] - shift[j];
        sq[j] += c * c;
      }
    }
    for (let j = 0; j < d; j++) {
      const std = Math.sqrt(sq[j] / Math.max(1, train.n));
      scale[j] = std > 0 ? 1 / std : 1;
    }
  } else {
    const lo = mode === "unit" ? 0 : -1;
    for (let j = 0; j < d; j++) {
      let min = pixelRange === null ? Number.POSITIVE_INFINITY : 0;
      let max = pixelRange === null ? Number.NEGATIVE_INFINITY : pixelRange;
      if (pixelRange === null) {
        for (let i = 0; i < train.n; i++) {
          const v = train.x[i * d + j];
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
      const width = max - min;
      // x' = lo + (x - min) (1 - lo) / width  ==  (x - shift) * scale
      scale[j] = width > 0 ? (1 - lo) / width : 1;
      shift[j] = min - lo / scale[j];
    }
  }
  for (const s of [train, test]) {
    for (let i = 0; i < s.n; i++) {
      for (let j = 0; j < d; j++) s.x[i * d + j] = (s.x[i * d + j] - shift[j]) * scale[j];
    }
  }
}

export function summarize(x: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const mean = x.length ? sum / x.length : 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) sq += (x[i] - mean) * (x[i] - mean);
  return { mean, std: x.length ? Math.sqrt(sq / x.length) : 0, min, max };
}
