/**
 * The configurations of the experiment "residual-depth" (residual-depth.ts) and their measurement
 * at initialization: the residual stream's second moment q_b = E[x_b^2] after every block of
 * several independently initialized networks, against the closed forms of
 * src/theory/residual.ts (q_{b+1} = (1 + alpha^2) q_b for one-layer He ReLU branches: 2^b for
 * alpha = 1, (1 + 1/L)^b for alpha = 1/sqrt(L), 1 for Fixup, ReZero and SkipInit; a plain He ReLU
 * network keeps E[z^2] of every layer at q_0 in expectation).
 */
import type { Dataset } from "../../data/index.js";
import type { Network } from "../../nn/network.js";
import { instanceSeed, measureBlocks, probeBatch, tensorStats } from "../../probe/index.js";
import { heReluStream } from "../../theory/residual.js";
import { resolveConfig, type TrainConfig } from "../../train/config.js";
import { buildNetwork } from "../../train/trainer.js";
import type { ExperimentContext } from "../harness/types.js";
import { throwIfAborted } from "../harness/types.js";

/** The sizes the measurement needs (residual-depth.ts's plan). */
export interface StreamPlan {
  /** residual blocks L (one dense layer each, after the projection layer); the plain network has 1 + L hidden layers */
  blocks: number;
  width: number;
  /** independently initialized networks measured at initialization per seed */
  instances: number;
  /** training images of the probe batch */
  probeBatch: number;
}

/** The configurations compared (see CONFIGS). */
export type ConfigKey = "one" | "invSqrt" | "fixup" | "rezero" | "skipinit" | "plain";

/** One configuration: its label and the residual settings (docs/architectures.md) that make it. */
export interface ResidualConfig {
  key: ConfigKey;
  label: string;
  /** residual layers per block (0: the plain network of the same depth) */
  residual: 0 | 1;
  branchScale: "one" | "inv_sqrt_depth" | "rezero" | "skipinit";
  branchInit: "standard" | "fixup";
  /** trained over the rate grid (SkipInit is ReZero's computation: trained once, as ReZero) */
  trained: boolean;
}

/** Every configuration, in the order the report lists them. */
export const CONFIGS: readonly ResidualConfig[] = [
  { key: "one", label: "alpha = 1", residual: 1, branchScale: "one", branchInit: "standard", trained: true },
  {
    key: "invSqrt",
    label: "alpha = 1/sqrt(L)",
    residual: 1,
    branchScale: "inv_sqrt_depth",
    branchInit: "standard",
    trained: true,
  },
  { key: "fixup", label: "Fixup", residual: 1, branchScale: "one", branchInit: "fixup", trained: true },
  {
    key: "rezero",
    label: "ReZero = SkipInit",
    residual: 1,
    branchScale: "rezero",
    branchInit: "standard",
    trained: true,
  },
  {
    key: "skipinit",
    label: "SkipInit",
    residual: 1,
    branchScale: "skipinit",
    branchInit: "standard",
    trained: false,
  },
  {
    key: "plain",
    label: "plain (no skips)",
    residual: 0,
    branchScale: "one",
    branchInit: "standard",
    trained: true,
  },
];

/** The configuration named `key`. */
export const configOf = (key: ConfigKey): ResidualConfig => CONFIGS.find((c) => c.key === key)!;

/** The network settings of a configuration: He normal ReLU, zero biases, 1 + L hidden layers of `width`. */
export function networkSettings(c: ResidualConfig, plan: Pick<StreamPlan, "blocks" | "width">) {
  return {
    hidden: Array.from({ length: 1 + plan.blocks }, () => plan.width),
    activation: "relu",
    init: "he_normal",
    biasInit: "zeros",
    residual: c.residual,
    branchScale: c.branchScale,
    branchInit: c.branchInit,
  } satisfies Partial<TrainConfig>;
}

/** The closed form of q_b / q_0 for a configuration with L blocks (src/theory/residual.ts). */
export function theoryGrowth(key: ConfigKey, L: number, b: number): number {
  if (key === "one") return heReluStream(1, 1, b);
  if (key === "invSqrt") return heReluStream(1, 1 / Math.sqrt(L), b);
  return 1;
}

/** One initialized network's stream: q_b = E[x_b^2] for b = 0..L (plain: E[z_l^2] of hidden layer l). */
export interface InstanceStream {
  q: number[];
  /** the theory's q_b (b = 1..L) from the instance's own weights and measured q_0; null for the plain network */
  predicted: number[] | null;
  /** Var(alpha F_b) / Var(x_b) per block (null for the plain network) */
  ratio: number[] | null;
}

