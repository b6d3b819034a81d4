import {
  resolveConfig,
  SETTING_KEYS,
  type SettingKey,
  TRAIN_DEFAULTS,
  type TrainConfig,
} from "../../src/train/config.js";
import { formatKindValue } from "../../src/train/setting-kinds.js";
import { flagOf, settingOf } from "../../src/train/settings.js";
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

/** Settings the command always spells out (what the run is), even at their defaults. */
const ALWAYS: ReadonlySet<SettingKey> = new Set([
  "data",
  "preprocess",
  "trainLimit",
  "testLimit",
  "hidden",
  "activation",
  "init",
  "biasInit",
  "optimizer",
  "lr",
  "batchSize",
  "loss",
  "epochs",
  "maxSteps",
  "seed",
  "probeEvery",
  "probeBatch",
]);

/**
 * The arguments of `initlab train` that make the same run as the lab (see toTrainConfig): every
 * setting with a flag, from the settings table, that defines the run or differs from its
 * default. The backend stays the machine's choice (the lab's "auto" may differ from the CLI's).
 */
export function toCliArgs(s: LabState): string[] {
  const c = toTrainConfig(s);
  const args = ["train"];
  for (const key of SETTING_KEYS) {
    const flag = flagOf(key);
    const value = c[key];
    if (flag === null || key === "backend" || key === "threads" || value === null) continue;
    const isDefault = JSON.stringify(value) === JSON.stringify(TRAIN_DEFAULTS[key]);
    if (isDefault && !ALWAYS.has(key)) continue;
    const kind = settingOf(key).kind;
    if (kind.type === "bool") {
      if (value === true) args.push(flag);
    } else args.push(flag, formatKindValue(kind, value));
  }
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
