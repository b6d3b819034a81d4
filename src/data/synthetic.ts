import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";

/**
 * The 2-D classification sets of TensorFlow Playground (Smilkov, Carter et al. 2016,
 * github.com/tensorflow/playground, src/dataset.ts), ported draw for draw with `Math.random`
 * replaced by a seeded `Rng`. Playground's labels +1 / -1 become classes 1 / 0.
 * - circle: n/2 points with radius U(0, 2.5) and n/2 with radius U(3.5, 5) (R = 5: [0, 0.5R]
 *   and [0.7R, R]), angle U(0, 2 pi); the label is +1 iff the point moved by noise
 *   (U(-5, 5) * noise per coordinate) lies within 2.5 of the origin. The stored point is unmoved.
 * - xor: x, y ~ U(-5, 5), each pushed 0.3 away from 0 (padding); label +1 iff
 *   (x + nx)(y + ny) >= 0 with nx, ny ~ U(-5, 5) * noise.
 * - gauss: n/2 points N((2, 2), v I) with label +1, n/2 N((-2, -2), v I) with label -1, where
 *   the variance v = 0.5 + 7 noise (Playground's linear map [0, 0.5] -> [0.5, 4]); normals by
 *   Marsaglia's polar method, as Playground draws them.
 * - spiral: two arms of n/2 points, i = 0..n/2-1: r = 5 i / (n/2), t = 1.75 * 2 pi i / (n/2) + d,
 *   (x, y) = (r sin t, r cos t) + U(-1, 1) * noise per coordinate; d = 0 label +1, d = pi -1.
 * Points are generated in Playground's order: label blocks for circle, gauss and spiral.
 */
export type SyntheticName = "circle" | "xor" | "gauss" | "spiral";
export const SYNTHETIC_NAMES: SyntheticName[] = ["circle", "xor", "gauss", "spiral"];
export const SYNTHETIC_CLASS_NAMES = ["negative (-1)", "positive (+1)"];
export const SYNTHETIC_FEATURE_NAMES = ["x1", "x2"];
/** Playground's noise slider goes from 0 to 50%. */
export const MAX_NOISE = 0.5;

export interface Points2D {
  /** n x 2, row-major. */
  x: Float64Array;
  /** 0 (Playground's -1) or 1 (+1). */
  y: Int32Array;
  n: number;
}

/** Generates `numSamples` points of `name` from `rng` (numSamples even keeps the label blocks equal). */
export function generate2D(name: SyntheticName, numSamples: number, noise: number, rng: Rng): Points2D {
  if (!(noise >= 0 && noise <= MAX_NOISE)) {
    throw new UserError(`noise ${noise} is outside 0..${MAX_NOISE} (Playground's range)`);
  }
  const out: Points2D = { x: new Float64Array(2 * numSamples), y: new Int32Array(numSamples), n: 0 };
  const push = (x: number, y: number, label: number) => {
    out.x[2 * out.n] = x;
    out.x[2 * out.n + 1] = y;
    out.y[out.n++] = label > 0 ? 1 : 0;
  };
  const unif = (a: number, b: number) => rng.uniform() * (b - a) + a;
  GENERATORS[name](numSamples, noise, unif, push, rng);
  return out;
}

type Uniform = (a: number, b: number) => number;
type Push = (x: number, y: number, label: number) => void;
type Generator = (numSamples: number, noise: number, unif: Uniform, push: Push, rng: Rng) => void;

