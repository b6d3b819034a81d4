import type { Backend, FloatArray, KernelActivation, NormAxis } from "../kernels/backend.js";
import type { Alloc, Param } from "./param.js";

/** The normalizations a hidden layer can have. */
export const NORM_KINDS = ["none", "batch", "layer"] as const;
/** One of NORM_KINDS. */
export type NormKind = (typeof NORM_KINDS)[number];

/** Where the normalization sits in a hidden layer: before the activation (phi(N(s))) or after it (N(phi(s))). */
export const NORM_PLACES = ["pre", "post"] as const;
/** One of NORM_PLACES. */
export type NormPlace = (typeof NORM_PLACES)[number];

/**
 * How a network computes (the train/eval switch of PyTorch modules, which only BatchNorm reads):
 * - "train": batch statistics, and the running averages are updated (a training step, torch's
 *   `model.train()` forward);
 * - "probe": batch statistics, running averages untouched (probes, `inspect`, data-dependent
 *   initializers: they observe the network without changing it);
 * - "eval": the running averages instead of batch statistics (test-set evaluation, torch's
 *   `model.eval()`).
 */
export type NetworkMode = "train" | "probe" | "eval";

/** eps of torch.nn.BatchNorm1d and LayerNorm. */
export const NORM_EPS = 1e-5;
/** momentum of torch.nn.BatchNorm1d's running averages. */
export const BATCHNORM_MOMENTUM = 0.1;

/**
 * A normalization over a hidden layer of `width` units, with learnable per-unit scale gamma
 * (init 1) and shift beta (init 0):
 *   y = gamma (x - mean) / sqrt(var + eps) + beta
 * - "batch" (BatchNorm, Ioffe & Szegedy 2015, arXiv:1502.03167): mean and biased var of each unit
 *   over the batch; in "train" mode the running averages follow torch.nn.BatchNorm1d(width)
 *   (momentum 0.1: r = 0.9 r + 0.1 batch_stat, the running var takes the unbiased batch variance
 *   var * B / (B - 1); eps 1e-5; start at mean 0, var 1); "eval" mode normalizes with them.
 *   A batch of one row (torch raises an error) normalizes to beta and leaves them unchanged.
 * - "layer" (LayerNorm, Ba et al. 2016, arXiv:1607.06450): mean and biased var of each example over
 *   its units (torch.nn.LayerNorm(width), eps 1e-5); the same in every mode.
 * The statistics and the backward pass run in Backend.normForward / normBackward.
 */
export class NormLayer {
  readonly gamma: FloatArray;
  readonly beta: FloatArray;
  readonly dGamma: FloatArray;
  readonly dBeta: FloatArray;
  /** BatchNorm's running mean and (unbiased) variance; empty for LayerNorm. */
  readonly runningMean: FloatArray;
  readonly runningVar: FloatArray;
  /** Training steps that updated the running averages (torch's num_batches_tracked). */
  batchesTracked = 0;
  /** The batch statistics of the last forward pass: one per unit ("batch") or per example ("layer"). */
  mean: FloatArray;
  invStd: FloatArray;
  /** x normalized (before gamma and beta), the output Y, and dL/dx of the last backward pass. */
  xhat: FloatArray;
  Y: FloatArray;
  mode: NetworkMode = "probe";
  /** Examples of the last forward pass. */
  batch = 0;
  /** The mode of the last forward pass (backward needs it). */
  private lastMode: NetworkMode = "probe";
  private capacity = 0;
  private readonly axis: NormAxis;

  constructor(
    readonly kind: "batch" | "layer",
    /** The index of the Dense layer this normalization belongs to ("layers.<layer>.norm.*"). */
    readonly layer: number,
    readonly width: number,
    private readonly backend: Backend,
    private readonly alloc: Alloc,
  ) {
    this.axis = kind === "batch" ? "batch" : "features";
    this.gamma = alloc(width).fill(1);
    this.beta = alloc(width);
    this.dGamma = alloc(width);
    this.dBeta = alloc(width);
    this.runningMean = alloc(kind === "batch" ? width : 0);
    this.runningVar = alloc(kind === "batch" ? width : 0).fill(1);
    this.mean = this.invStd = alloc(kind === "batch" ? width : 0);
    if (kind === "batch") this.invStd = alloc(width);
    this.xhat = this.Y = alloc(0);
  }

  /** Grows the buffers to a batch of B rows (allocates only when B exceeds every earlier batch). */
  reserve(B: number): void {
    if (B <= this.capacity) return;
    this.capacity = B;
    this.xhat = this.alloc(B * this.width);
    this.Y = this.alloc(B * this.width);
    if (this.kind === "layer") {
      this.mean = this.alloc(B);
      this.invStd = this.alloc(B);
    }
  }

