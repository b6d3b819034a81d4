import type { Backend, FloatArray } from "../kernels/backend.js";
import { TsBackend } from "../kernels/ts-backend.js";
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

const reference = new TsBackend();

/**
 * Counts x[0..n) into the bins of `spec` (see `Histogram` for under/over/zeros/nonFinite). The
 * counting loops run in `backend`'s kernels (Backend.countLinearBins, countCellBins), by default
 * in the TypeScript reference; every backend gives the same counts.
 */
export function histogram(x: FloatArray, n: number, spec: BinSpec, backend: Backend = reference): Histogram {
  const h: Histogram = {
    scale: spec.scale,
    edges: binEdges(spec),
    counts: new Array<number>(spec.bins).fill(0),
    under: 0,
    over: 0,
    zeros: 0,
    nonFinite: 0,
  };
  if (spec.scale === "linear") linearCounts(x, n, spec, h, backend);
  else if (x instanceof Float32Array) log10AbsCountsF32(x, n, spec, h, backend);
  else log10AbsCounts(x, n, spec, h);
  return h;
}

/** Linear bins, counted by the backend (with under, over and non-finite). */
function linearCounts(x: FloatArray, n: number, spec: BinSpec, h: Histogram, backend: Backend): void {
  const { lo, width, bins } = spec;
  const counts = new Int32Array(bins + 3);
  backend.countLinearBins(x, n, lo, 1 / width, bins, counts);
  for (let k = 0; k < bins; k++) h.counts[k] = counts[k];
  h.under = counts[bins];
  h.over = counts[bins + 1];
  h.nonFinite = counts[bins + 2];
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
const log10Tables = new Map<string, { e: Float64Array; cell: Int8Array; edgeBits: Int32Array }>();
function log10Table(spec: BinSpec): { e: Float64Array; cell: Int8Array; edgeBits: Int32Array } {
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
    t = { e, cell, edgeBits: edgeBitsOf(e) };
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
 * For each edge value, the bit pattern of the smallest float32 >= it: for a float32 a >= 0,
 * edge <= a exactly when bits(a) >= that pattern (the order of non-negative floats is the order of
 * their bits), so the kernels compare integers.
 */
function edgeBitsOf(e: Float64Array): Int32Array {
  const f = new Float32Array(1);
  const u = new Int32Array(f.buffer);
  const out = new Int32Array(e.length);
  for (let k = 0; k < e.length; k++) {
    f[0] = e[k];
    if (f[0] < e[k]) u[0]++; // rounded down: the next float32 up (Infinity past the largest)
    out[k] = u[0];
  }
  return out;
}

/**
 * Fast path for float32: the bits of |x| (exponent and top 6 mantissa bits) index a table that gives
 * the number of edges below the value's cell; one comparison with the exact edge inside the cell
 * finishes it (Backend.countCellBins). Same bins as the reference path, without a logarithm or a
 * search per element.
 */
function log10AbsCountsF32(x: Float32Array, n: number, spec: BinSpec, h: Histogram, backend: Backend): void {
  const { cell, edgeBits } = log10Table(spec);
  const bins = spec.bins;
  const counts = new Int32Array(bins + 4); // [under, bin 0 .. bin bins-1, over, zeros, non-finite]
  backend.countCellBins(x, n, cell, edgeBits, bins, counts);
  h.under = counts[0];
  for (let k = 0; k < bins; k++) h.counts[k] = counts[k + 1];
  h.over = counts[bins + 1];
  h.zeros = counts[bins + 2];
  h.nonFinite = counts[bins + 3];
}
