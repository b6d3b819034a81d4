import type { Backend, FloatArray } from "../kernels/backend.js";
import type { Activation } from "./activation.js";
import type { NormLayer, NormPlace } from "./norm-layer.js";
import type { Alloc, Param } from "./param.js";

export type { Alloc, Param } from "./param.js";

/**
 * A fully connected layer followed by its activation: z = x W^T + b, a = phi(z).
 * W is [out][in] row-major like PyTorch's nn.Linear weight, so fan_in = in, fan_out = out.
 *
 * Names of the cached tensors (batch of B rows):
 *   X  [B x in]   the input (a view of the previous layer's A, or the network input)
 *   Z  [B x out]  pre-activations;  A [B x out] activations (A = Z for identity)
 *   dZ [B x out]  dL/dz of the batch-mean loss;  dX [B x in] dL/dx, handed to the layer below
 *   dW = dZ^T X, db = sum over the batch of dZ: gradients of the batch-mean loss.
 */
export class Dense {
  readonly W: FloatArray;
  readonly b: FloatArray;
  readonly dW: FloatArray;
  readonly db: FloatArray;
  /** PReLU slopes (one per unit, or one shared) and their gradient; null for other activations. */
  readonly slopes: FloatArray | null;
  readonly dSlopes: FloatArray | null;
  X: FloatArray;
  Z: FloatArray;
  A: FloatArray;
  dZ: FloatArray;
  dX: FloatArray;
  /**
   * Residual and normalization structure (set by the Network before the first forward pass; all
   * null for a plain layer, which computes exactly z, a = phi(z) as above). With them:
   *   S = skipFrom.S + alpha Z  (the residual stream; S = Z without skipFrom)
   *   A = phi(N(S)) ("pre") or N(phi(S)) ("post"), A = phi(S) without norm.
   */
  norm: NormLayer | null = null;
  normPlace: NormPlace = "pre";
  /** The layer whose stream this layer's branch output adds to (x_{l+1} = x_l + alpha F(x_l)). */
  skipFrom: Dense | null = null;
  /** The layer that adds its branch to this layer's stream (its dL/dS flows back into ours). */
  skipTo: Dense | null = null;
  /** alpha (one value) and its gradient; learnable for rezero/skipinit. */
  readonly alpha: FloatArray;
  readonly dAlpha: FloatArray;
  alphaLearnable = false;
  /** The stream S (= Z without a skip) and dL/dS (= dZ without a skip). */
  S: FloatArray;
  dS: FloatArray;
  /** The activation's input U (S, or N(S) before "pre" normalization) and output H (A, or the input of "post" normalization). */
  U: FloatArray;
  H: FloatArray;
  /** dZ's own buffer (dZ shares dS's when alpha is fixed at 1, see backwardStructured). */
  private dZOwn: FloatArray;
  private dU: FloatArray;
  private dH: FloatArray;
  private zeroBias: FloatArray;
  batch = 0;
  private capacity = 0;

  constructor(
    readonly index: number,
    readonly inDim: number,
    readonly outDim: number,
    readonly activation: Activation,
    /** The kernels this layer runs on (the probes use them too). */
    readonly backend: Backend,
    private readonly alloc: Alloc,
    preluShared = false,
  ) {
    this.W = alloc(outDim * inDim);
    this.b = alloc(outDim);
    this.dW = alloc(outDim * inDim);
    this.db = alloc(outDim);
    if (activation.learnable) {
      const n = preluShared ? 1 : outDim;
      this.slopes = alloc(n).fill(activation.param ?? 0.25);
      this.dSlopes = alloc(n);
    } else {
      this.slopes = null;
      this.dSlopes = null;
    }
    this.X = this.Z = this.A = this.dZ = this.dX = alloc(0);
    this.S = this.dS = this.U = this.H = this.dU = this.dH = this.dZOwn = this.X;
    this.alpha = alloc(1).fill(1);
    this.dAlpha = alloc(1);
    this.zeroBias = this.X;
  }

  /** True when the layer has residual or normalization structure (the general forward path). */
  get structured(): boolean {
    return this.norm !== null || this.skipFrom !== null || this.skipTo !== null;
  }

