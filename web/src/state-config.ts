import {
  resolveConfig,
  SETTING_KEYS,
  type SettingKey,
  TRAIN_DEFAULTS,
  type TrainConfig,
} from "../../src/train/config.js";
import { formatKindValue } from "../../src/train/setting-kinds.js";
import { flagOf, LAB_SETTING_KEYS, type LabSettingKey, settingOf } from "../../src/train/settings.js";
import {
  BACKENDS,
  checkLabState,
  DEFAULT_STATE,
  isTwoD,
  LAB_DATASETS,
  type LabDataset,
  type LabState,
  REGRESSION_DATASETS,
  SYNTHETIC_SIZE,
  testSamples,
} from "./state.js";

/*
 * A lab state and the rest of initlab: the TrainConfig it trains with (the worker and the CLI
 * resolve the same object), the `initlab train` command of the same run, and the lab state of a
 * stored run's configuration.
 */

/** The lab state's name of a table setting (trainLimit is "samples", maxSteps is "steps"). */
function labName(key: LabSettingKey): keyof LabState {
  return (settingOf(key).lab?.name ?? key) as keyof LabState;
}

/**
 * The TrainConfig the worker trains with (the same object the CLI's flags resolve to): every
 * setting with a lab view from the state (the hidden widths among them), and what the lab
 * fixes (the test split's size, no epoch limit, a sparse loss curve: the page reads every step's
 * loss from the trainer's onStep hook).
 */
export function toTrainConfig(s: LabState): TrainConfig {
  const fromState = Object.fromEntries(LAB_SETTING_KEYS.map((k) => [k, s[labName(k)]]));
  return resolveConfig({
    ...fromState,
    noise: isTwoD(s.data) ? s.noise : 0,
    features: isTwoD(s.data) ? s.features : TRAIN_DEFAULTS.features,
    // a regression set's loss is the squared error against its targets
    loss: REGRESSION_DATASETS.includes(s.data) ? "mse" : s.loss,
    testLimit: testSamples(s),
    epochs: 1_000_000,
    lossEvery: 100,
    // the base width means nothing to SP: left unset, so an SP run is the run it always was
    baseWidth: s.parametrization === "sp" ? null : s.baseWidth,
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
  // settings the lab has no field for, at a value other than the default, are dropped (and said)
  for (const k of SETTING_KEYS) {
    if (settingOf(k).lab || !settingOf(k).result || IMPLIED.has(k)) continue;
    if (JSON.stringify(c[k]) !== JSON.stringify(TRAIN_DEFAULTS[k]))
      dropped.push(`${k} ${JSON.stringify(c[k])}`);
  }
  const s = { ...DEFAULT_STATE } as Record<string, unknown>;
  for (const k of LAB_SETTING_KEYS) if (c[k] !== null) s[labName(k)] = c[k];
  s.samples = c.trainLimit ?? (isTwoD(c.data as LabDataset) ? SYNTHETIC_SIZE : 10000);
  if (c.probeEvery === 0) s.probeEvery = DEFAULT_STATE.probeEvery;
  if ((BACKENDS as readonly string[]).includes(c.backend) === false) s.backend = DEFAULT_STATE.backend;
  const state = s as LabState;
  try {
    checkLabState(state);
  } catch (e) {
    dropped.push((e as Error).message);
    return {
      state: {
        ...state,
        hidden: DEFAULT_STATE.hidden,
        batchSize: DEFAULT_STATE.batchSize,
      },
      dropped,
    };
  }
  return { state, dropped };
}

/** Settings the lab sets itself (from its own fields or fixed values), never "dropped". */
const IMPLIED: ReadonlySet<SettingKey> = new Set(["testLimit", "epochs", "lossEvery", "evalBatchSize"]);
