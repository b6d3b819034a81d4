import type { FloatArray } from "../kernels/backend.js";
import type { Histogram } from "./types.js";

/** Every probe histogram has this many bins (odd, so one bin is centred on 0 or on 10^0). */
export const HIST_BINS = 41;

/**
 * Bins of a histogram: linear (`value` binned) or log10abs (log10|value| binned), `bins` bins
 * of equal width starting at `lo`.
 */
export interface BinSpec {
  scale: "linear" | "log10abs";
  lo: number;
  width: number;
  bins: number;
}

/**
 * Activations of bounded functions (sigmoid, tanh, softsign, hard_tanh): 41 bins of width 0.05
 * over [-1.025, 1.025], centred on -1, -0.95, ..., 0, ..., 1. Saturation shows as mass at +-1
 * (sigmoid: 0 and 1), a vanishing signal as a spike at phi(0) (0 for tanh, 0.5 for sigmoid).
 */
export const BOUNDED_BINS: BinSpec = { scale: "linear", lo: -1.025, width: 0.05, bins: HIST_BINS };

/**
 * dL/dz: log10|g| in 41 bins of a quarter decade, centred on 10^-10, 10^-9.75, ..., 10^0
 * (edges 10^-10.125 .. 10^0.125). A vanishing gradient moves the mass left by decades; a dead
 * ReLU unit contributes exact zeros (counted apart).
 */
export const GRAD_BINS: BinSpec = { scale: "log10abs", lo: -10.125, width: 0.25, bins: HIST_BINS };

/** The smallest "nice" number 1, 2 or 5 times a power of 10 that is >= x (x > 0). */
export function niceCeil(x: number): number {
  if (!(x > 0 && Number.isFinite(x))) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * Unbounded values (pre-activations; ReLU-family and smooth activations): 41 linear bins over
 * [-R, R], R = niceCeil(4 rms) with rms = sqrt(E[x^2]) of the tensor (R = 1 if rms is 0 or not
 * finite). The range depends on the data, so it is recorded in the edges; the centre bin is
 * centred on 0 (a dead ReLU layer piles up there).
 */
export function symmetricBins(rms: number): BinSpec {
  const R = niceCeil(4 * rms);
  return { scale: "linear", lo: -R, width: (2 * R) / HIST_BINS, bins: HIST_BINS };
}

const edgeCache = new Map<string, number[]>();

/** The bin edges lo + k * width, k = 0..bins (rounded to 12 significant digits for clean JSON; cached). */
export function binEdges(spec: BinSpec): number[] {
  const key = `${spec.lo}/${spec.width}/${spec.bins}`;
  let e = edgeCache.get(key);
  if (!e) {
    e = Array.from({ length: spec.bins + 1 }, (_, k) => Number((spec.lo + k * spec.width).toPrecision(12)));
    if (edgeCache.size > 1000) edgeCache.clear();
    edgeCache.set(key, e);
  }
  return [...e];
}

/** Counts x[0..n) into the bins of `spec` (see `Histogram` for under/over/zeros/nonFinite). */
export function histogram(x: FloatArray, n: number, spec: BinSpec): Histogram {
  const h: Histogram = {
    scale: spec.scale,
    edges: binEdges(spec),
    counts: new Array<number>(spec.bins).fill(0),
    under: 0,
    over: 0,
    zeros: 0,
    nonFinite: 0,
  };
  if (spec.scale === "linear") linearCounts(x, n, spec, h);
  else if (x instanceof Float32Array) log10AbsCountsF32(x, n, spec, h);
  else log10AbsCounts(x, n, spec, h);
  return h;
}

/**
 * Linear bins. Two count arrays, alternating between even and odd elements, so that runs of values
 * in the same bin do not wait on each other's increments (about 2x faster).
 */
function linearCounts(x: FloatArray, n: number, spec: BinSpec, h: Histogram): void {
  const { lo, width, bins } = spec;
  const c0 = new Int32Array(bins);
  const c1 = new Int32Array(bins);
  const inv = 1 / width;
  let out = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const t0 = (x[i] - lo) * inv;
    const t1 = (x[i + 1] - lo) * inv;
    if (t0 >= 0 && t0 < bins) c0[t0 | 0]++;
    else out++;
    if (t1 >= 0 && t1 < bins) c1[t1 | 0]++;
    else out++;
  }
  if (i < n) {
    const t = (x[i] - lo) * inv;
    if (t >= 0 && t < bins) c0[t | 0]++;
    else out++;
  }
  for (let k = 0; k < bins; k++) h.counts[k] = c0[k] + c1[k];
  if (out === 0) return;
  for (let j = 0; j < n; j++) {
    const v = x[j];
    const t = (v - lo) * inv;
    if (t >= 0 && t < bins) continue;
    if (v - v !== 0)
      h.nonFinite++; // NaN or an infinity
    else if (t < 0) h.under++;
    else h.over++;
  }
}