  /** Grows the cached buffers to hold a batch of B rows (allocates only when B exceeds every earlier batch). */
  reserve(B: number): void {
    if (B <= this.capacity) return;
    this.capacity = B;
    this.Z = this.alloc(B * this.outDim);
    this.A = this.activation.name === "identity" ? this.Z : this.alloc(B * this.outDim);
    this.dZ = this.dZOwn = this.alloc(B * this.outDim);
    this.dX = this.alloc(B * this.inDim);
    this.S = this.dS = this.U = this.H = this.dU = this.dH = this.Z;
    this.dS = this.dZ;
    if (!this.structured) return;
    const n = B * this.outDim;
    const identity = this.activation.name === "identity";
    if (this.skipFrom) {
      this.S = this.alloc(n);
      this.dS = this.alloc(n);
    }
    this.U = this.S;
    this.dU = this.dS;
    if (this.norm) {
      this.norm.reserve(B);
      if (this.normPlace === "pre") {
        this.U = this.norm.Y;
        this.dU = this.alloc(n);
      } else {
        this.dH = this.alloc(n);
      }
    }
    this.H = identity ? this.U : this.alloc(n);
    this.A = this.norm && this.normPlace === "post" ? this.norm.Y : this.H;
    if (this.zeroBias.length !== this.outDim) this.zeroBias = this.alloc(this.outDim);
  }

  params(): Param[] {
    const p: Param[] = [
      {
        name: `layers.${this.index}.weight`,
        kind: "weight",
        layer: this.index,
        value: this.W,
        grad: this.dW,
      },
      { name: `layers.${this.index}.bias`, kind: "bias", layer: this.index, value: this.b, grad: this.db },
    ];
    if (this.slopes && this.dSlopes) {
      p.push({
        name: `layers.${this.index}.slope`,
        kind: "slope",
        layer: this.index,
        value: this.slopes,
        grad: this.dSlopes,
      });
    }
    if (this.norm) p.push(...this.norm.params());
    if (this.alphaLearnable) {
      p.push({
        name: `layers.${this.index}.alpha`,
        kind: "branch_scale",
        layer: this.index,
        value: this.alpha,
        grad: this.dAlpha,
      });
    }
    return p;
  }

  /** Forward pass over B rows of X; returns A. */
  forward(X: FloatArray, B: number): FloatArray {
    this.reserve(B);
    this.batch = B;
    this.X = X;
    const n = B * this.outDim;
    this.backend.gemm(false, true, B, this.outDim, this.inDim, 1, X, this.W, 0, this.Z);
    if (this.structured) return this.forwardStructured(B);
    const k = this.activation.kernel;
    if (k && !this.slopes) {
      this.backend.biasActivation(this.Z, this.b, this.A, B, this.outDim, k.op, k.param);
      return this.A;
    }
    this.backend.addRowVector(this.Z, this.b, B, this.outDim);
    if (this.slopes) this.preluForward(this.Z, this.A, n);
    else this.activation.forward(this.Z, this.A, n);
    return this.A;
  }

  /** Forward with residual add and normalization (see the field docs); Z = X W^T is computed. */
  private forwardStructured(B: number): FloatArray {
    const out = this.outDim;
    const norm = this.norm;
    const k = this.activation.kernel;
    const fused = k !== null && !this.slopes && this.skipFrom === null && !(norm && this.normPlace === "pre");
    if (fused) {
      // Z + b and phi in one kernel: U = S = Z here.
      this.backend.biasActivation(this.Z, this.b, this.H, B, out, k.op, k.param);
    } else {
      // Z + b and the stream's add in one kernel; the normalization and phi in one kernel.
      if (this.skipFrom)
        this.backend.biasResidualForward(this.skipFrom.S, this.Z, this.b, this.alpha[0], this.S, B, out);
      else this.backend.addRowVector(this.Z, this.b, B, out);
      if (norm && this.normPlace === "pre" && k !== null && !this.slopes && this.H !== this.U)
        norm.forward(this.S, B, this.H, k.op, k.param);
      else {
        if (norm && this.normPlace === "pre") norm.forward(this.S, B);
        this.activate(B);
      }
    }
    if (norm && this.normPlace === "post") norm.forward(this.H, B);
    return this.A;
  }

