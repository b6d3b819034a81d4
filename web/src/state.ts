import { UserError } from "../../src/errors.js";
import { parseInit } from "../../src/init/index.js";
import { parseActivation } from "../../src/nn/activations.js";
import { checkNetworkShape, LAB_LIMITS } from "../../src/train/limits.js";

/**
 * The whole state of one lab run, and its URL form. As in TensorFlow Playground's state.ts, one
 * declarative table (FIELDS) lists every setting with its URL key, type and range; parsing and
 * serializing both walk that table, so a link reproduces the same (seeded) run.
 */
export const LAB_DATASETS = ["circle", "xor", "gauss", "spiral", "mnist", "fashion-mnist"] as const;
export type LabDataset = (typeof LAB_DATASETS)[number];
export const TWO_D_DATASETS: readonly LabDataset[] = ["circle", "xor", "gauss", "spiral"];
export const PREPROCESS_MODES = ["raw", "unit", "symmetric", "standardize"] as const;
export const OPTIMIZERS = ["sgd", "adam"] as const;
export const LOSSES = ["cross_entropy", "mse", "bce"] as const;
export const BACKENDS = ["auto", "wasm", "ts"] as const;

export interface LabState {
  data: LabDataset;
  preprocess: (typeof PREPROCESS_MODES)[number];
  /** 2-D sets: label noise / spread, 0..0.5. */
  noise: number;
  /** Training examples (MNIST: the first N; 2-D: how many to generate). */
  samples: number;
  /** Hidden layers and their common width. */
  depth: number;
  width: number;
  activation: string;
  init: string;
  biasInit: string;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  momentum: number;
  batchSize: number;
  loss: (typeof LOSSES)[number];
  seed: number;
  /** Training stops after this many steps. */
  steps: number;
  /** Per-layer statistics every this many steps. */
  probeEvery: number;
  /** Examples in the fixed probe batch. */
  probeBatch: number;
  backend: (typeof BACKENDS)[number];
}

type Kind =
  | { type: "enum"; values: readonly string[] }
  | { type: "int"; min: number; max: number }
  | { type: "number"; min: number; max: number }
  | { type: "spec" };

export interface Field {
  key: keyof LabState;
  /** Name in the URL. */
  url: string;
  label: string;
  kind: Kind;
}

export const FIELDS: readonly Field[] = [
  { key: "data", url: "data", label: "data set", kind: { type: "enum", values: LAB_DATASETS } },
  {
    key: "preprocess",
    url: "prep",
    label: "preprocessing",
    kind: { type: "enum", values: PREPROCESS_MODES },
  },
  { key: "noise", url: "noise", label: "noise", kind: { type: "number", min: 0, max: 0.5 } },
  {
    key: "samples",
    url: "n",
    label: "training examples",
    kind: { type: "int", min: 10, max: LAB_LIMITS.maxTrain },
  },
  {
    key: "depth",
    url: "depth",
    label: "hidden layers",
    kind: { type: "int", min: 0, max: LAB_LIMITS.maxDepth },
  },
  { key: "width", url: "width", label: "width", kind: { type: "int", min: 1, max: LAB_LIMITS.maxWidth } },
  { key: "activation", url: "act", label: "activation", kind: { type: "spec" } },
  { key: "init", url: "init", label: "weight init", kind: { type: "spec" } },
  { key: "biasInit", url: "bias", label: "bias init", kind: { type: "spec" } },
  { key: "optimizer", url: "opt", label: "optimizer", kind: { type: "enum", values: OPTIMIZERS } },
  { key: "lr", url: "lr", label: "learning rate", kind: { type: "number", min: 1e-7, max: 100 } },
  { key: "momentum", url: "mom", label: "momentum", kind: { type: "number", min: 0, max: 0.999 } },
  {
    key: "batchSize",
    url: "batch",
    label: "batch size",
    kind: { type: "int", min: 1, max: LAB_LIMITS.maxBatch },
  },
  { key: "loss", url: "loss", label: "loss", kind: { type: "enum", values: LOSSES } },
  { key: "seed", url: "seed", label: "seed", kind: { type: "int", min: 0, max: 4294967295 } },
  {
    key: "steps",
    url: "steps",
    label: "stop at step",
    kind: { type: "int", min: 1, max: LAB_LIMITS.maxSteps },
  },
  { key: "probeEvery", url: "probe", label: "probe every", kind: { type: "int", min: 1, max: 100000 } },
  { key: "probeBatch", url: "pb", label: "probe examples", kind: { type: "int", min: 8, max: 1024 } },
  { key: "backend", url: "backend", label: "backend", kind: { type: "enum", values: BACKENDS } },
];

export const DEFAULT_STATE: LabState = {
  data: "spiral",
  preprocess: "standardize",
  noise: 0.1,
  samples: 500,
  depth: 4,
  width: 16,
  activation: "tanh",
  init: "xavier_uniform",
  biasInit: "zeros",
  optimizer: "sgd",
  lr: 0.03,
  momentum: 0.9,
  batchSize: 32,
  loss: "cross_entropy",
  seed: 1,
  steps: 3000,
  probeEvery: 10,
  probeBatch: 128,
  backend: "auto",
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
  const specs: [keyof LabState, (spec: string) => unknown][] = [
    ["activation", parseActivation],
    ["init", parseInit],
    ["biasInit", parseInit],
  ];
  for (const [key, parse] of specs) {
    try {
      parse(String(s[key]));
    } catch (e) {
      problems.push(`${prefix ? "B: " : ""}${(e as Error).message.slice(0, 160)}; using ${base[key]}`);
      (s as unknown as Record<string, unknown>)[key] = base[key];
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
  return isTwoD(data) ? { inputDim: 2, numClasses: 2 } : { inputDim: 784, numClasses: 10 };
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
