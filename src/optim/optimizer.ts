import type { FloatArray } from "../kernels/backend.js";
import type { Param } from "../nn/dense.js";

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
}

/**
 * SGD with momentum, Nesterov and L2 weight decay, exactly PyTorch's torch.optim.SGD:
 *   g = grad + wd * w;  v = mu * v + g (v = g on the first step);
 *   w -= lr * (nesterov ? g + mu * v : v).
 */
export class Sgd implements Optimizer {
  readonly name = "sgd";
  readonly lastUpdateNorms: Float64Array;
  private readonly velocity: (FloatArray | null)[];
  private started = false;

  constructor(
    private readonly params: Param[],
    private readonly opts: SgdOptions = {},
  ) {
    this.lastUpdateNorms = new Float64Array(params.length);
    this.velocity = params.map((p) => ((opts.momentum ?? 0) > 0 ? new Float64Array(p.value.length) : null));
  }

  step(lr: number): void {
    const mu = this.opts.momentum ?? 0;
    const wd = this.opts.weightDecay ?? 0;
    const nesterov = this.opts.nesterov ?? false;
    const first = !this.started;
    this.started = true;
    this.params.forEach((p, k) => {
      const w = p.value;
      const gr = p.grad;
      const v = this.velocity[k];
      let sq = 0;
      for (let i = 0; i < w.length; i++) {
        let g = gr[i] + wd * w[i];
        if (v) {
          v[i] = first ? g : mu * v[i] + g;
          g = nesterov ? g + mu * v[i] : v[i];
        }
        const u = lr * g;
        w[i] -= u;
        sq += u * u;
      }
      this.lastUpdateNorms[k] = Math.sqrt(sq);
    });
  }
}

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1), as torch.optim.Adam with L2 weight decay:
 *   g = grad + wd * w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * On the first step m_hat = g and v_hat = g^2, so the update is -lr * sign(g) (up to eps).
 */
export class Adam implements Optimizer {
  readonly name = "adam";
  readonly lastUpdateNorms: Float64Array;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(
    private readonly params: Param[],
    private readonly opts: AdamOptions = {},
  ) {
    this.lastUpdateNorms = new Float64Array(params.length);
    this.m = params.map((p) => new Float64Array(p.value.length));
    this.v = params.map((p) => new Float64Array(p.value.length));
  }

  step(lr: number): void {
    const b1 = this.opts.beta1 ?? 0.9;
    const b2 = this.opts.beta2 ?? 0.999;
    const eps = this.opts.eps ?? 1e-8;
    const wd = this.opts.weightDecay ?? 0;
    this.t++;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const w = p.value;
      const gr = p.grad;
      const m = this.m[k];
      const v = this.v[k];
      let sq = 0;
      for (let i = 0; i < w.length; i++) {
        const g = gr[i] + wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const u = (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        w[i] -= u;
        sq += u * u;
      }
      this.lastUpdateNorms[k] = Math.sqrt(sq);
    });
  }
}

/** The global L2 norm of all gradients, sqrt(sum_p ||grad_p||^2). */
export function globalGradNorm(params: Param[]): number {
  let sq = 0;
  for (const p of params) {
    const g = p.grad;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  return Math.sqrt(sq);
}

/**
 * Gradient clipping by global norm (Pascanu et al. 2013; torch.nn.utils.clip_grad_norm_):
 * if the global norm exceeds maxNorm, every gradient is scaled by maxNorm / (norm + 1e-6).
 * Returns the norm before clipping.
 */
export function clipGradNorm(params: Param[], maxNorm: number): number {
  const norm = globalGradNorm(params);
  if (norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (const p of params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] *= s;
    }
  }
  return norm;
}
