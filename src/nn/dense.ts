import type { Backend, FloatArray } from "../kernels/backend.js";
import type { Activation } from "./activation.js";

/** A trainable tensor and its gradient (same length), as optimizers and probes see it. */
export interface Param {
  /** e.g. "layers.2.weight" */
  name: string;
  kind: "weight" | "bias" | "slope";
  layer: number;
  value: FloatArray;
  grad: FloatArray;
}

export type Alloc = (n: number) => FloatArray;

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
  }

  /** Grows the cached buffers to hold a batch of B rows (allocates only when B exceeds every earlier batch). */
  reserve(B: number): void {
    if (B <= this.capacity) return;
    this.capacity = B;
    this.Z = this.alloc(B * this.outDim);
    this.A = this.activation.name === "identity" ? this.Z : this.alloc(B * this.outDim);
    this.dZ = this.alloc(B * this.outDim);
    this.dX = this.alloc(B * this.inDim);
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
    return p;
  }

  /** Forward pass over B rows of X; returns A. */
  forward(X: FloatArray, B: number): FloatArray {
    this.reserve(B);
    this.batch = B;
    this.X = X;
    const n = B * this.outDim;
    this.backend.gemm(false, true, B, this.outDim, this.inDim, 1, X, this.W, 0, this.Z);
    const k = this.activation.kernel;
    if (k && !this.slopes) {
      this.backend.biasActivation(this.Z, this.b, this.A, B, this.outDim, k.op, k.param);
      return this.A;
    }
    this.backend.addRowVector(this.Z, this.b, B, this.outDim);
    if (this.slopes) this.preluForward(n);
    else this.activation.forward(this.Z, this.A, n);
    return this.A;
  }

  /**
   * Backward pass given dA = dL/da; fills dZ, dW, db (and dSlopes), and dX unless this is the
   * first layer (needDX = false). Returns dX.
   */
  backward(dA: FloatArray, needDX: boolean): FloatArray {
    const B = this.batch;
    const n = B * this.outDim;
    const k = this.activation.kernel;
    if (this.slopes) this.preluBackward(dA, n);
    else if (k) this.backend.activationBackward(this.Z, this.A, dA, this.dZ, n, k.op, k.param);
    else this.activation.backward(this.Z, this.A, dA, this.dZ, n);
    this.backend.gemm(true, false, this.outDim, this.inDim, B, 1, this.dZ, this.X, 0, this.dW);
    this.backend.sumRows(this.dZ, B, this.outDim, this.db, 0);
    if (needDX) this.backend.gemm(false, false, B, this.inDim, this.outDim, 1, this.dZ, this.W, 0, this.dX);
    return this.dX;
  }

  private preluForward(n: number): void {
    const s = this.slopes!;
    const shared = s.length === 1;
    const out = this.outDim;
    const Z = this.Z;
    const A = this.A;
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      A[i] = z > 0 ? z : (shared ? s[0] : s[i % out]) * z;
    }
  }

  /** dZ = dA * (z > 0 ? 1 : a_j); dL/da_j = sum over the batch of dA * z where z <= 0 (He et al. 2015, eq. 2). */
  private preluBackward(dA: FloatArray, n: number): void {
    const s = this.slopes!;
    const ds = this.dSlopes!;
    const shared = s.length === 1;
    const out = this.outDim;
    const Z = this.Z;
    const dZ = this.dZ;
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
