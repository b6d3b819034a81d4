import { UserError } from "../../src/errors.js";
import { type SettingKey, specProblem } from "../../src/train/config.js";
import { checkNetworkShape, LAB_LIMITS } from "../../src/train/limits.js";
import { kindProblem, parseSizesText, sizesText } from "../../src/train/setting-kinds.js";
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
 * the label and the lab's tighter range). The network's shape is the table's `hidden`, one width
 * per hidden layer ("16,16,8" or "16x4" in a link; the older `depth` and `width` keys still read).
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
 * names: trainLimit is `samples`, maxSteps is `steps`; `hidden` lists the hidden layers' widths).
 * A setting that gains a lab view in the table appears here, in the URL and in the form without
 * another edit.
 */
export type LabState = LabSettings;

type Kind =
  | { type: "enum"; values: readonly string[] }
  | { type: "int"; min: number; max: number }
  | { type: "number"; min: number; max: number }
  | { type: "bool" }
  | { type: "spec" }
  | { type: "sizes"; maxWidth: number; maxLayers: number };

export interface Field {
  key: keyof LabState;
  /** The settings-table key this field sets. */
  setting: SettingKey;
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
  else if (k.type === "bool") kind = { type: "bool" };
  else if (k.type === "sizes")
    kind = {
      type: "sizes",
      maxWidth: Math.min(k.maxWidth, LAB_LIMITS.maxWidth),
      maxLayers: Math.min(k.maxLayers, LAB_LIMITS.maxDepth),
    };
  else throw new Error(`setting ${key}: the lab has no field for kind ${k.type}`);
  const name = (lab.name ?? key) as keyof LabState;
  return { key: name, setting: key, url: lab.url, label: lab.label, doc: s.doc, group: s.group, kind };
}

/** Every field of the lab, in the table's order. */
export const FIELDS: readonly Field[] = LAB_SETTING_KEYS.map(fieldOf);

/** The field of a state key. */
export function fieldByKey(key: keyof LabState): Field {
  const f = FIELDS.find((x) => x.key === key);
  if (!f) throw new Error(`the lab has no field ${String(key)}`);
  return f;
}

/** The lab's defaults: each lab view's default (a 4 x 16 network), else the run default. */
export const DEFAULT_STATE: LabState = Object.fromEntries(
  LAB_SETTING_KEYS.map((k) => {
    const lab = settingOf(k).lab as LabView;
    return [lab.name ?? k, structuredClone(lab.default ?? TRAIN_DEFAULTS[k])];
  }),
) as LabSettings;

/** n hidden layers of one width (a preset's shape). */
export function layers(n: number, width: number): number[] {
  return Array.from({ length: n }, () => width);
}

/** Two values of a field are the same (the widths compare element by element). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** A field's value as a link and the form write it ("16x4" for four layers of 16). */
export function fieldText(f: Field, value: unknown): string {
  return f.kind.type === "sizes" ? sizesText(value as number[]) : String(value);
}

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
    case "bool":
      if (raw !== "true" && raw !== "false") throw new UserError(`${f.label}: "${raw}" is not true or false`);
      return (raw === "true") as LabState[keyof LabState];
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
    case "sizes": {
      const sizes = parseSizesText(raw, 1000);
      if (sizes === null)
        throw new UserError(
          `${f.label}: "${raw.slice(0, 60)}" is not a list of widths like 16,16,8 or 16x4 (none: no hidden layer)`,
        );
      if (sizes.length > k.maxLayers)
        throw new UserError(`${f.label}: ${sizes.length} layers, over the lab's limit of ${k.maxLayers}`);
      const bad = sizes.find((w) => w > k.maxWidth);
      if (bad !== undefined)
        throw new UserError(`${f.label}: width ${bad} is over the lab's limit of ${k.maxWidth}`);
      return sizes;
    }
  }
}

/**
 * The block panel's chart (web/src/ui/block-panel.ts): the residual stream and branches, the
 * branch/stream ratio, or the normalization layers' inputs. A view of the page, not a run setting
 * (it changes no number of the run): the link's `bview` key, absent for the panel's default.
 */
export const BLOCK_METRICS = ["stream", "ratio", "norm"] as const;
export type BlockMetric = (typeof BLOCK_METRICS)[number];

/** What the page shows beside the runs' settings; kept in the link like them. */
export interface PageView {
  /** The block panel's chart; null: the panel's default (stream for residual networks, else norm). */
  blockMetric: BlockMetric | null;
}

export const DEFAULT_VIEW: PageView = { blockMetric: null };

export interface ParsedUrl {
  a: LabState;
  /** The second configuration when comparing, else null. */
  b: LabState | null;
  preset: string | null;
  /** The page's view options (the block panel's chart). */
  view: PageView;
  /** Problems found (the faulty values were replaced by defaults). */
  problems: string[];
}

