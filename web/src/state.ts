import { UserError } from "../../src/errors.js";
import { type SettingKey, specProblem } from "../../src/train/config.js";
import { checkNetworkShape, LAB_LIMITS } from "../../src/train/limits.js";
import { kindProblem } from "../../src/train/setting-kinds.js";
import {
  LAB_BACKENDS,
  type LAB_DATASETS,
  LAB_SETTING_KEYS,
  type LabSettingKey,
  type LabSettings,
  type LabView,
  type SettingGroup,
  settingOf,
  TRAIN_DEFAULTS,
} from "../../src/train/settings.js";

export { PREPROCESS_MODES } from "../../src/data/preprocess.js";
export { LOSS_NAMES as LOSSES } from "../../src/nn/losses.js";
export { LAB_DATASETS, OPTIMIZERS } from "../../src/train/settings.js";

/**
 * The whole state of one lab run, and its URL form. As in TensorFlow Playground's state.ts, one
 * declarative table (FIELDS) lists every setting with its URL key, type and range; parsing and
 * serializing both walk that table, so a link reproduces the same (seeded) run. The fields come
 * from the settings table (src/train/settings.ts: each setting's `lab` view gives the URL key,
 * the label and the lab's tighter range); only the network's shape is the lab's own (a depth and
 * one width for the table's `hidden`).
 */
export type LabDataset = (typeof LAB_DATASETS)[number];
export const TWO_D_DATASETS: readonly LabDataset[] = [
  "circle",
  "xor",
  "gauss",
  "spiral",
  "plane",
  "multi-gauss",
];
/** The 2-D regression sets (one real target per point; the loss is mse). */
export const REGRESSION_DATASETS: readonly LabDataset[] = ["plane", "multi-gauss"];
export const BACKENDS = LAB_BACKENDS;

/**
 * The whole lab state: the settings with a lab view in the settings table (keyed by the lab's
 * names: trainLimit is `samples`, maxSteps is `steps`), and the network's shape as a depth and one
 * width (the table's `hidden`). A setting that gains a lab view in the table appears here, in the
 * URL and in the form without another edit.
 */
export type LabState = LabSettings & {
  /** Hidden layers and their common width: the setting hidden. */
  depth: number;
  width: number;
};

type Kind =
  | { type: "enum"; values: readonly string[] }
  | { type: "int"; min: number; max: number }
  | { type: "number"; min: number; max: number }
  | { type: "spec" };

export interface Field {
  key: keyof LabState;
  /** The settings-table key this field sets (null: the lab's own, depth and width). */
  setting: SettingKey | null;
  /** Name in the URL. */
  url: string;
  label: string;
  /** One line: what the setting does (the table's doc). */
  doc: string;
  /** The settings-table group (Data, Model, ...) the form puts the field in. */
  group: SettingGroup;
  kind: Kind;
}

/** A table setting as a lab field: the lab view's URL key, label and range over the table's. */
function fieldOf(key: LabSettingKey): Field {
  const s = settingOf(key);
  const lab = s.lab as LabView;
  const k = s.kind;
  let kind: Kind;
  if (k.type === "choice" || k.type === "data")
    kind = { type: "enum", values: lab.values ?? (k.type === "choice" ? k.values : k.names) };
  else if (k.type === "int" || k.type === "number")
    kind = { type: k.type, min: lab.min ?? k.min, max: lab.max ?? k.max };
  else if (k.type === "spec" || k.type === "list") kind = { type: "spec" };
  else throw new Error(`setting ${key}: the lab has no field for kind ${k.type}`);
  const name = (lab.name ?? key) as keyof LabState;
  return { key: name, setting: key, url: lab.url, label: lab.label, doc: s.doc, group: s.group, kind };
}

/** The lab's own fields: the shape of the table's `hidden`, placed right after the data fields. */
const SHAPE_FIELDS: Field[] = [
  {
    key: "depth",
    setting: null,
    url: "depth",
    label: "hidden layers",
    doc: "hidden layers (the setting hidden: depth x width)",
    group: "model",
    kind: { type: "int", min: 0, max: LAB_LIMITS.maxDepth },
  },
  {
    key: "width",
    setting: null,
    url: "width",
    label: "width",
    doc: "units per hidden layer (the setting hidden: depth x width)",
    group: "model",
    kind: { type: "int", min: 1, max: LAB_LIMITS.maxWidth },
  },
];

/** Every field of the lab, in the table's order (the shape first among the model's fields). */
export const FIELDS: readonly Field[] = (() => {
  const table = LAB_SETTING_KEYS.map(fieldOf);
  const firstModel = table.findIndex((f) => f.group === "model");
  return [...table.slice(0, firstModel), ...SHAPE_FIELDS, ...table.slice(firstModel)];
})();

/** The lab's defaults: each lab view's default, else the run default; a 4 x 16 network. */
export const DEFAULT_STATE: LabState = {
  ...(Object.fromEntries(
    LAB_SETTING_KEYS.map((k) => {
      const lab = settingOf(k).lab as LabView;
      return [lab.name ?? k, lab.default ?? TRAIN_DEFAULTS[k]];
    }),
  ) as LabSettings),
  depth: 4,
  width: 16,
};

