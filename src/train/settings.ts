import { DEFAULT_FEATURES, FEATURE_NAMES } from "../data/features.js";
import { DATASET_NAMES } from "../data/names.js";
import { PREPROCESS_MODES } from "../data/preprocess.js";
import { BACKEND_CHOICES } from "../kernels/backend-names.js";
import { BRANCH_INITS, BRANCH_SCALES } from "../nn/architecture.js";
import { LOSS_NAMES } from "../nn/losses.js";
import { NORM_KINDS, NORM_PLACES } from "../nn/norm-layer.js";
import { PARAMETRIZATIONS } from "../nn/parametrization.js";
import { SCHEDULE_NAMES } from "../optim/schedule.js";
import { LAB_LIMITS } from "./limits.js";
import type { Kind } from "./setting-kinds.js";

/**
 * The settings table: every key of a training run, declared once with its kind (type, range or
 * choices), default, one-line doc, CLI flag, lab URL key and whether a sweep file may set it.
 * Everything else derives from it: the TrainConfig type and its validation (config.ts), the
 * `train`/`inspect` flags and their help (cli/train-options.ts), the sweep file's keys
 * (sweep/sweep-file.ts), the browser lab's form fields, links and limits (web/src/state.ts) and
 * the options table in docs/options.md (a test checks it is up to date).
 *
 * Adding a setting = one entry here (with `since` so stored run ids stay valid) plus its
 * implementation where the value is used. See ARCHITECTURE.md.
 */
export interface Setting<T> {
  kind: Kind;
  /** null is allowed (and means "none": no limit, not set). */
  nullable: boolean;
  default: T;
  /** One line for --help, the lab's tooltips and docs/options.md. */
  doc: string;
  group: SettingGroup;
  /** The CLI flag, "--kebab-case" of the key; null when the CLI has none. */
  flag: string | null;
  /** The placeholder of the flag's value in --help ("<n>", "<x>", "<spec>"); absent for booleans. */
  arg?: string;
  /** true: a sweep file may set it; a string: why it may not. */
  sweep: true | string;
  /** Changes what a network looks like at initialization (the init doctor, `inspect`, takes it). */
  atInit: boolean;
  /** false: the value never changes a run's numbers (left out of the run id). */
  result: boolean;
  /**
   * The version that added the key: a run stored before it has no such key, so the run id leaves
   * the key out while it has its default (old ids stay valid). Absent for the original keys.
   */
  since?: string;
  /** The browser lab's view: URL key, label, and its (tighter) range or choices. */
  lab?: LabView;
}

export interface LabView {
  url: string;
  label: string;
  /** The lab state's name for the key when it differs (trainLimit is the lab's "samples"). */
  name?: string;
  /** The lab's default when it differs from the run default (the lab opens on a small 2-D problem). */
  default?: unknown;
  min?: number;
  max?: number;
  values?: readonly string[];
}

export type SettingGroup = "data" | "model" | "optimizer" | "schedule" | "run" | "probes";

export const SETTING_GROUPS: Record<SettingGroup, string> = {
  data: "Data",
  model: "Model",
  optimizer: "Optimizer",
  schedule: "Learning-rate schedule",
  run: "Run",
  probes: "Probes",
};

type Extra = Partial<
  Pick<Setting<unknown>, "flag" | "arg" | "sweep" | "atInit" | "result" | "since" | "lab">
>;
/** No extra fields. */
type None = Record<never, never>;

/** A table entry; the type keeps its extra fields (so the lab's state type can see which keys have a lab view). */
function setting<T, const E extends Extra = None>(
  kind: Kind,
  nullable: boolean,
  def: T,
  group: SettingGroup,
  doc: string,
  extra?: E,
): Setting<T> & E {
  return {
    kind,
    nullable,
    default: def,
    doc,
    group,
    flag: "",
    sweep: true,
    atInit: false,
    result: true,
    ...extra,
  } as Setting<T> & E;
}