function parseInto(base: LabState, q: URLSearchParams, prefix: string, problems: string[]): LabState {
  const s: LabState = { ...base };
  legacyShape(s, q, prefix, problems);
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
    const problem = specProblem(key, s[key], s.hidden.length);
    if (problem) {
      problems.push(`${prefix ? "B: " : ""}${problem}; using ${base[key]}`);
      s[key] = base[key];
    }
  }
  try {
    checkLabState(s);
  } catch (e) {
    problems.push(`${prefix ? "B: " : ""}${(e as Error).message}; using the default network`);
    s.hidden = base.hidden;
    s.batchSize = base.batchSize;
    s.samples = Math.min(s.samples, base.samples);
  }
  return s;
}

/**
 * Links made before per-layer widths say `depth=3&width=8`: read as three layers of 8 (a
 * `hidden` key in the same link wins). A missing half takes the base's first width or depth.
 */
function legacyShape(s: LabState, q: URLSearchParams, prefix: string, problems: string[]): void {
  const depth = q.get(`${prefix}depth`);
  const width = q.get(`${prefix}width`);
  if (depth === null && width === null) return;
  const int = (raw: string | null, what: string, max: number, min: number, fallback: number) => {
    if (raw === null) return fallback;
    const v = Number(raw);
    if (raw.trim() !== "" && Number.isInteger(v) && v >= min && v <= max) return v;
    problems.push(`${prefix ? "B: " : ""}${what}: "${raw.slice(0, 60)}" is not an integer in ${min}..${max}`);
    return fallback;
  };
  const d = int(depth, "hidden layers", LAB_LIMITS.maxDepth, 0, s.hidden.length);
  const w = int(width, "width", LAB_LIMITS.maxWidth, 1, s.hidden[0] ?? 16);
  s.hidden = layers(d, w);
}

/** The state of a URL query; B is given as overrides of A prefixed with "b." (cmp=1 turns comparing on). */
export function parseUrl(search: string): ParsedUrl {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  const a = parseInto(DEFAULT_STATE, q, "", problems);
  const b = q.get("cmp") === "1" ? parseInto(a, q, "b.", problems) : null;
  const preset = q.get("preset");
  const view: PageView = { ...DEFAULT_VIEW };
  const metric = q.get("bview");
  if (metric !== null) {
    if ((BLOCK_METRICS as readonly string[]).includes(metric)) view.blockMetric = metric as BlockMetric;
    else problems.push(`block chart: "${metric.slice(0, 60)}" is not one of ${BLOCK_METRICS.join(", ")}`);
  }
  return { a, b, preset: preset && /^[a-z0-9-]{1,40}$/.test(preset) ? preset : null, view, problems };
}

/** The URL query of a state: only the values that differ from the defaults (B: from A), then the page's view. */
export function toUrl(
  a: LabState,
  b: LabState | null,
  preset: string | null,
  view: PageView = DEFAULT_VIEW,
): string {
  const q = new URLSearchParams();
  if (preset) q.set("preset", preset);
  for (const f of FIELDS)
    if (!sameValue(a[f.key], DEFAULT_STATE[f.key])) q.set(f.url, fieldText(f, a[f.key]));
  if (b) {
    q.set("cmp", "1");
    for (const f of FIELDS) if (!sameValue(b[f.key], a[f.key])) q.set(`b.${f.url}`, fieldText(f, b[f.key]));
  }
  if (view.blockMetric) q.set("bview", view.blockMetric);
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
export function dataShape(data: LabDataset, features?: string): { inputDim: number; numClasses: number } {
  if (!isTwoD(data)) return { inputDim: 784, numClasses: 10 };
  // a 2-D set's inputs are its features (x1, x2, x1sq, ...; src/data/features.ts)
  const inputDim = features ? features.split(",").filter((f) => f.trim() !== "").length || 2 : 2;
  return { inputDim, numClasses: REGRESSION_DATASETS.includes(data) ? 1 : 2 };
}

/** Test examples used with a state. */
export function testSamples(s: LabState): number {
  return isTwoD(s.data) ? SYNTHETIC_SIZE : IMAGE_TEST_SIZE;
}

/** Checks the network and data sizes against LAB_LIMITS (UserError naming the value over its limit). */
export function checkLabState(s: LabState): void {
  const { inputDim, numClasses } = dataShape(s.data, s.features);
  checkNetworkShape({ inputDim, hidden: hiddenOf(s), outputDim: numClasses, batchSize: s.batchSize });
  if (isTwoD(s.data) && s.samples > SYNTHETIC_SIZE) {
    throw new UserError(`training examples: a 2-D set has ${SYNTHETIC_SIZE}, got ${s.samples}`);
  }
}

/** The hidden layers' widths of a state (a copy). */
export function hiddenOf(s: LabState): number[] {
  return [...s.hidden];
}
