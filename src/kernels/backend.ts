import type { BACKEND_NAMES } from "./backend-names.js";

/**
 * The kernel seam: every heavy numeric loop of training goes through a `Backend`.
 *
 * Arrays are flat, row-major and dense (the leading dimension of a matrix is its
 * logical width). The TypeScript backend (`ts-backend.ts`) is the reference: every
 * other backend must agree with it within the tolerances stated in its tests.
 * Float64 arrays are accepted by the TypeScript backend only (gradient checks run in
 * float64); fast backends work on the Float32Arrays they hand out with `alloc`.
 */
export type FloatArray = Float32Array | Float64Array;

export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * The activations the backends compute in fused kernels (bias + activation forward, activation
 * derivative backward). Other activations run as TypeScript loops in the layer.
 * The numeric codes are the ABI of the wasm and native kernels.
 */
export type KernelActivation = "identity" | "relu" | "leaky_relu" | "sigmoid" | "tanh";
export const KERNEL_ACTIVATION_CODE: Readonly<Record<KernelActivation, number>> = {
  identity: 0,
  relu: 1,
  leaky_relu: 2,
  sigmoid: 3,
  tanh: 4,
};

/** Hyper-parameters of one SGD step (PyTorch's torch.optim.SGD semantics). */
export interface SgdStepArgs {
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  /** The first step: the velocity is set to the gradient instead of mu v + g. */
  first: boolean;
  /** L1 penalty rate: g += l1 sign(w) (sign(0) = 0, as torch.sign); 0 or absent = none. */
  l1?: number;
}

/** Hyper-parameters of one Adam step; c1 = 1 - beta1^t and c2 = 1 - beta2^t are the bias corrections. */
export interface AdamStepArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  c1: number;
  c2: number;
  /** L1 penalty rate: g += l1 sign(w) (sign(0) = 0, as torch.sign); 0 or absent = none. */
  l1?: number;
}

/**
 * The axis a normalization averages over, for a rows x cols matrix (a batch of rows):
 * "batch" = each column over the rows (BatchNorm, Ioffe & Szegedy 2015, arXiv:1502.03167),
 * "features" = each row over its columns (LayerNorm, Ba et al. 2016, arXiv:1607.06450).
 * A group is one column ("batch") or one row ("features"); its statistics are indexed by it.
 */
export type NormAxis = "batch" | "features";
/** The numeric codes of NormAxis: the ABI of the wasm and native normalization kernels. */
export const NORM_AXIS_CODE: Readonly<Record<NormAxis, number>> = { batch: 0, features: 1 };