const choice = <const V extends readonly string[], const E extends Extra = None>(
  values: V,
  def: V[number],
  group: SettingGroup,
  doc: string,
  extra?: E,
) =>
  setting<V[number], E>({ type: "choice", values }, false, def, group, doc, { arg: "<name>", ...extra } as E);
const int = <const E extends Extra = None>(
  min: number,
  max: number,
  def: number,
  group: SettingGroup,
  doc: string,
  extra?: E,
) => setting<number, E>({ type: "int", min, max }, false, def, group, doc, { arg: "<n>", ...extra } as E);
const optInt = <const E extends Extra = None>(
  min: number,
  max: number,
  group: SettingGroup,
  doc: string,
  extra?: E,
) =>
  setting<number | null, E>({ type: "int", min, max }, true, null, group, doc, { arg: "<n>", ...extra } as E);
const real = <const E extends Extra = None>(
  range: Omit<Extract<Kind, { type: "number" }>, "type">,
  def: number,
  group: SettingGroup,
  doc: string,
  extra?: E,
) => setting<number, E>({ type: "number", ...range }, false, def, group, doc, { arg: "<x>", ...extra } as E);
const bool = <const E extends Extra = None>(group: SettingGroup, doc: string, extra?: E) =>
  setting<boolean, E>({ type: "bool" }, false, false, group, doc, extra);
const spec = <const E extends Extra = None>(
  what: "activation" | "initializer",
  perLayer: boolean,
  def: string,
  group: SettingGroup,
  doc: string,
  extra?: E,
) =>
  setting<string, E>(
    { type: "spec", what, perLayer, maxLength: LAB_LIMITS.maxSpecLength },
    false,
    def,
    group,
    doc,
    {
      arg: "<spec>",
      atInit: true,
      ...extra,
    } as E,
  );

const dataName = <const E extends Extra = None>(def: string, doc: string, extra?: E) =>
  setting<string, E>({ type: "data", names: DATASET_NAMES }, false, def, "data", doc, extra);

const nameList = <const E extends Extra = None>(
  values: readonly string[],
  def: string,
  group: SettingGroup,
  doc: string,
  extra?: E,
) => setting<string, E>({ type: "list", values }, false, def, group, doc, { arg: "<list>", ...extra } as E);

const POSITIVE = { min: 0, max: Number.POSITIVE_INFINITY, minExclusive: true } as const;
const NON_NEGATIVE = { min: 0, max: Number.POSITIVE_INFINITY } as const;
/** Upper bound of --epochs: more is a typo (1e12 epochs of one example would run for years). */
export const MAX_EPOCHS = 1_000_000;
/**
 * Upper bound of step counts (max-steps, probe/loss intervals): the most steps one run may take
 * (LAB_LIMITS.maxSteps, which train/resources.ts also enforces for epochs x batches).
 */
export const MAX_STEPS = LAB_LIMITS.maxSteps;

export const OPTIMIZERS = ["sgd", "adam"] as const;
/** The data sets the browser lab trains on (no CSV files in the browser). */
export const LAB_DATASETS = [
  "circle",
  "xor",
  "gauss",
  "spiral",
  "plane",
  "multi-gauss",
  "mnist",
  "fashion-mnist",
] as const;
/** The backends the browser lab can run (no native addon in the browser). */
export const LAB_BACKENDS = ["auto", "wasm", "ts"] as const;

