import type { Backend, FloatArray } from "../kernels/backend.js";
import { TsBackend } from "../kernels/ts-backend.js";
import type { Param } from "../nn/dense.js";

const reference = new TsBackend();

/**
 * Optimizer state next to a parameter: float32 in the backend's memory for float32 parameters
 * (like PyTorch's state), float64 for float64 parameters (gradient checks).
 */
function stateLike(p: Param, backend: Backend): FloatArray {
  return p.value instanceof Float64Array ? new Float64Array(p.value.length) : backend.alloc(p.value.length);
}

/**
 * The L1 rate of a parameter: the weights' rate; 0 for biases, PReLU slopes, normalization
 * scales/shifts and branch scales (Playground regularizes the weights only).
 */
function l1Of(p: Param, l1: number | undefined): number {
  return p.kind === "weight" ? (l1 ?? 0) : 0;
}

/** An optimizer updates parameters in place from their gradients, at a given learning rate. */
export interface Optimizer {
  readonly name: string;
  /** One update step with learning rate lr. Returns the Frobenius norm of each param's update (probes use it). */
  step(lr: number): void;
  /** ||update|| of the last step for each param (same order as the params given). */
  readonly lastUpdateNorms: Float64Array;
}

export interface SgdOptions {
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** L1 rate on the weights (params of kind "weight"; not biases, slopes, norm or branch scales). */
  l1?: number;
  /** Per-parameter learning-rate multipliers (a parametrization's, e.g. muP); weight decay and L1 are divided by the same. */
  lrScale?: readonly number[];
}

/**
 * SGD with momentum, Nesterov and L2 weight decay, exactly PyTorch's torch.optim.SGD:
 *   g = grad + wd * w;  v = mu * v + g (v = g on the first step);
 *   w -= lr * (nesterov ? g + mu * v : v).
 * Weight decay applies to every parameter (PyTorch's default param group); the L1 term
 * g += l1 sign(w) (the subgradient of l1 ||W||_1, TensorFlow Playground's L1) only to the weights.
 * The update runs in the backend's fused kernel (Backend.sgdStep); the velocity is float32.
 */
export class Sgd implements Optimizer {
  readonly name = "sgd";
  readonly lastUpdateNorms: Float64Array;
  private readonly velocity: (FloatArray | null)[];
  private started = false;

  constructor(
    private readonly params: Param[],
    private readonly opts: SgdOptions = {},
    private readonly backend: Backend = reference,
  ) {
    this.lastUpdateNorms = new Float64Array(params.length);
    this.velocity = params.map((p) => ((opts.momentum ?? 0) > 0 ? stateLike(p, backend) : null));
  }

  step(lr: number): void {
    const args = {
      lr,
      momentum: this.opts.momentum ?? 0,
      weightDecay: this.opts.weightDecay ?? 0,
      nesterov: this.opts.nesterov ?? false,
      first: !this.started,
      l1: 0,
    };
    this.started = true;
    const scale = this.opts.lrScale;
    const wd = args.weightDecay;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      args.l1 = l1Of(p, this.opts.l1);
      if (scale) {
        args.lr = lr * scale[k];
        args.weightDecay = wd / scale[k];
        args.l1 /= scale[k];
      }
      const sq = this.backend.sgdStep(p.value, p.grad, this.velocity[k], p.value.length, args);
      this.lastUpdateNorms[k] = Math.sqrt(sq);
    }
  }
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** L1 rate on the weights (params of kind "weight"; not biases, slopes, norm or branch scales). */
  l1?: number;
  /** Per-parameter learning-rate multipliers (a parametrization's, e.g. muP); weight decay and L1 are divided by the same. */
  lrScale?: readonly number[];
}

/**
 * Adam (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1), as torch.optim.Adam with L2 weight decay:
 *   g = grad + wd * w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * On the first step m_hat = g and v_hat = g^2, so the update is -lr * sign(g) (up to eps).
 * Weight decay applies to every parameter; the L1 term g += l1 sign(w) only to the weights.
 * The update runs in the backend's fused kernel (Backend.adamStep); m and v are float32.
 */
export class Adam implements Optimizer {
  readonly name = "adam";
  readonly lastUpdateNorms: Float64Array;
  private readonly m: FloatArray[];
  private readonly v: FloatArray[];
  private t = 0;

  constructor(
    private readonly params: Param[],
    private readonly opts: AdamOptions = {},
    private readonly backend: Backend = reference,
  ) {
    this.lastUpdateNorms = new Float64Array(params.length);
    this.m = params.map((p) => stateLike(p, backend));
    this.v = params.map((p) => stateLike(p, backend));
  }

  step(lr: number): void {
    const b1 = this.opts.beta1 ?? 0.9;
    const b2 = this.opts.beta2 ?? 0.999;
    const eps = this.opts.eps ?? 1e-8;
    const wd = this.opts.weightDecay ?? 0;
    this.t++;
    const args = {
      lr,
      beta1: b1,
      beta2: b2,
      eps,
      weightDecay: wd,
      c1: 1 - b1 ** this.t,
      c2: 1 - b2 ** this.t,
      l1: 0,
    };
    const scale = this.opts.lrScale;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      args.l1 = l1Of(p, this.opts.l1);
      if (scale) {
        args.lr = lr * scale[k];
        args.weightDecay = wd / scale[k];
        args.l1 /= scale[k];
      }
      const sq = this.backend.adamStep(p.value, p.grad, this.m[k], this.v[k], p.value.length, args);
      this.lastUpdateNorms[k] = Math.sqrt(sq);
    }
  }
}

/** The global L2 norm of all gradients, sqrt(sum_p ||grad_p||^2) (sums of squares in double). */
export function globalGradNorm(params: Param[], backend: Backend = reference): number {
  let sq = 0;
  for (const p of params) sq += backend.sumSquares(p.grad, p.grad.length);
  return Math.sqrt(sq);
}

/**
 * Gradient clipping by global norm (Pascanu et al. 2013; torch.nn.utils.clip_grad_norm_):
 * if the global norm exceeds maxNorm, every gradient is scaled by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping.
 */
export function clipGradNorm(params: Param[], maxNorm: number, backend: Backend = reference): number {
  const norm = globalGradNorm(params, backend);
  if (norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] *= s;
    }
  }
  return norm;
}