const GENERATORS: Record<SyntheticName, Generator> = {
  circle(numSamples, noise, unif, push) {
    const radius = 5;
    const label = (x: number, y: number) => (Math.sqrt(x * x + y * y) < radius * 0.5 ? 1 : -1);
    for (const [r0, r1] of [
      [0, radius * 0.5],
      [radius * 0.7, radius],
    ]) {
      for (let i = 0; i < numSamples / 2; i++) {
        const r = unif(r0, r1);
        const angle = unif(0, 2 * Math.PI);
        const x = r * Math.sin(angle);
        const y = r * Math.cos(angle);
        const noiseX = unif(-radius, radius) * noise;
        const noiseY = unif(-radius, radius) * noise;
        push(x, y, label(x + noiseX, y + noiseY));
      }
    }
  },
  xor(numSamples, noise, unif, push) {
    const padding = 0.3;
    for (let i = 0; i < numSamples; i++) {
      let x = unif(-5, 5);
      x += x > 0 ? padding : -padding;
      let y = unif(-5, 5);
      y += y > 0 ? padding : -padding;
      const noiseX = unif(-5, 5) * noise;
      const noiseY = unif(-5, 5) * noise;
      push(x, y, (x + noiseX) * (y + noiseY) >= 0 ? 1 : -1);
    }
  },
  gauss(numSamples, noise, _unif, push, rng) {
    const t = noise / 0.5; // d3 v3.5.17 linear scale [0, 0.5] -> [0.5, 4], computed as d3 does
    const variance = 0.5 * (1 - t) + 4 * t;
    for (const [c, label] of [
      [2, 1],
      [-2, -1],
    ]) {
      for (let i = 0; i < numSamples / 2; i++) {
        const x = polarNormal(rng, c, variance);
        const y = polarNormal(rng, c, variance);
        push(x, y, label);
      }
    }
  },
  spiral(numSamples, noise, unif, push) {
    const n = numSamples / 2;
    for (const [deltaT, label] of [
      [0, 1],
      [Math.PI, -1],
    ]) {
      for (let i = 0; i < n; i++) {
        const r = (i / n) * 5;
        const t = ((1.75 * i) / n) * 2 * Math.PI + deltaT;
        const x = r * Math.sin(t) + unif(-1, 1) * noise;
        const y = r * Math.cos(t) + unif(-1, 1) * noise;
        push(x, y, label);
      }
    }
  },
};

/**
 * N(mean, variance) by Marsaglia's polar method, as Playground's normalRandom: v1, v2 ~ U(-1, 1)
 * until s = v1^2 + v2^2 <= 1, then mean + sqrt(variance) * v1 sqrt(-2 ln s / s). Playground
 * also accepts s = 0 (a NaN); here it is redrawn, which happens with probability 0 in theory.
 */
function polarNormal(rng: Rng, mean: number, variance: number): number {
  let v1: number;
  let s: number;
  do {
    v1 = 2 * rng.uniform() - 1;
    const v2 = 2 * rng.uniform() - 1;
    s = v1 * v1 + v2 * v2;
  } while (s > 1 || s === 0);
  const result = Math.sqrt((-2 * Math.log(s)) / s) * v1;
  return mean + Math.sqrt(variance) * result;
}

/**
 * The train/test sets of a synthetic name: Playground's generator draws 2 * nPerSplit points from
 * `Rng.derive(seed, "data")`, the same stream then permutes them (Playground shuffles too) and the
 * first nPerSplit are train, the rest test.
 */
export function synthetic2D(
  name: SyntheticName,
  nPerSplit: number,
  noise: number,
  seed: number,
): { trainX: Float32Array; trainY: Int32Array; testX: Float32Array; testY: Int32Array } {
  const rng = Rng.derive(seed, "data");
  const pts = generate2D(name, 2 * nPerSplit, noise, rng);
  const p = rng.permutation(pts.n);
  const train = takePoints(pts.x, pts.y, p, 0, nPerSplit, (n) => new Int32Array(n));
  const test = takePoints(pts.x, pts.y, p, nPerSplit, pts.n, (n) => new Int32Array(n));
  return { trainX: train.x, trainY: train.v, testX: test.x, testY: test.v };
}

/**
 * Points p[from..to) of 2-D points `x` (n x 2) as float32 rows, with their per-point values `v`
 * (labels or targets) in the array `make` gives: one split of a permuted set.
 */
export function takePoints<T extends Int32Array | Float32Array>(
  x: Float64Array,
  v: ArrayLike<number>,
  p: ArrayLike<number>,
  from: number,
  to: number,
  make: (n: number) => T,
): { x: Float32Array; v: T } {
  const out = new Float32Array(2 * (to - from));
  const values = make(to - from);
  for (let k = from; k < to; k++) {
    out[2 * (k - from)] = x[2 * p[k]];
    out[2 * (k - from) + 1] = x[2 * p[k] + 1];
    values[k - from] = v[p[k]];
  }
  return { x: out, v: values };
}