  /** gamma and beta as parameters named `layers.<l>.norm.weight` / `.bias` (torch's names). */
  params(): Param[] {
    const l = this.layer;
    return [
      { name: `layers.${l}.norm.weight`, kind: "norm_scale", layer: l, value: this.gamma, grad: this.dGamma },
      { name: `layers.${l}.norm.bias`, kind: "norm_shift", layer: l, value: this.beta, grad: this.dBeta },
    ];
  }

  /** Resets gamma to 1, beta to 0 and the running averages to torch's start (mean 0, var 1, 0 batches). */
  reset(): void {
    this.gamma.fill(1);
    this.beta.fill(0);
    this.runningMean.fill(0);
    this.runningVar.fill(1);
    this.batchesTracked = 0;
  }

  /**
   * y = N(x) over B rows of x (width columns); returns Y. With h, the activation that follows the
   * normalization runs in the same kernel: h = phi(Y) (Backend.normActivationForward; Y is kept).
   */
  forward(
    x: FloatArray,
    B: number,
    h: FloatArray | null = null,
    act: KernelActivation = "identity",
    param = 0,
  ): FloatArray {
    this.reserve(B);
    this.batch = B;
    const mode = this.kind === "batch" ? this.mode : "probe";
    this.lastMode = mode;
    const w = this.width;
    if (mode === "eval") {
      for (let j = 0; j < w; j++) {
        this.mean[j] = this.runningMean[j];
        this.invStd[j] = 1 / Math.sqrt(this.runningVar[j] + NORM_EPS);
      }
    }
    const given = mode === "eval";
    const { Y, xhat, gamma, beta, axis, mean, invStd } = this;
    if (h)
      this.backend.normActivationForward(
        x,
        Y,
        xhat,
        gamma,
        beta,
        B,
        w,
        axis,
        NORM_EPS,
        mean,
        invStd,
        given,
        h,
        act,
        param,
      );
    else this.backend.normForward(x, Y, xhat, gamma, beta, B, w, axis, NORM_EPS, mean, invStd, given);
    if (mode === "train" && B > 1) this.updateRunning(B);
    return this.Y;
  }

  /** running = (1 - momentum) running + momentum batch (the variance unbiased), as torch.nn.BatchNorm1d. */
  private updateRunning(B: number): void {
    const m = BATCHNORM_MOMENTUM;
    for (let j = 0; j < this.width; j++) {
      const inv = this.invStd[j];
      const biased = Math.max(0, 1 / (inv * inv) - NORM_EPS);
      this.runningMean[j] = (1 - m) * this.runningMean[j] + m * this.mean[j];
      this.runningVar[j] = (1 - m) * this.runningVar[j] + (m * biased * B) / (B - 1);
    }
    this.batchesTracked++;
  }

  /**
   * The backward of forward(x, B, h, act, param) and of a residual skip, in one kernel
   * (Backend.normActivationBackward): du = dh phi'(Y, h), then backward(du, dx), then
   * dx += skipGrad (null: none). du, dx, dh and skipGrad are distinct.
   */
  backwardActivation(
    dh: FloatArray,
    h: FloatArray,
    act: KernelActivation,
    param: number,
    du: FloatArray,
    dx: FloatArray,
    skipGrad: FloatArray | null,
  ): void {
    const { Y, xhat, gamma, invStd, dGamma, dBeta, batch: B, width: w, axis } = this;
    if (this.lastMode !== "eval") {
      this.backend.normActivationBackward(
        dh,
        Y,
        h,
        act,
        param,
        du,
        xhat,
        gamma,
        invStd,
        dx,
        dGamma,
        dBeta,
        B,
        w,
        axis,
        skipGrad,
      );
      return;
    }
    this.backend.activationBackward(Y, h, dh, du, B * w, act, param);
    this.backward(du, dx);
    if (skipGrad) this.backend.residualForward(dx, skipGrad, 1, dx, B * w);
  }

  /**
   * Backward from dy = dL/dY of the last forward pass: fills dGamma, dBeta and dx (may be dy).
   * After an "eval" forward the statistics are constants: dx = dy gamma invStd.
   */
  backward(dy: FloatArray, dx: FloatArray): void {
    const B = this.batch;
    const w = this.width;
    if (this.lastMode !== "eval") {
      this.backend.normBackward(
        dy,
        this.xhat,
        this.gamma,
        this.invStd,
        dx,
        this.dGamma,
        this.dBeta,
        B,
        w,
        this.axis,
      );
      return;
    }
    this.dGamma.fill(0);
    this.dBeta.fill(0);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < w; j++) {
        const k = i * w + j;
        const d = dy[k];
        this.dGamma[j] += d * this.xhat[k];
        this.dBeta[j] += d;
        dx[k] = d * this.gamma[j] * this.invStd[j];
      }
    }
  }
}
