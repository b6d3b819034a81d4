import { UserError } from "../errors.js";
import type { TrainConfig } from "./config.js";
// The lab's limits (the step cap is shared).
import { LAB_LIMITS } from "./limits.js";

/**
 * What a training run will allocate, estimated from its configuration before anything is
 * allocated, so that `--hidden 100000x100` is refused with a sentence instead of a RangeError
 * from deep inside a typed-array constructor (or minutes of swapping). Browser-safe: the machine's
 * memory is passed in by the caller.
 *
 * For a network with layer sizes n_0 (inputs), n_1, ..., n_L (classes), all float32 (4 bytes):
 *   params      P = sum_l n_{l-1} n_l + n_l                     (weights and biases)
 *   weights     4P, gradients 4P,
 *   optimizer   SGD with momentum 4P (velocity), Adam 8P (first and second moments), plain SGD 0
 *   activations 3 * 4 * B * sum_l n_l  (Z, A and dZ of every layer for the largest batch B of
 *               training, evaluation and probing; the trainer keeps them for the backward pass)
 *               plus, per hidden unit, 2 more (the stream S and dS) in residual networks and 4
 *               more (the norm's x-hat and output, its input gradient, the pre-norm H) with
 *               BatchNorm or LayerNorm, whose gamma and beta add 2 parameters per hidden unit
 *   data        (nTrain + nTest) * (4 n_0 + 4)                  (features and labels)
 * The estimate leaves out what does not grow with the network or the data (code, the kernels'
 * workspaces, the source images of MNIST, about 50 MB) and is a lower bound of the true peak.
 */

/** The most optimizer steps one run may take (the lab's limit, LAB_LIMITS.maxSteps). */
export const MAX_TRAIN_STEPS = LAB_LIMITS.maxSteps;

/** Without INITLAB_MAX_MEMORY, a run may use this fraction of the machine's memory. */
export const DEFAULT_MEMORY_FRACTION = 0.5;

/** The WebAssembly backend's memory is 32-bit: at most 4 GiB for weights, gradients and activations. */
export const WASM_MAX_BYTES = 4 * 2 ** 30;

/** The sizes of a run's data that shape its allocations. */
export interface DataSize {
  inputDim: number;
  numClasses: number;
  nTrain: number;
  nTest: number;
}

export interface ResourceEstimate {
  /** n_0, n_1, ..., n_L. */
  sizes: number[];
  params: number;
  weightBytes: number;
  gradientBytes: number;
  optimizerBytes: number;
  activationBytes: number;
  dataBytes: number;
  totalBytes: number;
  steps: number;
}

/** The image sets' sizes (src/data/mnist.ts, fashion-mnist.ts), known before loading them. */
export const IMAGE_SETS: Readonly<Record<string, DataSize>> = {
  mnist: { inputDim: 784, numClasses: 10, nTrain: 60000, nTest: 10000 },
  "fashion-mnist": { inputDim: 784, numClasses: 10, nTrain: 60000, nTest: 10000 },
};
/** The synthetic sets: 2 features, 2 classes, 500 train and 500 test examples (src/data). */
const SYNTHETIC: DataSize = { inputDim: 2, numClasses: 2, nTrain: 500, nTest: 500 };
const SYNTHETIC_NAMES = ["circle", "xor", "gauss", "spiral"];
/** The regression sets: the same, with one output (src/data/regression.ts). */
const REGRESSION: DataSize = { ...SYNTHETIC, numClasses: 1 };
const REGRESSION_NAMES = ["plane", "multi-gauss"];

/** The data size of a named data set before loading it (limits applied); null for csv:PATH. */
export function knownDataSize(config: TrainConfig): DataSize | null {
  const full =
    IMAGE_SETS[config.data] ??
    (SYNTHETIC_NAMES.includes(config.data)
      ? SYNTHETIC
      : REGRESSION_NAMES.includes(config.data)
        ? REGRESSION
        : null);
  if (!full) return null;
  return {
    ...full,
    // a 2-D set's input width is its feature count (src/data/features.ts)
    ...(full === SYNTHETIC || full === REGRESSION ? { inputDim: config.features.split(",").length } : {}),
    nTrain: Math.min(config.trainLimit ?? full.nTrain, full.nTrain),
    nTest: Math.min(config.testLimit ?? full.nTest, full.nTest),
  };
}

