import { UserError } from "../errors.js";
import type { FloatArray } from "../kernels/backend.js";
import { sigmoid } from "../math/sigmoid.js";

/**
 * A loss over a batch of B rows of C logits with integer class labels. `forward` returns the
 * batch-mean loss and, when dLogits is given, writes dL/dlogits of that batch-mean loss.
 * Sums are accumulated in float64. A regression loss (`squaredError`) reads each row's real
 * target through its label: the label is the example's index into the data set's targets.
 */
export interface Loss {
  readonly name: LossName;
  forward(logits: FloatArray, labels: Int32Array, B: number, C: number, dLogits: FloatArray | null): number;
}

export type LossName = (typeof LOSS_NAMES)[number];
export const LOSS_NAMES = ["cross_entropy", "mse", "bce"] as const;

/**
 * Softmax cross-entropy: L = mean_i [ logsumexp(y_i) - y_i[t_i] ], computed with the max
 * subtracted (stable for any logits); dL/dy_ij = (softmax(y_i)_j - 1[j = t_i]) / B.
 */
let expScratch = new Float64Array(16);

export const crossEntropy: Loss = {
  name: "cross_entropy",
  forward(y, t, B, C, d) {
    let total = 0;
    if (expScratch.length < C) expScratch = new Float64Array(C);
    const e = expScratch;
    for (let i = 0; i < B; i++) {
      const o = i * C;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < C; j++) if (y[o + j] > max) max = y[o + j];
      let sum = 0;
      for (let j = 0; j < C; j++) {
        e[j] = Math.exp(y[o + j] - max);
        sum += e[j];
      }
      total += max + Math.log(sum) - y[o + t[i]];
      if (d) {
        // softmax_j / B = e^(y_j - max) / (sum B): one exponential per logit
        const scale = 1 / (sum * B);
        for (let j = 0; j < C; j++) d[o + j] = e[j] * scale;
        d[o + t[i]] -= 1 / B;
      }
    }
    return total / B;
  },
};

/** Mean squared error against one-hot targets, averaged over all B*C entries (PyTorch's reduction="mean"). */
export const meanSquaredError: Loss = {
  name: "mse",
  forward(y, t, B, C, d) {
    let total = 0;
    const n = B * C;
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < C; j++) {
        const k = i * C + j;
        const r = y[k] - (j === t[i] ? 1 : 0);
        total += r * r;
        if (d) d[k] = (2 * r) / n;
      }
    }
    return total / n;
  },
};

/**
 * Binary cross-entropy with logits against one-hot targets, per output, averaged over all B*C
 * entries: l = max(y, 0) - y t + log(1 + e^-|y|) (stable); dl/dy = (sigmoid(y) - t) / (B*C).
 */
export const binaryCrossEntropy: Loss = {
  name: "bce",
  forward(y, t, B, C, d) {
    let total = 0;
    const n = B * C;
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < C; j++) {
        const k = i * C + j;
        const x = y[k];
        const target = j === t[i] ? 1 : 0;
        total += Math.max(x, 0) - x * target + Math.log1p(Math.exp(-Math.abs(x)));
        if (d) {
          d[k] = (sigmoid(x) - target) / n;
        }
      }
    }
    return total / n;
  },
};

/**
 * The squared error of a regression set with one output (C = 1) against real targets:
 *   L = (1/B) sum_i (y_i - targets[t_i])^2,   dL/dy_i = 2 (y_i - targets[t_i]) / B,
 * PyTorch's MSELoss(reduction="mean") on B x 1 outputs. The label t_i of row i is the example's
 * index into `targets` (Dataset.targets), so batches gather targets as they gather labels.
 */
export function squaredError(targets: Float32Array): Loss {
  return {
    name: "mse",
    forward(y, t, B, C, d) {
      if (C !== 1) throw new UserError(`a regression loss needs one output per example, got ${C}`);
      let total = 0;
      for (let i = 0; i < B; i++) {
        const r = y[i] - targets[t[i]];
        total += r * r;
        if (d) d[i] = (2 * r) / B;
      }
      return total / B;
    },
  };
}

/**
 * The loss of a name. With `targets` (a regression set's Dataset.targets) the loss is the
 * regression squared error against them, and only "mse" is valid.
 */
export function getLoss(name: string, targets?: Float32Array): Loss {
  if (targets) {
    if (name !== "mse")
      throw new UserError(`loss "${name}" needs class labels; a regression set takes loss mse`);
    return squaredError(targets);
  }
  const l = [crossEntropy, meanSquaredError, binaryCrossEntropy].find((x) => x.name === name);
  if (!l) throw new UserError(`unknown loss "${name}"; valid: ${LOSS_NAMES.join(", ")}`);
  return l;
}

/**
 * The coefficient of determination of a regression over n examples with squared-error sum `sse`:
 *   R^2 = 1 - sse / sum_i (a_i - mean(a))^2,   a_i = targets[t_i]
 * (two passes in float64). 1 is a perfect fit, 0 the constant mean(a), negative worse than it;
 * NaN when the n targets are all equal.
 */
export function rSquared(sse: number, t: Int32Array, targets: Float32Array, n: number): number {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += targets[t[i]];
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (targets[t[i]] - mean) ** 2;
  return sst > 0 ? 1 - sse / sst : Number.NaN;
}
/** Number of rows whose largest logit is at the label (ties: the first maximum). */
export function countCorrect(y: FloatArray, t: Int32Array, B: number, C: number): number {
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const o = i * C;
    let best = 0;
    for (let j = 1; j < C; j++) if (y[o + j] > y[o + best]) best = j;
    if (best === t[i]) correct++;
  }
  return correct;
}