/** Parses one field's URL text; a UserError names the field, the bad value and the rule. */
export function parseField(f: Field, raw: string): LabState[keyof LabState] {
  const k = f.kind;
  switch (k.type) {
    case "enum":
      if (!k.values.includes(raw))
        throw new UserError(`${f.label}: "${raw}" is not one of ${k.values.join(", ")}`);
      return raw as LabState[keyof LabState];
    case "int":
    case "number": {
      const v = Number(raw);
      const ok = raw.trim() !== "" && Number.isFinite(v) && (k.type === "number" || Number.isInteger(v));
      if (!ok || v < k.min || v > k.max) {
        throw new UserError(
          `${f.label}: "${raw}" is not ${k.type === "int" ? "an integer" : "a number"} in ${k.min}..${k.max}`,
        );
      }
      return v;
    }
    case "spec":
      if (
        raw.length === 0 ||
        raw.length > LAB_LIMITS.maxSpecLength ||
        !/^[A-Za-z0-9_.,=()+\- ]+$/.test(raw)
      ) {
        throw new UserError(`${f.label}: "${raw.slice(0, 60)}" is not a valid spec`);
      }
      if (f.setting && settingOf(f.setting).kind.type === "list") {
        // a name list (input features): the table's own rule and message
        const problem = kindProblem(settingOf(f.setting).kind, raw, false);
        if (problem) throw new UserError(`${f.label}: ${problem}`);
      }
      return raw;
  }
}

export interface ParsedUrl {
  a: LabState;
  /** The second configuration when comparing, else null. */
  b: LabState | null;
  preset: string | null;
  /** Problems found (the faulty values were replaced by defaults). */
  problems: string[];
}

function parseInto(base: LabState, q: URLSearchParams, prefix: string, problems: string[]): LabState {
  const s: LabState = { ...base };
  for (const f of FIELDS) {
    const raw = q.get(prefix + f.url);
    if (raw === null) continue;
    try {
      (s as unknown as Record<string, unknown>)[f.key] = parseField(f, raw);
    } catch (e) {
      problems.push((prefix ? "B: " : "") + (e as Error).message);
    }
  }
  for (const key of ["activation", "init", "biasInit"] as const) {
    // the message every surface gives for this spec (src/train/config.ts)
    const problem = specProblem(key, s[key], s.depth);
    if (problem) {
      problems.push(`${prefix ? "B: " : ""}${problem}; using ${base[key]}`);
      s[key] = base[key];
    }
  }
  try {
    checkLabState(s);
  } catch (e) {
    problems.push(`${prefix ? "B: " : ""}${(e as Error).message}; using the default network`);
    s.depth = base.depth;
    s.width = base.width;
    s.batchSize = base.batchSize;
    s.samples = Math.min(s.samples, base.samples);
  }
  return s;
}

/** The state of a URL query; B is given as overrides of A prefixed with "b." (cmp=1 turns comparing on). */
export function parseUrl(search: string): ParsedUrl {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  const a = parseInto(DEFAULT_STATE, q, "", problems);
  const b = q.get("cmp") === "1" ? parseInto(a, q, "b.", problems) : null;
  const preset = q.get("preset");
  return { a, b, preset: preset && /^[a-z0-9-]{1,40}$/.test(preset) ? preset : null, problems };
}

/** The URL query of a state: only the values that differ from the defaults (B: from A). */
export function toUrl(a: LabState, b: LabState | null, preset: string | null): string {
  const q = new URLSearchParams();
  if (preset) q.set("preset", preset);
  for (const f of FIELDS) if (a[f.key] !== DEFAULT_STATE[f.key]) q.set(f.url, String(a[f.key]));
  if (b) {
    q.set("cmp", "1");
    for (const f of FIELDS) if (b[f.key] !== a[f.key]) q.set(`b.${f.url}`, String(b[f.key]));
  }
  return q.toString();
}

export function isTwoD(data: LabDataset): boolean {
  return TWO_D_DATASETS.includes(data);
}

/**
 * Examples per split of a 2-D set: what `loadDataset` generates (its nSynthetic default), so a
 * run here is the CLI's run with the same settings.
 */
export const SYNTHETIC_SIZE = 500;

/** Test examples of the image sets handed to the page. */
export const IMAGE_TEST_SIZE = 2000;

/** Input size and classes of a lab data set. */
export function dataShape(data: LabDataset): { inputDim: number; numClasses: number } {
  if (!isTwoD(data)) return { inputDim: 784, numClasses: 10 };
  return { inputDim: 2, numClasses: REGRESSION_DATASETS.includes(data) ? 1 : 2 };
}

/** Test examples used with a state. */
export function testSamples(s: LabState): number {
  return isTwoD(s.data) ? SYNTHETIC_SIZE : IMAGE_TEST_SIZE;
}

/** Checks the network and data sizes against LAB_LIMITS (UserError naming the value over its limit). */
export function checkLabState(s: LabState): void {
  const { inputDim, numClasses } = dataShape(s.data);
  checkNetworkShape({ inputDim, hidden: hiddenOf(s), outputDim: numClasses, batchSize: s.batchSize });
  if (isTwoD(s.data) && s.samples > SYNTHETIC_SIZE) {
    throw new UserError(`training examples: a 2-D set has ${SYNTHETIC_SIZE}, got ${s.samples}`);
  }
}

export function hiddenOf(s: LabState): number[] {
  return Array.from({ length: s.depth }, () => s.width);
}
