// Shared test helpers for test/init: sample moments and tolerances that follow from the sample size.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../../src/tensor/rng.js";

export interface Moments {
  n: number;
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
  min: number;
  max: number;
}

/** Two-pass moments in float64. */
export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    sum += x[i];
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return { n, mean, variance: ss / (n - 1), min, max };
}

/** Kurtosis E[(x - mu)^4] / sigma^4 of the distributions under test. */
export const KURTOSIS = { normal: 3, uniform: 9 / 5 };

/** |mean - mu| < 5 sigma / sqrt(n): a 5-sigma bound on the sample mean. */
export function assertMean(m: Moments, mu: number, sigma: number, label: string): void {
  const tol = (5 * sigma) / Math.sqrt(m.n);
  assert.ok(Math.abs(m.mean - mu) < tol, `${label}: sample mean ${m.mean} vs ${mu} (tolerance ${tol})`);
}

/**
 * The sample variance s^2 of n iid draws has Var(s^2) = sigma^4 ((kappa - 1)/n + 2/(n(n-1))),
 * kappa the kurtosis (for a normal: 2 sigma^4/(n-1)). Checks |s^2/sigma^2 - 1| < 5 sd.
 */
export function assertVariance(m: Moments, variance: number, kurtosis: number, label: string): void {
  const n = m.n;
  const tol = 5 * Math.sqrt((kurtosis - 1) / n + 2 / (n * (n - 1)));
  const rel = m.variance / variance - 1;
  assert.ok(
    Math.abs(rel) < tol,
    `${label}: sample variance ${m.variance} vs ${variance} (rel ${rel}, tolerance ${tol})`,
  );
}

/** Relative closeness |a - b| <= tol |b| (or absolute when b = 0). */
export function assertClose(actual: number, expected: number, tol: number, label: string): void {
  const err = Math.abs(actual - expected);
  const ok = expected === 0 ? err <= tol : err <= tol * Math.abs(expected);
  assert.ok(ok, `${label}: ${actual} vs ${expected} (relative tolerance ${tol})`);
}

/**
 * Moments of N(0, 1) truncated to [a, b] by composite Simpson quadrature of the density
 * (independent of the closed form under test). Returns mean, std and kurtosis.
 */
export function truncatedByQuadrature(
  a: number,
  b: number,
  steps = 20000,
): { mean: number; std: number; kurtosis: number } {
  const h = (b - a) / steps;
  const m = [0, 0, 0, 0, 0];
  for (let i = 0; i <= steps; i++) {
    const x = a + i * h;
    const w = (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * x * x);
    let p = w;
    for (let k = 0; k < 5; k++) {
      m[k] += p;
      p *= x;
    }
  }
  const mean = m[1] / m[0];
  const e2 = m[2] / m[0];
  const e3 = m[3] / m[0];
  const e4 = m[4] / m[0];
  const variance = e2 - mean * mean;
  const c4 = e4 - 4 * mean * e3 + 6 * mean * mean * e2 - 3 * mean ** 4;
  return { mean, std: Math.sqrt(variance), kurtosis: c4 / (variance * variance) };
}

/** Reads a JSON fixture from test/init/fixtures, or returns null when it does not exist. */
export function readFixture<T>(file: string): T | null {
  const path = join(dirname(fileURLToPath(import.meta.url)), "fixtures", file);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** A dense layer's InitShape: W is fanOut x fanIn. */
export function denseShape(fanIn: number, fanOut: number) {
  return { rows: fanOut, cols: fanIn, fanIn, fanOut };
}

/** n draws of an initializer for a layer with the given fans (a column of n values, float64). */
export function drawColumn(
  init: {
    fill(out: Float64Array, s: { rows: number; cols: number; fanIn: number; fanOut: number }, r: Rng): void;
  },
  fanIn: number,
  fanOut: number,
  n: number,
  seed: number,
): Float64Array {
  const out = new Float64Array(n);
  init.fill(out, { rows: n, cols: 1, fanIn, fanOut }, new Rng(seed));
  return out;
}

/** Population variance (divisor n) of the first n entries, two-pass in float64. */
export function populationVariance(x: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return v / n;
}
