import { resolveConfig, type TrainConfig } from "../../src/train/config.js";
import {
  checkLabState,
  DEFAULT_STATE,
  hiddenOf,
  isTwoD,
  LAB_DATASETS,
  type LabDataset,
  type LabState,
  SYNTHETIC_SIZE,
  testSamples,
} from "./state.js";

/*
 * A lab state and the rest of initlab: the TrainConfig it trains with (the worker and the CLI
 * resolve the same object), the `initlab train` command of the same run, and the lab state of a
 * stored run's configuration.
 */

/** The TrainConfig the worker trains with (the same object the CLI's flags resolve to). */
export function toTrainConfig(s: LabState): TrainConfig {
  return resolveConfig({
    data: s.data,
    preprocess: s.preprocess,
    noise: isTwoD(s.data) ? s.noise : 0,
    trainLimit: s.samples,
    testLimit: testSamples(s),
    hidden: hiddenOf(s),
    activation: s.activation,
    init: s.init,
    biasInit: s.biasInit,
    optimizer: s.optimizer,
    lr: s.lr,
    momentum: s.momentum,
    batchSize: s.batchSize,
    loss: s.loss,
    seed: s.seed,
    maxSteps: s.steps,
    epochs: 1_000_000,
    probeEvery: s.probeEvery,
    probeBatch: s.probeBatch,
    // the page reads every step's loss from the trainer's onStep hook; the record keeps a sparse curve
    lossEvery: 100,
    backend: s.backend === "auto" ? "auto" : s.backend,
  });
}

/** The arguments of `initlab train` that make the same run as the lab (see toTrainConfig). */
export function toCliArgs(s: LabState): string[] {
  const c = toTrainConfig(s);
  const args = ["train", "--data", c.data, "--preprocess", c.preprocess];
  if (isTwoD(s.data)) args.push("--noise", String(c.noise));
  args.push("--train-limit", String(c.trainLimit), "--test-limit", String(c.testLimit));
  args.push("--hidden", s.depth > 0 ? `${s.width}x${s.depth}` : "none");
  args.push("--activation", c.activation, "--init", c.init, "--bias-init", c.biasInit);
  args.push("--optimizer", c.optimizer, "--lr", String(c.lr));
  if (c.optimizer === "sgd") args.push("--momentum", String(c.momentum));
  args.push(
    "--batch-size",
    String(c.batchSize),
    "--loss",
    c.loss,
    "--epochs",
    String(c.epochs),
    "--max-steps",
    String(c.maxSteps),
  );
  args.push(
    "--seed",
    String(c.seed),
    "--probe-every",
    String(c.probeEvery),
    "--probe-batch",
    String(c.probeBatch),
  );
  return args;
}

/** The equivalent CLI command, for "run this from a terminal". */
export function toCliCommand(s: LabState): string {
  const q = (v: string) => (/^[A-Za-z0-9_.,=+-]+$/.test(v) ? v : `'${v}'`);
  return ["npx initlab", ...toCliArgs(s).map(q)].join(" ");
}

/**
 * The lab state of a stored run's configuration, and the settings the lab cannot show (they are
 * left at the lab's values): null when the data set is not one the lab trains on.
 */
export function fromTrainConfig(c: TrainConfig): { state: LabState; dropped: string[] } | null {
  if (!(LAB_DATASETS as readonly string[]).includes(c.data)) return null;
  const dropped: string[] = [];
  const widths = new Set(c.hidden);
  if (widths.size > 1) dropped.push(`hidden widths ${c.hidden.join(",")} (the lab uses one width)`);
  if (c.schedule !== "constant") dropped.push(`schedule ${c.schedule}`);
  if (c.weightDecay !== 0) dropped.push(`weight decay ${c.weightDecay}`);
  if (c.clipNorm !== null) dropped.push(`clip norm ${c.clipNorm}`);
  if (c.nesterov) dropped.push("nesterov");
  const s: LabState = {
    ...DEFAULT_STATE,
    data: c.data as LabDataset,
    preprocess: c.preprocess,
    noise: c.noise,
    samples: c.trainLimit ?? (isTwoD(c.data as LabDataset) ? SYNTHETIC_SIZE : 10000),
    depth: c.hidden.length,
    width: c.hidden[0] ?? DEFAULT_STATE.width,
    activation: c.activation,
    init: c.init,
    biasInit: c.biasInit,
    optimizer: c.optimizer,
    lr: c.lr,
    momentum: c.momentum,
    batchSize: c.batchSize,
    loss: c.loss,
    seed: c.seed,
    steps: c.maxSteps ?? DEFAULT_STATE.steps,
    probeEvery: c.probeEvery > 0 ? c.probeEvery : DEFAULT_STATE.probeEvery,
    probeBatch: c.probeBatch,
  };
  try {
    checkLabState(s);
  } catch (e) {
    dropped.push((e as Error).message);
    return {
      state: {
        ...s,
        depth: DEFAULT_STATE.depth,
        width: DEFAULT_STATE.width,
        batchSize: DEFAULT_STATE.batchSize,
      },
      dropped,
    };
  }
  return { state: s, dropped };
}
