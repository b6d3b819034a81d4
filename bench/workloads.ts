/**
 * The benchmark workloads: the shapes initlab's users train most (issue 7) and a residual
 * LayerNorm network beside the same plain MLP (issue 15).
 */
export interface Workload {
  name: string;
  title: string;
  sizes: number[];
  activation: "relu" | "sigmoid" | "tanh";
  batch: number;
  /**
   * Residual blocks and normalization (docs/architectures.md): `residual` dense layers per block
   * (the first hidden layer projects the input to the stream), `norm` before each activation,
   * branch scale 1. Absent: a plain MLP.
   */
  arch?: { residual: 1 | 2; norm: "layer" | "batch" };
  /** The workload whose samples/s this one is compared with (the same network without `arch`). */
  baseline?: string;
}

export const WORKLOADS: Workload[] = [
  {
    name: "mnist-mlp",
    title: "MNIST MLP 784-256-256-10 ReLU, batch 128",
    sizes: [784, 256, 256, 10],
    activation: "relu",
    batch: 128,
  },
  {
    name: "deep-narrow",
    title: "deep-narrow 784-[100x8]-10 sigmoid, batch 64",
    sizes: [784, 100, 100, 100, 100, 100, 100, 100, 100, 10],
    activation: "sigmoid",
    batch: 64,
  },
  {
    name: "wide",
    title: "wide 784-[1000x5]-10 tanh, batch 32",
    sizes: [784, 1000, 1000, 1000, 1000, 1000, 10],
    activation: "tanh",
    batch: 32,
  },
  // Playground's 2-8-8-8-8-1 net; initlab's classifier head has one logit per class, so both engines use 2 outputs.
  {
    name: "playground",
    title: "Playground 2-8-8-8-8-2 tanh, batch 10",
    sizes: [2, 8, 8, 8, 8, 2],
    activation: "tanh",
    batch: 10,
  },
  {
    name: "mlp-256x8",
    title: "plain MLP 784-[256x8]-10 ReLU, batch 128 (the baseline of residual-layernorm)",
    sizes: [784, 256, 256, 256, 256, 256, 256, 256, 256, 10],
    activation: "relu",
    batch: 128,
  },
  // Issue 15's bar: >= 0.8x the plain MLP's samples/s on native, >= 1.0x PyTorch at one thread.
  {
    name: "residual-layernorm",
    title: "residual 784-[256x8]-10 ReLU, 7 one-layer pre-activation blocks with LayerNorm, batch 128",
    sizes: [784, 256, 256, 256, 256, 256, 256, 256, 256, 10],
    activation: "relu",
    batch: 128,
    arch: { residual: 1, norm: "layer" },
    baseline: "mlp-256x8",
  },
];

/** Multiply-adds x 2 of one training step (forward X W^T, backward dW and dX; dX skipped for layer 1). */
export function flopsPerStep(w: Workload): number {
  let f = 0;
  for (let l = 0; l < w.sizes.length - 1; l++) {
    const mk = w.batch * w.sizes[l] * w.sizes[l + 1];
    f += 2 * mk * (l === 0 ? 2 : 3);
  }
  return f;
}