/** The table. Key order is the order of --help, the docs and a stored config. */
export const SETTINGS = {
  data: dataName("mnist", "data set", {
    arg: "<name>",
    atInit: true,
    lab: { url: "data", label: "data set", values: LAB_DATASETS, default: "spiral" },
  }),
  preprocess: choice(PREPROCESS_MODES, "standardize", "data", "input preprocessing (docs/data.md)", {
    arg: "<mode>",
    atInit: true,
    lab: { url: "prep", label: "preprocessing" },
  }),
  trainLimit: optInt(1, 10_000_000, "data", "use only the first N training examples", {
    atInit: true,
    lab: {
      url: "n",
      label: "training examples",
      name: "samples",
      default: 500,
      min: 10,
      max: LAB_LIMITS.maxTrain,
    },
  }),
  testLimit: optInt(1, 10_000_000, "data", "use only the first N test examples", { atInit: true }),
  target: setting<string | null>(
    { type: "text", maxLength: 200 },
    true,
    null,
    "data",
    "csv: the label column (default: the last one)",
    {
      arg: "<column>",
      atInit: true,
    },
  ),
  noise: real(
    { min: 0, max: 0.5 },
    0,
    "data",
    "synthetic sets: noise level 0..0.5 (as TensorFlow Playground)",
    {
      atInit: true,
      lab: { url: "noise", label: "noise", default: 0.1 },
    },
  ),
  features: nameList(
    FEATURE_NAMES,
    DEFAULT_FEATURES,
    "data",
    "2-D sets: the input features, TensorFlow Playground's x1, x2, x1sq, x2sq, x1x2, sin1, sin2 (docs/data.md)",
    {
      since: "0.3.0",
      atInit: true,
      lab: { url: "feat", label: "input features" },
    },
  ),
  hidden: setting(
    { type: "sizes", maxWidth: 100_000, maxLayers: 1000 },
    false,
    [256, 256] as number[],
    "model",
    "hidden layer widths, e.g. 256,256 or 100x8 (none: no hidden layer)",
    {
      arg: "<sizes>",
      atInit: true,
      lab: { url: "hidden", label: "hidden layers", default: [16, 16, 16, 16] },
    },
  ),
  activation: spec("activation", true, "relu", "model", "hidden activation, or one per hidden layer", {
    lab: { url: "act", label: "activation", default: "tanh" },
  }),
  init: spec(
    "initializer",
    true,
    "he_normal",
    "model",
    "weight initializer spec, or one per layer (initlab init list)",
    {
      lab: { url: "init", label: "weight init", default: "xavier_uniform" },
    },
  ),
  biasInit: spec("initializer", false, "zeros", "model", "bias initializer spec", {
    lab: { url: "bias", label: "bias init" },
  }),
  preluShared: bool("model", "PReLU: one slope per layer instead of one per unit", { atInit: true }),
  parametrization: choice(
    PARAMETRIZATIONS,
    "sp",
    "model",
    "how init and learning rates scale with width: sp | ntk | mup (src/nn/parametrization.ts)",
    {
      since: "0.2.0",
      atInit: true,
      lab: { url: "param", label: "parametrization" },
    },
  ),
  baseWidth: optInt(
    1,
    100_000,
    "model",
    "muP/NTK base width: multipliers are width / baseWidth (default: the network's own width)",
    {
      since: "0.2.0",
      atInit: true,
      lab: { url: "base", label: "base width", default: 16, max: LAB_LIMITS.maxWidth },
    },
  ),
  readoutZero: bool("model", "initialize the output layer to zero (muP's readout option)", {
    since: "0.2.0",
    atInit: true,
    lab: { url: "rz", label: "zero readout" },
  }),
  residual: int(
    0,
    2,
    0,
    "model",
    "residual blocks of N dense layers (0 = plain MLP; equal hidden widths, 1 + N*k hidden layers; docs/architectures.md)",
    { since: "0.3.0", atInit: true, lab: { url: "res", label: "residual layers per block" } },
  ),
  branchScale: choice(
    BRANCH_SCALES,
    "one",
    "model",
    "residual branch scale alpha (const: --branch-const; inv_sqrt_depth: 1/sqrt(blocks); rezero, skipinit: learnable, from 0)",
    { arg: "<scale>", since: "0.3.0", atInit: true, lab: { url: "alpha", label: "branch scale" } },
  ),
  branchConst: real({ min: 0, max: 1000 }, 1, "model", "the branch scale alpha of --branch-scale const", {
    since: "0.3.0",
    atInit: true,
    lab: { url: "alphac", label: "branch constant", max: 10 },
  }),
  branchInit: choice(
    BRANCH_INITS,
    "standard",
    "model",
    "residual branches' initialization (standard: --init as is; fixup: Zhang et al. 2019, src/init/fixup.ts)",
    { arg: "<name>", since: "0.3.0", atInit: true, lab: { url: "binit", label: "branch init" } },
  ),
  norm: choice(
    NORM_KINDS,
    "none",
    "model",
    "normalization of every hidden layer (batch: BatchNorm, layer: LayerNorm)",
    {
      arg: "<kind>",
      since: "0.3.0",
      atInit: true,
      lab: { url: "norm", label: "normalization" },
    },
  ),
  normPlace: choice(
    NORM_PLACES,
    "pre",
    "model",
    "normalization before (pre) or after (post) the activation",
    {
      arg: "<place>",
      since: "0.3.0",
      atInit: true,
      lab: { url: "normat", label: "normalization place" },
    },
  ),
  loss: choice(LOSS_NAMES, "cross_entropy", "model", "loss function", {
    atInit: true,
    lab: { url: "loss", label: "loss" },
  }),
  optimizer: choice(OPTIMIZERS, "sgd", "optimizer", "optimizer", {
    lab: { url: "opt", label: "optimizer" },
  }),
  lr: real(POSITIVE, 0.05, "optimizer", "learning rate", {
    lab: { url: "lr", label: "learning rate", default: 0.03, min: 1e-7, max: 100 },
  }),
  momentum: real({ min: 0, max: 1 }, 0.9, "optimizer", "SGD momentum", {
    lab: { url: "mom", label: "momentum", max: 0.999 },
  }),
  nesterov: bool("optimizer", "SGD: Nesterov momentum"),
  weightDecay: real(
    NON_NEGATIVE,
    0,
    "optimizer",
    "L2 weight decay: g += wd w on every parameter, biases included (PyTorch's SGD/Adam weight_decay)",
    {
      lab: { url: "l2", label: "L2 rate", max: 10 },
    },
  ),
  l1: real(
    NON_NEGATIVE,
    0,
    "optimizer",
    "L1 regularization: g += l1 sign(w) on the weights only, not biases or other parameters (TensorFlow Playground's L1)",
    {
      since: "0.3.0",
      lab: { url: "l1", label: "L1 rate", max: 10 },
    },
  ),
  beta1: real({ min: 0, max: 1, maxExclusive: true }, 0.9, "optimizer", "Adam beta1"),
  beta2: real({ min: 0, max: 1, maxExclusive: true }, 0.999, "optimizer", "Adam beta2"),
  eps: real(POSITIVE, 1e-8, "optimizer", "Adam epsilon"),
  clipNorm: setting<number | null>(
    { type: "number", ...POSITIVE },
    true,
    null,
    "optimizer",
    "clip gradients by global norm",
    {
      arg: "<x>",
    },
  ),
  schedule: choice(SCHEDULE_NAMES, "constant", "schedule", "learning-rate schedule"),
  stepEpochs: int(1, MAX_EPOCHS, 1, "schedule", "step schedule: epochs between decays"),
  gamma: real(POSITIVE, 0.1, "schedule", "step schedule: decay factor"),
  minLr: real(NON_NEGATIVE, 0, "schedule", "cosine schedule: final learning rate"),
  warmupSteps: int(
    0,
    MAX_STEPS,
    0,
    "schedule",
    "linear learning-rate warm-up over the first N steps (0 = none)",
    {
      since: "0.2.0",
      lab: { url: "warmup", label: "warm-up steps", max: 100000 },
    },
  ),
  batchSize: int(1, 65536, 128, "run", "mini-batch size", {
    lab: { url: "batch", label: "batch size", default: 32, max: LAB_LIMITS.maxBatch },
  }),
  epochs: int(1, MAX_EPOCHS, 1, "run", "epochs (a run stops at --max-steps first if given)"),
  maxSteps: optInt(1, MAX_STEPS, "run", "stop after N steps", {
    lab: { url: "steps", label: "stop at step", name: "steps", default: 3000, max: LAB_LIMITS.maxSteps },
  }),
  seed: int(0, 4294967295, 1, "run", "random seed (weights, data order, probe batch)", {
    atInit: true,
    lab: { url: "seed", label: "seed" },
  }),
  backend: choice(
    BACKEND_CHOICES,
    "auto",
    "run",
    "compute backend (auto: the fastest available; initlab info)",
    {
      atInit: true,
      lab: { url: "backend", label: "backend", values: LAB_BACKENDS },
    },
  ),
  threads: optInt(1, 256, "run", "threads a run may use (default: all cores)", {
    atInit: true,
    result: false,
    sweep: "every sweep run uses one thread (runs are spread over the cores instead)",
  }),
  probeEvery: int(0, MAX_STEPS, 0, "probes", "record per-layer probes every N steps (0 = off)", {
    lab: { url: "probe", label: "probe every", default: 10, min: 1, max: 100000 },
  }),
  probeBatch: int(1, 65536, 128, "probes", "examples in the fixed probe batch", {
    atInit: true,
    lab: { url: "pb", label: "probe examples", min: 8, max: 1024 },
  }),
  evalBatchSize: int(
    1,
    65536,
    1000,
    "run",
    "batch size of the test-set evaluation (does not change results)",
    {
      flag: null,
    },
  ),
  lossEvery: int(1, MAX_STEPS, 10, "run", "keep every N-th step's loss in the run record", { flag: null }),
} satisfies Record<string, Setting<unknown>>;

