import type { FloatArray, KernelActivation } from "../kernels/backend.js";

/**
 * An activation function phi, with its value and derivative side by side.
 * `forward` and `backward` are the batched forms used in training; `f` and `df` are the
 * scalar forms used by the theory (Gaussian integrals) and by gradient checks.
 */
export interface Activation {
  /** Canonical name, e.g. "leaky_relu". */
  readonly name: string;
  /** Canonical spec with its parameter, e.g. "leaky_relu(0.2)"; parses back to the same activation. */
  readonly spec: string;
  /** The one numeric parameter (leaky slope, elu alpha, prelu initial slope), or null. */
  readonly param: number | null;
  /**
   * What can go wrong with it: "relu" units can die (zero output for every input),
   * "saturating" units can saturate (derivative near 0 at large |z|), "linear" neither.
   */
  readonly family: "relu" | "saturating" | "linear" | "smooth";
  /** max over z of |phi'(z)|, the reference for "saturated" (|phi'| < 5% of it). */
  readonly derivMax: number;
  /** PyTorch's calculate_gain for this nonlinearity, or null when PyTorch has no entry. */
  readonly torchGain: number | null;
  /**
   * The notes' linearization at 0: phi(z) ~ offset + slope * z (tanh: z; sigmoid: 1/2 + z/4).
   * The ReLU family has a kink at 0, so its "slope" is the root-mean-square slope
   * sqrt((1 + a^2) / 2), which reproduces E[phi(z)^2] exactly for z ~ N(0, q).
   */
  readonly linearization: { offset: number; slope: number };
  /** True for PReLU: the negative slope is a parameter that learns (one per unit or shared). */
  readonly learnable: boolean;
  /**
   * The backend's fused kernel that computes this activation (Backend.biasActivation and
   * activationBackward), with its parameter; null when the layer runs `forward`/`backward` loops.
   */
  readonly kernel: { op: KernelActivation; param: number } | null;
  f(z: number): number;
  /** d phi / dz at z. */
  df(z: number): number;
  /** a[i] = phi(z[i]) for i < n. */
  forward(z: FloatArray, a: FloatArray, n: number): void;
  /** dZ[i] = dA[i] * phi'(z[i]) for i < n (a = phi(z) is given so sigmoid/tanh reuse it). */
  backward(z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, n: number): void;
}
