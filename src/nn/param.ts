import type { FloatArray } from "../kernels/backend.js";

/** A trainable tensor and its gradient (same length), as optimizers and probes see it. */
export interface Param {
  /** e.g. "layers.2.weight" */
  name: string;
  /** norm_scale / norm_shift: a normalization's gamma / beta; branch_scale: a residual block's learnable alpha. */
  kind: "weight" | "bias" | "slope" | "norm_scale" | "norm_shift" | "branch_scale";
  layer: number;
  value: FloatArray;
  grad: FloatArray;
}

export type Alloc = (n: number) => FloatArray;