export interface Backend {
  readonly name: BackendName;
  /** Threads this backend may use for one call (1 = single-threaded). */
  readonly threads: number;
  /**
   * A zero-filled float32 buffer of n elements that this backend works on without copying.
   * Buffers stay valid for the life of the backend.
   */
  alloc(n: number): Float32Array;
  /**
   * General matrix multiply, C = alpha * op(A) * op(B) + beta * C.
   * op(A) is m x k: A is stored m x k (transA = false) or k x m (transA = true).
   * op(B) is k x n: B is stored k x n (transB = false) or n x k (transB = true).
   * C is m x n. With beta = 0, C is overwritten (NaNs in C do not propagate).
   * Training uses: forward Z = X W^T (false, true), dW = dZ^T X (true, false), dX = dZ W (false, false).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    b: FloatArray,
    beta: number,
    c: FloatArray,
  ): void;
  /** y[i, j] += v[j] for every row i of the rows x cols matrix y (bias add). */
  addRowVector(y: FloatArray, v: FloatArray, rows: number, cols: number): void;
  /** out[j] = beta * out[j] + sum_i x[i, j] over the rows of a rows x cols matrix (bias gradient). */
  sumRows(x: FloatArray, rows: number, cols: number, out: FloatArray, beta: number): void;
  /**
   * Fused bias and activation, row-major rows x cols: z[i, j] += b[j], then a[i, j] = phi(z[i, j]).
   * a may be z (identity). param is the leaky_relu slope (ignored by the others).
   * relu and leaky_relu are exact; sigmoid and tanh are within a few float32 ulps of the
   * double-precision formula (the tests state the tolerance).
   */
  biasActivation(
    z: FloatArray,
    b: FloatArray,
    a: FloatArray,
    rows: number,
    cols: number,
    act: KernelActivation,
    param: number,
  ): void;
  /**
   * dZ[i] = dA[i] * phi'(z[i]) for i < n: from z for the ReLU family (phi'(0) = 0 for relu, the
   * slope for leaky_relu), from a = phi(z) for sigmoid (a (1 - a)) and tanh (1 - a^2).
   */
  activationBackward(
    z: FloatArray,
    a: FloatArray,
    dA: FloatArray,
    dZ: FloatArray,
    n: number,
    act: KernelActivation,
    param: number,
  ): void;
  /** sum over i < n of x[i]^2, accumulated in double precision (the order may differ by backend). */
  sumSquares(x: FloatArray, n: number): number;
  /**
   * Shifted sums for the mean and variance (Chan, Golub & LeVeque 1983): with d_i = x[i] - shift
   * in double precision, out[0] = sum d_i and out[1] = sum d_i^2 over i < n (the order may differ
   * by backend; NaN and Inf propagate).
   */
  shiftedSums(x: FloatArray, n: number, shift: number, out: Float64Array): void;
  /**
   * Histogram counts on linear bins (the probes' histograms): counts (bins + 3) is zeroed, then for
   * i < n, t = (x[i] - lo) * invWidth (in double): counts[floor(t)]++ when 0 <= t < bins, else
   * counts[bins]++ (t < 0: under), counts[bins + 1]++ (above) or counts[bins + 2]++ (NaN, infinite).
   */
  countLinearBins(
    x: FloatArray,
    n: number,
    lo: number,
    invWidth: number,
    bins: number,
    counts: Int32Array,
  ): void;
  /**
   * Histogram counts of |x| on bins given by float32 bit patterns, for float32 x (the probes'
   * log-scale histograms; see probe/histogram.ts for the tables). counts (bins + 4) is zeroed, then
   * for i < n, with a = bits(x[i]) & 0x7fffffff and c = cell[a >>> 17]: c >= 0 counts
   * counts[c + (c <= bins && a >= edgeBits[c] ? 1 : 0)] (0 = below the first edge, bins + 1 = above
   * the last); c = -1 (zero or subnormal) counts counts[bins + 2] for a zero and counts[0] otherwise;
   * c = -2 (NaN, infinite) counts counts[bins + 3].
   */
  countCellBins(
    x: Float32Array,
    n: number,
    cell: Int8Array,
    edgeBits: Int32Array,
    bins: number,
    counts: Int32Array,
  ): void;
  /**
   * Normalization forward over a rows x cols matrix x (see NormAxis for the groups). With n the
   * size of a group, in double precision:
   *   mean_g = (1/n) sum x,  var_g = (1/n) sum (x - mean_g)^2  (biased, as PyTorch normalizes),
   *   invStd_g = 1 / sqrt(var_g + eps),  xhat = (x - mean_g) invStd_g,  y = gamma[j] xhat + beta[j]
   * (gamma and beta per column j for both axes). `given` = false computes mean and invStd and
   * writes them (one per group); `given` = true reads them instead (BatchNorm in evaluation, from
   * the running averages). xhat (rows x cols) is written for the backward pass; y may be x.
   */
  normForward(
    x: FloatArray,
    y: FloatArray,
    xhat: FloatArray,
    gamma: FloatArray,
    beta: FloatArray,
    rows: number,
    cols: number,
    axis: NormAxis,
    eps: number,
    mean: FloatArray,
    invStd: FloatArray,
    given: boolean,
  ): void;
  /**
   * normForward followed by the activation in the same call: h[i] = phi(y[i]) element-wise over
   * the rows x cols outputs (y is kept: it is the activation's input the backward pass reads).
   * The same results as normForward then biasActivation(y, zeros, h, ...) except that y is not
   * rewritten (so a -0 in y stays -0): relu and leaky_relu exact, sigmoid and tanh within the
   * tolerance of biasActivation. h must not be y, x or xhat.
   */
  normActivationForward(
    x: FloatArray,
    y: FloatArray,
    xhat: FloatArray,
    gamma: FloatArray,
    beta: FloatArray,
    rows: number,
    cols: number,
    axis: NormAxis,
    eps: number,
    mean: FloatArray,
    invStd: FloatArray,
    given: boolean,
    h: FloatArray,
    act: KernelActivation,
    param: number,
  ): void;
  /**
   * Normalization backward (batch statistics, as normForward with given = false computed them):
   *   dxhat = dy gamma[j];  dx = invStd_g (dxhat - mean_g(dxhat) - xhat mean_g(dxhat xhat))
   *   dGamma[j] = sum over rows of dy xhat;  dBeta[j] = sum over rows of dy  (both overwritten).
   * dx may be dy.
   */
  normBackward(
    dy: FloatArray,
    xhat: FloatArray,
    gamma: FloatArray,
    invStd: FloatArray,
    dx: FloatArray,
    dGamma: FloatArray,
    dBeta: FloatArray,
    rows: number,
    cols: number,
    axis: NormAxis,
  ): void;
  /**
   * The backward of normActivationForward, with the gradient of a residual skip, in one call:
   *   du = dh phi'(u, h)  (activationBackward: u the activation's input, h its output);
   *   normBackward(du, xhat, gamma, invStd, dx, dGamma, dBeta) (batch statistics);
   *   dx[i] += skipGrad[i] when skipGrad is not null (in float32: residualForward(dx, skipGrad, 1, dx)).
   * Bit for bit those three calls. du, dx, dh and skipGrad are distinct arrays.
   */
  normActivationBackward(
    dh: FloatArray,
    u: FloatArray,
    h: FloatArray,
    act: KernelActivation,
    param: number,
    du: FloatArray,
    xhat: FloatArray,
    gamma: FloatArray,
    invStd: FloatArray,
    dx: FloatArray,
    dGamma: FloatArray,
    dBeta: FloatArray,
    rows: number,
    cols: number,
    axis: NormAxis,
    skipGrad: FloatArray | null,
  ): void;
  /**
   * The add of a residual stream (x_{l+1} = x_l + alpha F(x_l), docs/architectures.md):
   * s[i] = src[i] + alpha z[i] for i < n, in double, rounded once (s may be src or z).
   */
  residualForward(src: FloatArray, z: FloatArray, alpha: number, s: FloatArray, n: number): void;
  /**
   * The residual add with the branch's bias, in one pass over a rows x cols matrix: z[i, j] += b[j]
   * (as addRowVector), then s[i, j] = src[i, j] + alpha z[i, j] (as residualForward, from the new
   * z). Bit for bit addRowVector then residualForward. s may be src, not z.
   */
  biasResidualForward(
    src: FloatArray,
    z: FloatArray,
    b: FloatArray,
    alpha: number,
    s: FloatArray,
    rows: number,
    cols: number,
  ): void;
  /**
   * Its backward, over i < n: dS[i] += skipGrad[i] (the gradient that reached the stream through
   * the next block's skip; nothing when null), then dZ[i] = alpha dS[i] (one rounding; dZ may be
   * dS). Returns dL/dalpha = sum dS[i] z[i], accumulated in double (the order may differ by
   * backend, like sumSquares).
   */
  residualBackward(
    dS: FloatArray,
    skipGrad: FloatArray | null,
    z: FloatArray,
    alpha: number,
    dZ: FloatArray,
    n: number,
  ): number;
  /**
   * One SGD step over n parameters in place (torch.optim.SGD):
   *   g = grad + wd w + l1 sign(w);  v = first ? g : mu v + g;  w -= lr (nesterov ? g + mu v : v)
   * (v is null without momentum: w -= lr g). Returns the sum of the squared updates.
   */
  sgdStep(w: FloatArray, grad: FloatArray, v: FloatArray | null, n: number, o: SgdStepArgs): number;
  /**
   * One Adam step over n parameters in place (torch.optim.Adam with L2 weight decay):
   *   g = grad + wd w + l1 sign(w);  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
   *   w -= lr (m / c1) / (sqrt(v / c2) + eps). Returns the sum of the squared updates.
   */
  adamStep(w: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, n: number, o: AdamStepArgs): number;
  /** Releases threads or memory held by the backend (a no-op for the TypeScript one). */
  dispose(): void;
}