  /** H = phi(U). */
  private activate(B: number): void {
    const n = B * this.outDim;
    const k = this.activation.kernel;
    if (this.slopes) this.preluForward(this.U, this.H, n);
    else if (k) {
      if (this.H !== this.U)
        this.backend.biasActivation(this.U, this.zeroBias, this.H, B, this.outDim, k.op, k.param);
    } else this.activation.forward(this.U, this.H, n);
  }

  /**
   * Backward with normalization and residual add: fills dS, dZ (and dAlpha). With alpha fixed at 1
   * (not learnable), dZ = 1 dS is dS bit for bit: dZ then names dS's buffer and dAlpha (no
   * parameter's gradient) is not computed. Before a "pre" normalization with a kernel activation,
   * phi', the normalization's backward and the add of the skip's gradient run as one kernel.
   */
  private backwardStructured(dA: FloatArray, n: number): void {
    const norm = this.norm;
    let dH = dA;
    if (norm && this.normPlace === "post") {
      norm.backward(dA, this.dH);
      dH = this.dH;
    }
    const k = this.activation.kernel;
    // dS += the gradient through the next block's skip; then dZ = alpha dS and dL/dalpha (kernels).
    const skipGrad = this.skipTo ? this.skipTo.dS : null;
    const unitAlpha = this.skipFrom !== null && !this.alphaLearnable && this.alpha[0] === 1;
    let pending = skipGrad;
    if (norm && this.normPlace === "pre" && k !== null && !this.slopes && this.H !== this.U) {
      const fuseSkip = this.skipFrom === null || unitAlpha;
      norm.backwardActivation(dH, this.H, k.op, k.param, this.dU, this.dS, fuseSkip ? skipGrad : null);
      if (fuseSkip) pending = null;
    } else {
      if (this.slopes) this.preluBackward(this.U, dH, this.dU, n);
      else if (k) this.backend.activationBackward(this.U, this.H, dH, this.dU, n, k.op, k.param);
      else this.activation.backward(this.U, this.H, dH, this.dU, n);
      if (norm && this.normPlace === "pre") norm.backward(this.dU, this.dS);
    }
    if (this.skipFrom && !unitAlpha) {
      this.dZ = this.dZOwn;
      this.dAlpha[0] = this.backend.residualBackward(this.dS, pending, this.Z, this.alpha[0], this.dZ, n);
      return;
    }
    if (pending) this.backend.residualForward(this.dS, pending, 1, this.dS, n);
    if (unitAlpha) this.dZ = this.dS;
  }

  /**
   * Backward pass given dA = dL/da; fills dZ, dW, db (and dSlopes), and dX unless this is the
   * first layer (needDX = false). Returns dX.
   */
  backward(dA: FloatArray, needDX: boolean): FloatArray {
    const B = this.batch;
    const n = B * this.outDim;
    const k = this.activation.kernel;
    if (this.structured) this.backwardStructured(dA, n);
    else if (this.slopes) this.preluBackward(this.Z, dA, this.dZ, n);
    else if (k) this.backend.activationBackward(this.Z, this.A, dA, this.dZ, n, k.op, k.param);
    else this.activation.backward(this.Z, this.A, dA, this.dZ, n);
    this.backend.gemm(true, false, this.outDim, this.inDim, B, 1, this.dZ, this.X, 0, this.dW);
    this.backend.sumRows(this.dZ, B, this.outDim, this.db, 0);
    if (needDX) this.backend.gemm(false, false, B, this.inDim, this.outDim, 1, this.dZ, this.W, 0, this.dX);
    return this.dX;
  }

  private preluForward(Z: FloatArray, A: FloatArray, n: number): void {
    const s = this.slopes!;
    const shared = s.length === 1;
    const out = this.outDim;
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      A[i] = z > 0 ? z : (shared ? s[0] : s[i % out]) * z;
    }
  }

  /** dZ = dA * (z > 0 ? 1 : a_j); dL/da_j = sum over the batch of dA * z where z <= 0 (He et al. 2015, eq. 2). */
  private preluBackward(Z: FloatArray, dA: FloatArray, dZ: FloatArray, n: number): void {
    const s = this.slopes!;
    const ds = this.dSlopes!;
    const shared = s.length === 1;
    const out = this.outDim;
    ds.fill(0);
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      const j = shared ? 0 : i % out;
      if (z > 0) dZ[i] = dA[i];
      else {
        dZ[i] = dA[i] * s[j];
        ds[j] += dA[i] * z;
      }
    }
  }
}