/** What the run does: "train" (the default) or "inspect" (no optimizer state, no steps). */
export type ResourceUse = "train" | "inspect";

/**
 * Estimates a run's parameters, bytes and steps (see the formulas above). For "inspect" (one
 * forward and backward pass at initialization) the optimizer's bytes and the steps are 0.
 */
export function estimateResources(
  config: TrainConfig,
  data: DataSize,
  use: ResourceUse = "train",
): ResourceEstimate {
  const sizes = [data.inputDim, ...config.hidden, data.numClasses];
  let params = 0;
  for (let l = 1; l < sizes.length; l++) params += sizes[l - 1] * sizes[l] + sizes[l];
  const hiddenUnits = config.hidden.reduce((a, b) => a + b, 0);
  const normed = config.norm !== "none";
  if (normed) params += 2 * hiddenUnits;
  const units = sizes.reduce((a, b) => a + b, 0);
  const structuredPerUnit = (config.residual > 0 ? 2 : 0) + (normed ? 4 : 0);
  const rows = Math.max(
    config.batchSize,
    Math.min(config.evalBatchSize, data.nTrain + data.nTest),
    config.probeBatch,
  );
  const optimizerBytes =
    use === "inspect"
      ? 0
      : config.optimizer === "adam"
        ? 8 * params
        : config.optimizer === "sgd" && config.momentum > 0
          ? 4 * params
          : 0;
  const weightBytes = 4 * params;
  const gradientBytes = 4 * params;
  const activationBytes = 4 * rows * (3 * units + structuredPerUnit * hiddenUnits);
  const dataBytes = (data.nTrain + data.nTest) * (4 * data.inputDim + 4);
  const perEpoch = Math.ceil(data.nTrain / config.batchSize);
  const steps =
    use === "inspect"
      ? 0
      : config.maxSteps !== null
        ? Math.min(config.maxSteps, config.epochs * perEpoch)
        : config.epochs * perEpoch;
  return {
    sizes,
    params,
    weightBytes,
    gradientBytes,
    optimizerBytes,
    activationBytes,
    dataBytes,
    totalBytes: weightBytes + gradientBytes + optimizerBytes + activationBytes + dataBytes,
    steps,
  };
}

/** Where a memory limit came from, for messages. */
export interface MemoryLimit {
  bytes: number;
  /** e.g. "half of this machine's 7.8 GB; --memory-limit or INITLAB_MAX_MEMORY changes it". */
  source: string;
}

/**
 * The memory limit of one run: `override` when given (bytes, or a number with KB, MB, GB, TB,
 * powers of 1024; `what` names where it came from: the `--memory-limit` flag or the
 * INITLAB_MAX_MEMORY variable), else DEFAULT_MEMORY_FRACTION of `totalBytes` (the machine's memory).
 */
export function memoryLimit(
  totalBytes: number,
  override?: string | null,
  what = "INITLAB_MAX_MEMORY",
): MemoryLimit {
  if (override !== undefined && override !== null && override.trim() !== "") {
    return { bytes: parseBytes(override, what), source: what };
  }
  return {
    bytes: Math.floor(totalBytes * DEFAULT_MEMORY_FRACTION),
    source: `half of this machine's ${formatBytes(totalBytes)}; --memory-limit or INITLAB_MAX_MEMORY changes it`,
  };
}

const UNITS: Record<string, number> = { "": 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** "512MB" / "2 GB" / "2g" / "1073741824" -> bytes; a UserError naming `what` otherwise. */
export function parseBytes(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : Number.NaN;
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw new UserError(`${what}: "${text}" is not a size; expected bytes or a number with KB, MB, GB or TB`);
  }
  return Math.floor(bytes);
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  return `${Math.ceil(n / 2 ** 10)} KB`;
}