/** The value type of one setting. */
type ValueOf<S> = S extends Setting<infer T> ? T : never;

/** Everything that determines a training run, one key per setting. */
export type TrainConfig = { [K in keyof typeof SETTINGS]: ValueOf<(typeof SETTINGS)[K]> };
export type SettingKey = keyof TrainConfig;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The table entry of a key (its kind widened for code that walks the table). */
export function settingOf(key: SettingKey): Setting<unknown> {
  return SETTINGS[key] as Setting<unknown>;
}

/** The CLI flag of a key: its own, or "--" + the kebab-case of the key; null when it has none. */
export function flagOf(key: SettingKey): string | null {
  const f = settingOf(key).flag;
  if (f === null) return null;
  return f !== "" ? f : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export const TRAIN_DEFAULTS: TrainConfig = Object.fromEntries(
  SETTING_KEYS.map((k) => [k, structuredClone(settingOf(k).default)]),
) as TrainConfig;

type Table = typeof SETTINGS;
/** The settings the browser lab shows (those with a lab view). */
export type LabSettingKey = {
  [K in keyof Table]: Table[K] extends { lab: LabView } ? K : never;
}[keyof Table];
/** The lab state's name of a setting (its lab view's `name`, else the key). */
export type LabName<K extends LabSettingKey> = Table[K] extends { lab: { name: infer N extends string } }
  ? N
  : K;
/** The lab's value type of a setting: its lab view's choices, else the setting's (never null in the lab). */
export type LabValue<K extends LabSettingKey> = Table[K] extends { lab: { values: readonly (infer V)[] } }
  ? V
  : NonNullable<TrainConfig[K]>;
/** The settings part of the browser lab's state, derived from the table. */
export type LabSettings = { [K in LabSettingKey as LabName<K>]: LabValue<K> };

/** The keys with a lab view, in table order. */
export const LAB_SETTING_KEYS = SETTING_KEYS.filter((k) => settingOf(k).lab !== undefined) as LabSettingKey[];