/** The stream of a network after one forward pass over `x` (B rows). */
export function measureStream(net: Network, x: Float32Array, B: number): InstanceStream {
  net.forward(x, B);
  if (net.blocks.length === 0) {
    const hidden = net.layers.slice(0, -1);
    const q = hidden.map((l) => {
      const s = tensorStats(l.Z, B * l.outDim, l.backend);
      return s.var + s.mean * s.mean;
    });
    return { q, predicted: null, ratio: null };
  }
  const blocks = measureBlocks(net, true);
  const first = blocks[0].streamIn;
  return {
    q: [first.var + first.mean * first.mean, ...blocks.map((b) => b.streamSecond)],
    predicted: blocks.map((b) => b.predictedStreamSecond ?? Number.NaN),
    ratio: blocks.map((b) => b.ratio),
  };
}

/** What the instances of one configuration show (one seed). */
export interface StreamSummary {
  key: ConfigKey;
  blocks: number;
  /** geometric mean over instances of q_b / q_0, b = 0..L */
  growth: number[];
  /** geometric mean over instances of the weights-aware theory's q_b / q_0, b = 0..L (null: plain) */
  predicted: number[] | null;
  /** mean over instances of q_0 */
  q0: number;
  /** (q_L / q_0)^(1/L), from the geometric mean */
  perBlock: number;
  /** max over instances and blocks of |q_b / q_0 - 1| */
  maxIdentityDeviation: number;
  /** mean over instances and blocks of Var(alpha F) / Var(x) (null: plain) */
  meanRatio: number | null;
  /** mean over instances of Var(alpha F_b) / Var(x_b), b = 0..L-1 (null: plain) */
  ratioPerBlock: number[] | null;
  /** the mean and sd over instances of log(q_L / q_0) */
  logGrowthMean: number;
  logGrowthSd: number;
}

/** Combines the instances of one configuration. */
export function summarizeStreams(key: ConfigKey, instances: readonly InstanceStream[]): StreamSummary {
  const K = instances.length;
  const L = instances[0].q.length - 1;
  const geo = (f: (s: InstanceStream, b: number) => number) =>
    Array.from({ length: L + 1 }, (_, b) =>
      Math.exp(instances.reduce((a, s) => a + Math.log(f(s, b)), 0) / K),
    );
  const growth = geo((s, b) => s.q[b] / s.q[0]);
  const predicted = instances[0].predicted
    ? geo((s, b) => (b === 0 ? 1 : s.predicted![b - 1] / s.q[0]))
    : null;
  let dev = 0;
  for (const s of instances) for (const q of s.q) dev = Math.max(dev, Math.abs(q / s.q[0] - 1));
  const ratios = instances.flatMap((s) => s.ratio ?? []);
  const logs = instances.map((s) => Math.log(s.q[L] / s.q[0]));
  const m = logs.reduce((a, v) => a + v, 0) / K;
  const sd = K > 1 ? Math.sqrt(logs.reduce((a, v) => a + (v - m) ** 2, 0) / (K - 1)) : 0;
  return {
    key,
    blocks: L,
    growth,
    predicted,
    q0: instances.reduce((a, s) => a + s.q[0], 0) / K,
    perBlock: growth[L] ** (1 / L),
    maxIdentityDeviation: dev,
    meanRatio: ratios.length ? ratios.reduce((a, v) => a + v, 0) / ratios.length : null,
    ratioPerBlock: instances[0].ratio
      ? Array.from({ length: L }, (_, b) => instances.reduce((a, s) => a + s.ratio![b], 0) / K)
      : null,
    logGrowthMean: m,
    logGrowthSd: sd,
  };
}

/** Measures every configuration on `instances` networks (the same instance seeds for each: paired). */
export function measureInit(
  ctx: Pick<ExperimentContext, "backend" | "seed"> & { signal?: AbortSignal },
  plan: StreamPlan,
  dataset: Dataset,
  base: Partial<TrainConfig>,
): Map<ConfigKey, StreamSummary> {
  const batch = probeBatch(dataset, plan.probeBatch, ctx.seed);
  const out = new Map<ConfigKey, StreamSummary>();
  for (const c of CONFIGS) {
    const instances: InstanceStream[] = [];
    for (let k = 0; k < plan.instances; k++) {
      throwIfAborted(ctx);
      const config = resolveConfig({
        ...base,
        ...networkSettings(c, plan),
        backend: ctx.backend.name,
        seed: instanceSeed(ctx.seed, k),
      });
      const net = buildNetwork(config, dataset, ctx.backend);
      instances.push(measureStream(net, batch.x, batch.B));
    }
    out.set(c.key, summarizeStreams(c.key, instances));
  }
  return out;
}