/** 784-256-256-256-10 -> "784-256x3-10" (runs of equal hidden widths shortened). */
export function describeSizes(sizes: readonly number[]): string {
  if (sizes.length <= 2) return sizes.join("-");
  const hidden = sizes.slice(1, -1);
  const parts: string[] = [];
  for (let i = 0; i < hidden.length; ) {
    let j = i;
    while (j + 1 < hidden.length && hidden[j + 1] === hidden[i]) j++;
    parts.push(j > i ? `${hidden[i]}x${j - i + 1}` : String(hidden[i]));
    i = j + 1;
  }
  return [sizes[0], ...parts, sizes[sizes.length - 1]].join("-");
}

/**
 * Refuses (UserError, exit 2) a run over the step limit, over the memory limit, or, on the
 * WebAssembly backend, over its 4 GiB; returns the estimate otherwise. The message names the
 * network, the estimate by part and the limit.
 */
export function checkResources(
  config: TrainConfig,
  data: DataSize,
  limit: MemoryLimit,
  use: ResourceUse = "train",
): ResourceEstimate {
  const e = estimateResources(config, data, use);
  const net = `the network ${describeSizes(e.sizes)}`;
  if (e.steps > MAX_TRAIN_STEPS) {
    throw new UserError(
      `epochs ${config.epochs} x ${Math.ceil(data.nTrain / config.batchSize)} steps per epoch = ${e.steps} steps, ` +
        `over the limit of ${MAX_TRAIN_STEPS} steps per run (fewer epochs, or maxSteps)`,
    );
  }
  const parts =
    `${e.params} parameters; weights ${formatBytes(e.weightBytes)}, gradients ${formatBytes(e.gradientBytes)}, ` +
    `optimizer ${formatBytes(e.optimizerBytes)}, activations ${formatBytes(e.activationBytes)}, data ${formatBytes(e.dataBytes)}`;
  if (e.totalBytes > limit.bytes) {
    throw new UserError(
      `${net} needs about ${formatBytes(e.totalBytes)} (${parts}), over the memory limit of ${formatBytes(limit.bytes)} (${limit.source})`,
    );
  }
  const wasmBytes = e.totalBytes - e.dataBytes;
  if (config.backend === "wasm" && wasmBytes > WASM_MAX_BYTES) {
    throw new UserError(
      `${net} needs about ${formatBytes(wasmBytes)} in WebAssembly memory (${parts}), over its 4 GB; use --backend native or ts`,
    );
  }
  return e;
}

/**
 * Refuses (UserError, exit 2) an allocation of `bytes` over the memory limit, naming `what`
 * (e.g. `init sample --shape 30000,30000`: "the matrix 30000 x 30000 (float64)").
 */
export function checkBytes(what: string, bytes: number, limit: MemoryLimit): void {
  if (bytes > limit.bytes) {
    throw new UserError(
      `${what} needs about ${formatBytes(bytes)}, over the memory limit of ${formatBytes(limit.bytes)} (${limit.source})`,
    );
  }
}

/**
 * A failed allocation (a typed array too long, no memory left, the WebAssembly heap full) as a
 * UserError saying so, or null for any other error. For errors that escape the estimate above
 * (other processes took the memory, or the estimate is low).
 */
export function allocationError(e: unknown): UserError | null {
  const err = e as Error;
  const msg = typeof err?.message === "string" ? err.message : "";
  const rangeAlloc =
    err instanceof RangeError &&
    /typed array length|Array buffer allocation failed|array length|allocation/i.test(msg);
  const wasm = /wasm backend: out of memory|WebAssembly\.Memory|Out of memory/i.test(msg);
  if (!rangeAlloc && !wasm) return null;
  return new UserError(
    `not enough memory for this run (${msg.slice(0, 200)}); use a smaller network, batch or data set`,
  );
}