/** Edge values 10^(lo + k width) on |x|: bin k holds 10^edges[k] <= |x| < 10^edges[k+1]. */
function absEdges(spec: BinSpec): Float64Array {
  const e = new Float64Array(spec.bins + 1);
  for (let k = 0; k <= spec.bins; k++) e[k] = 10 ** (spec.lo + k * spec.width);
  return e;
}

/** Cells of the float32 fast path: the exponent byte and the top CELL_BITS bits of the mantissa of |x|. */
const CELL_BITS = 6;
const ZERO_OR_SUBNORMAL = -1;
const NOT_FINITE = -2;

/**
 * For the float32 fast path: the edge values, and for each cell (exponent, top 6 mantissa bits) of a
 * non-negative float32, the number of edges <= the cell's smallest value (ZERO_OR_SUBNORMAL /
 * NOT_FINITE for exponents 0 and 255). A cell spans a factor 1 + 1/64 (0.0067 decades), far less than
 * a bin, so at most one edge falls inside it. Cached per bin spec.
 */
const log10Tables = new Map<string, { e: Float64Array; cell: Int8Array }>();
function log10Table(spec: BinSpec): { e: Float64Array; cell: Int8Array } {
  const key = `${spec.lo}/${spec.width}/${spec.bins}`;
  let t = log10Tables.get(key);
  if (!t) {
    const e = absEdges(spec);
    const cell = new Int8Array(1 << (8 + CELL_BITS));
    const span = 1 << CELL_BITS;
    for (let ex = 0; ex < 256; ex++) {
      for (let m = 0; m < span; m++) {
        const idx = (ex << CELL_BITS) | m;
        if (ex === 0) cell[idx] = ZERO_OR_SUBNORMAL;
        else if (ex === 255) cell[idx] = NOT_FINITE;
        else {
          const v = 2 ** (ex - 127) * (1 + m / span);
          let c = 0;
          while (c <= spec.bins && e[c] <= v) c++;
          cell[idx] = c;
        }
      }
    }
    t = { e, cell };
    if (log10Tables.size > 100) log10Tables.clear();
    log10Tables.set(key, t);
  }
  return t;
}

/** Reference path (float64 arrays): a binary search of |x| among the edge values. */
function log10AbsCounts(x: FloatArray, n: number, spec: BinSpec, h: Histogram): void {
  const e = absEdges(spec);
  const bins = spec.bins;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) h.nonFinite++;
    else if (v === 0) h.zeros++;
    else {
      const a = Math.abs(v);
      let lo = 0;
      let hi = bins + 1;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (e[m] <= a) lo = m + 1;
        else hi = m;
      }
      // lo = number of edges <= a: 0 -> under, bins + 1 -> over, else bin lo - 1
      if (lo === 0) h.under++;
      else if (lo > bins) h.over++;
      else h.counts[lo - 1]++;
    }
  }
}

/**
 * Fast path for float32: the bits of |x| (exponent and top 6 mantissa bits) index a table that gives
 * the number of edges below the value's cell; one comparison with the exact edge inside the cell
 * finishes it. Same bins as the reference path, without a logarithm or a search per element.
 */
function log10AbsCountsF32(x: Float32Array, n: number, spec: BinSpec, h: Histogram): void {
  const { e, cell } = log10Table(spec);
  const bins = spec.bins;
  const bits = new Uint32Array(x.buffer, x.byteOffset, n);
  const shift = 23 - CELL_BITS;
  const counts = new Int32Array(bins + 2); // [under, bin 0 .. bin bins-1, over]
  let zeros = 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    let c = cell[(bits[i] & 0x7fffffff) >>> shift];
    if (c >= 0) {
      if (c <= bins && e[c] <= Math.abs(x[i])) c++;
      counts[c]++;
    } else if (c === NOT_FINITE) bad++;
    else if ((bits[i] & 0x7fffffff) === 0) zeros++;
    else counts[0]++; // subnormal, far below 10^-10
  }
  h.under = counts[0];
  for (let k = 0; k < bins; k++) h.counts[k] = counts[k + 1];
  h.over = counts[bins + 1];
  h.zeros = zeros;
  h.nonFinite = bad;
}
