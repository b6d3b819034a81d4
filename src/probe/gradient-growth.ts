/**
 * How the weight gradient grows (or shrinks) toward the input at initialization: one forward and
 * backward pass of a freshly initialized network on a batch of standard normal inputs and random
 * labels, the squared norm g_l = ||dL/dW_l||^2 of every layer's weight gradient, and its growth
 * per layer g_l / g_{l+1} (a geometric mean over the hidden layers). For a deep plain ReLU network
 * with BatchNorm before each activation, Yang et al. 2019 (arXiv:1902.08129) predict
 * pi / (pi - 1) = 1.467 per layer (theory/batchnorm-gradient.ts); residual blocks around the same
 * layers remove most of it; He-initialized ReLU without normalization keeps it near 1.
 *
 * The ratios are taken over the hidden layers 1 .. H-1 (of hidden layers 0 .. H-1 and the output
 * layer H): layer 0's fan-in is the input's, so the first ratio is g_1 / g_2 and the last
 * g_{H-2} / g_{H-1}, H - 2 ratios.
 */
import type { Backend } from "../kernels/backend.js";
import type { ArchitectureSpec } from "../nn/architecture.js";
import { getLoss } from "../nn/losses.js";
import { Network } from "../nn/network.js";
import { Rng } from "../tensor/rng.js";
import { probeNetwork } from "./probe-network.js";

/** The network and batch of a gradient-growth measurement; every field has a default. */
export interface GradientGrowthOptions {
  /** hidden layers H (default 17) */
  hidden?: number;
  /** units per hidden layer (default 256) */
  width?: number;
  /** examples in the batch; BatchNorm's statistics are over it (default 256) */
  batch?: number;
  /** input dimension (default 32) */
  inputDim?: number;
  /** classes of the random labels (default 10) */
  classes?: number;
  /** activation of every hidden layer (default "relu") */
  activation?: string;
  /** weight initializer (default "he_normal") */
  init?: string;
  /** residual blocks and normalization (default: a plain MLP, no normalization) */
  architecture?: Partial<ArchitectureSpec>;
  /** compute backend (default: the TypeScript backend) */
  backend?: Backend;
}

/** The squared weight-gradient norms of one initialized network and their growth toward the input. */
export interface GradientGrowth {
  /** ||dL/dW_l||^2 for every layer l = 0 .. H (the last is the output layer) */
  gradSquared: number[];
  /** geometric mean of g_l / g_{l+1} over l = 1 .. H-2 */
  perLayer: number;
  /** the product of those ratios: g_1 / g_{H-1} */
  total: number;
  /** the number of ratios, H - 2 */
  ratios: number;
}

/**
 * Measures the gradient growth of a network initialized from `seed` (weights: `net.initialize(seed)`;
 * inputs and labels: `Rng.derive(seed, "gradient growth batch")`), cross-entropy loss, batch
 * statistics in the normalization layers (the probe mode).
 */
export function gradientGrowth(seed: number, options: GradientGrowthOptions = {}): GradientGrowth {
  const H = options.hidden ?? 17;
  const width = options.width ?? 256;
  const B = options.batch ?? 256;
  const d = options.inputDim ?? 32;
  const C = options.classes ?? 10;
  if (H < 3) throw new RangeError(`gradientGrowth: at least 3 hidden layers, got ${H}`);
  const net = new Network(
    {
      sizes: [d, ...new Array<number>(H).fill(width), C],
      activation: options.activation ?? "relu",
      init: options.init ?? "he_normal",
      architecture: options.architecture,
    },
    { backend: options.backend },
  ).initialize(seed);
  const rng = Rng.derive(seed, "gradient growth batch");
  const x = Float32Array.from({ length: B * d }, () => rng.normal());
  const y = Int32Array.from({ length: B }, () => rng.int(C));
  const gradSquared = probeNetwork(net, x, y, B, getLoss("cross_entropy")).layers.map(
    (l) => l.weightGradNorm ** 2,
  );
  let logSum = 0;
  for (let l = 1; l <= H - 2; l++) logSum += Math.log(gradSquared[l] / gradSquared[l + 1]);
  return {
    gradSquared,
    perLayer: Math.exp(logSum / (H - 2)),
    total: Math.exp(logSum),
    ratios: H - 2,
  };
}
