/**
 * The correlation map, measured: how the cosine similarity of two inputs' pre-activations evolves
 * with depth, beside the mean-field prediction (Poole et al. 2016, "Exponential expressivity in deep
 * neural networks through transient chaos", arXiv:1606.05340, eqs. 3-5; Schoenholz et al. 2017,
 * arXiv:1611.01232).
 *
 * Measured, for a pair of inputs a, b at layer l (N units, pre-activations z_a, z_b):
 *   q_a = |z_a|^2 / N,  q_b = |z_b|^2 / N,  q_ab = z_a . z_b / N,  c_l = q_ab / sqrt(q_a q_b).
 * Predicted: starting from the measured (q_a, q_b, c) of the first layer, the mean-field recursion
 *   q_a' = sigma_w^2 E[phi(u_a)^2] + sigma_b^2,   q_ab' = sigma_w^2 E[phi(u_a) phi(u_b)] + sigma_b^2,
 * (u_a, u_b) ~ N(0, [[q_a, q_ab], [q_ab, q_b]]) (theory/bivariate.ts), with sigma_w^2 = fan_in Var(W)
 * of each layer's initializer and sigma_b^2 its bias variance. At q_a = q_b = q* this is the c-map
 * C(c) of mean-field.ts; the prediction also covers the transient before q* is reached. It holds
 * at initialization for wide plain MLPs (i.i.d. weights; orthogonal weights give the same map).
 * Residual and normalized networks (docs/architectures.md) are measured on each layer's stream S
 * (S = z for a plain layer), in the network's current mode; the prediction is null for them.
 */
import type { FloatArray } from "../kernels/backend.js";
import { isPlain } from "../nn/architecture.js";
import type { Network } from "../nn/network.js";
import { correlatedMoments, lengthMap } from "../theory/index.js";

/** Options of `correlationMap`. */
export interface CorrelationMapOptions {
  /** pairs of inputs (rows 2p and 2p + 1 of the batch); default 8, at most B / 2 */
  pairs?: number;
  /** attach the mean-field prediction (valid at initialization; default true) */
  theory?: boolean;
}

/** One layer of the correlation map: the measured cosine similarity (mean and range over pairs) and the predicted one. */
export interface CorrelationLayer {
  layer: number;
  /** mean over pairs of c_l */
  c: number;
  cMin: number;
  cMax: number;
  /** mean over pairs of the mean-field c_l, or null without theory */
  predicted: number | null;
  /** mean over pairs and both inputs of q = |z|^2 / N */
  q: number;
}

/** The correlation map of a network on pairs of inputs. */
export interface CorrelationMap {
  pairs: number;
  layers: CorrelationLayer[];
}

interface PairStats {
  qa: number;
  qb: number;
  c: number;
}

function pairStats(Z: FloatArray, N: number, a: number, b: number): PairStats {
  let qa = 0;
  let qb = 0;
  let qab = 0;
  for (let k = 0; k < N; k++) {
    const x = Z[a * N + k];
    const y = Z[b * N + k];
    qa += x * x;
    qb += y * y;
    qab += x * y;
  }
  return { qa: qa / N, qb: qb / N, c: qab / Math.sqrt(qa * qb) };
}

/**
 * Measures c_l for `pairs` pairs of rows of x (B x inputDim) at every layer of `net` (one forward
 * pass of 2 * pairs rows) and predicts it by the mean-field recursion from the first layer's
 * measured values (see the file's doc). Overwrites the layers' cached tensors like any probe.
 */
export function measureCorrelationMap(
  net: Network,
  x: FloatArray,
  B: number,
  opts: CorrelationMapOptions = {},
): CorrelationMap {
  const pairs = Math.min(opts.pairs ?? 8, Math.floor(B / 2));
  if (pairs < 1) throw new RangeError(`the correlation map needs at least 2 inputs, got ${B}`);
  net.forward(x.subarray(0, 2 * pairs * net.inputDim), 2 * pairs);
  const measured = net.layers.map((l) =>
    Array.from({ length: pairs }, (_, p) => pairStats(l.S, l.outDim, 2 * p, 2 * p + 1)),
  );
  const predicted: number[][] | null =
    (opts.theory ?? true) && isPlain(net.architecture) ? predict(net, measured[0]) : null;
  const layers = net.layers.map((l, i): CorrelationLayer => {
    const cs = measured[i].map((s) => s.c);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    return {
      layer: l.index,
      c: mean(cs),
      cMin: Math.min(...cs),
      cMax: Math.max(...cs),
      predicted: predicted ? mean(predicted[i]) : null,
      q: mean(measured[i].flatMap((s) => [s.qa, s.qb])),
    };
  });
  return { pairs, layers };
}

/** The mean-field c_l of each layer and pair, from the first layer's measured (q_a, q_b, c). */
function predict(net: Network, first: PairStats[]): number[][] {
  const out: number[][] = [first.map((s) => s.c)];
  let state = first.map((s) => ({ ...s }));
  for (let l = 1; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const act = net.layers[l - 1].activation;
    const w = net.weightInits[l].describe(layer.inDim, layer.outDim);
    const sw2 = layer.inDim * (w.variance + w.mean * w.mean);
    const b = net.biasInit.describe(layer.inDim, layer.outDim);
    const sb2 = b.variance + b.mean * b.mean;
    state = state.map((s) => {
      if (!(s.qa > 0 && s.qb > 0 && Number.isFinite(s.qa + s.qb)))
        return { qa: s.qa, qb: s.qb, c: Number.NaN };
      const c = Math.max(-1, Math.min(1, s.c));
      const qa = lengthMap(act, s.qa, sw2, sb2);
      const qb = lengthMap(act, s.qb, sw2, sb2);
      const qab = sw2 * correlatedMoments(act, s.qa, s.qb, c).phiPhi + sb2;
      return { qa, qb, c: qab / Math.sqrt(qa * qb) };
    });
    out.push(state.map((s) => s.c));
  }
  return out;
}
