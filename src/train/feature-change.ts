import type { Dataset } from "../data/types.js";
import type { Backend } from "../kernels/backend.js";
import { probeBatch } from "../probe/probe-batch.js";
import { Rng } from "../tensor/rng.js";
import type { TrainConfig } from "./config.js";
import { trainSteps } from "./coord-check.js";

/**
 * How far training moves a network from its initialization, per layer: the relative change of
 * the weights ||W_T - W_0|| / ||W_0|| in spectral norm and in Frobenius norm, and the relative
 * change of the hidden features ||h_T(x) - h_0(x)||_F / ||h_0(x)||_F on a fixed probe batch
 * (h: a hidden layer's activations). Lazy training (Chizat, Oyallon & Bach 2019,
 * arXiv:1812.07956; the NTK regime of Jacot et al. 2018) is the regime where both vanish as the
 * width grows (NTK parametrization: ~ n^{-1/2}); under muP (Yang & Hu 2021, arXiv:2011.14522) the
 * features and the spectral change of the hidden weights stay of order one (the spectral condition
 * of Yang, Simon & Bernstein 2023, arXiv:2310.17813). The Frobenius change of a hidden n x n
 * matrix is smaller by the square root of its rank ratio (a low-rank update of a full-rank
 * matrix), so it shrinks with width under muP too.
 */
export interface FeatureChange {
  /** Per dense layer: ||W_T - W_0||_2 / ||W_0||_2. */
  weightSpectral: number[];
  /** Per dense layer: ||W_T - W_0||_F / ||W_0||_F. */
  weightFrobenius: number[];
  /** Per hidden layer: ||h_T - h_0||_F / ||h_0||_F on the probe batch. */
  feature: number[];
}

/** Iterations of the power method: the estimate's relative error falls like (s2/s1)^(2k). */
const POWER_ITERATIONS = 40;

/**
 * The largest singular value of the rows x cols matrix M (row-major) by the power method on
 * M^T M from a Gaussian start vector drawn from `rng` (a lower bound that converges from below).
 */
export function spectralNorm(M: ArrayLike<number>, rows: number, cols: number, rng: Rng): number {
  let v = new Float64Array(cols);
  for (let j = 0; j < cols; j++) v[j] = rng.normal();
  const u = new Float64Array(rows);
  let sigma = 0;
  for (let k = 0; k < POWER_ITERATIONS; k++) {
    let nv = 0;
    for (let j = 0; j < cols; j++) nv += v[j] * v[j];
    nv = Math.sqrt(nv);
    if (nv === 0) return 0;
    for (let j = 0; j < cols; j++) v[j] /= nv;
    let nu = 0;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const o = i * cols;
      for (let j = 0; j < cols; j++) s += M[o + j] * v[j];
      u[i] = s;
      nu += s * s;
    }
    sigma = Math.sqrt(nu);
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      const ui = u[i];
      for (let j = 0; j < cols; j++) w[j] += M[o + j] * ui;
    }
    v = w;
  }
  return sigma;
}

function frobenius(a: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function difference(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const d = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) d[i] = a[i] - b[i];
  return d;
}

/**
 * Trains `config`'s network for `steps` steps (the coordinate check's loop, `trainSteps`) and
 * measures how far its weights and hidden features moved. The probe batch is the run's
 * (config.probeBatch examples drawn from the seed); the power method's start vectors derive from
 * the seed too, so the numbers are deterministic.
 */
export function featureChange(
  config: TrainConfig,
  dataset: Dataset,
  backend: Backend,
  steps: number,
): FeatureChange {
  const probe = probeBatch(dataset, config.probeBatch, config.seed);
  let w0: Float64Array[] = [];
  let h0: Float64Array[] = [];
  const out: FeatureChange = { weightSpectral: [], weightFrobenius: [], feature: [] };
  trainSteps(config, dataset, backend, steps, (net, step) => {
    if (step !== 0 && step !== steps) return;
    net.forward(probe.x, probe.B);
    const hidden = net.layers.slice(0, -1);
    const h = hidden.map((l) => Float64Array.from(l.A.subarray(0, probe.B * l.outDim)));
    if (step === 0) {
      w0 = net.layers.map((l) => Float64Array.from(l.W));
      h0 = h;
    }
    if (step !== steps) return;
    const rng = Rng.derive(config.seed, "power iteration");
    for (const [i, l] of net.layers.entries()) {
      const d = difference(l.W, w0[i]);
      out.weightSpectral.push(
        spectralNorm(d, l.outDim, l.inDim, rng) / spectralNorm(w0[i], l.outDim, l.inDim, rng),
      );
      out.weightFrobenius.push(frobenius(d, d.length) / frobenius(w0[i], d.length));
    }
    for (const [i, hi] of h.entries())
      out.feature.push(frobenius(difference(hi, h0[i]), hi.length) / frobenius(h0[i], hi.length));
  });
  return out;
}
