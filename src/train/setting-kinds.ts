import { nameListProblem } from "../data/features.js";
import { UserError } from "../errors.js";

/*
 * The value kinds of the settings table (settings.ts): how a value of each kind is checked, read
 * from text (a CLI flag, a URL key) and written back as text. Every surface (CLI, sweep files,
 * the lab's links and form, the library's resolveConfig) checks a value with `problem()`, so a
 * bad value gets the same message everywhere.
 */

export type Kind =
  | { type: "choice"; values: readonly string[] }
  | { type: "int"; min: number; max: number }
  | { type: "number"; min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { type: "bool" }
  | { type: "sizes"; maxWidth: number; maxLayers: number }
  | { type: "spec"; what: "activation" | "initializer"; perLayer: boolean; maxLength: number }
  | { type: "data"; names: readonly string[] }
  | { type: "text"; maxLength: number }
  /** A comma-separated list of distinct names of `values` ("x1,x2,x1x2"), in a chosen order. */
  | { type: "list"; values: readonly string[] };

/** Longest text of a number in a message (values are quoted, never dumped whole). */
const SHOWN = 60;

/** A value as a message shows it: strings quoted and cut, everything else as JSON would print it. */
export function shown(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}...` : value);
  if (typeof value === "number") return String(value);
  if (Array.isArray(value))
    return `[${value.slice(0, 8).map(shown).join(", ")}${value.length > 8 ? ", ..." : ""}]`;
  const t = JSON.stringify(value);
  return t === undefined ? String(value) : t.length > SHOWN ? `${t.slice(0, SHOWN)}...` : t;
}

/** Words for the allowed values: "sgd | adam", "an integer in 1..65536", "a number > 0". */
export function allowedText(kind: Kind, nullable: boolean): string {
  const orNull = nullable ? " (or none)" : "";
  switch (kind.type) {
    case "choice":
      return kind.values.join(" | ");
    case "int":
      return `an integer in ${kind.min}..${kind.max}${orNull}`;
    case "number":
      return `a number ${rangeText(kind)}${orNull}`;
    case "bool":
      return "true | false";
    case "sizes":
      return `hidden widths like 256,256 or 100x8 (each 1..${kind.maxWidth}, at most ${kind.maxLayers} layers; none = no hidden layer)`;
    case "spec":
      return `${kind.what} spec${kind.perLayer ? ", or one per layer separated by commas" : ""}`;
    case "data":
      return `${kind.names.join(" | ")} | csv:PATH`;
    case "text":
      return `text${orNull}`;
    case "list":
      return `a comma-separated list of ${kind.values.join(" | ")}`;
  }
}

function rangeText(k: Extract<Kind, { type: "number" }>): string {
  const lo = k.minExclusive ? `> ${k.min}` : `>= ${k.min}`;
  if (!Number.isFinite(k.max)) return lo;
  if (k.min === Number.NEGATIVE_INFINITY) return k.maxExclusive ? `< ${k.max}` : `<= ${k.max}`;
  return `in ${k.minExclusive ? "(" : "["}${k.min}, ${k.max}${k.maxExclusive ? ")" : "]"}`;
}

/** Why a value is not of its kind (without the key's name), or null when it is. */
export function kindProblem(kind: Kind, value: unknown, nullable: boolean): string | null {
  if (value === null) return nullable ? null : `expected ${allowedText(kind, false)}, got null`;
  const expected = () => `expected ${allowedText(kind, nullable)}, got ${shown(value)}`;
  switch (kind.type) {
    case "choice":
      return typeof value === "string" && kind.values.includes(value)
        ? null
        : `unknown value ${shown(value)}; valid: ${kind.values.join(", ")}`;
    case "int":
      return Number.isInteger(value) && (value as number) >= kind.min && (value as number) <= kind.max
        ? null
        : expected();
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) return expected();
      const lowOk = kind.minExclusive ? value > kind.min : value >= kind.min;
      const highOk = kind.maxExclusive ? value < kind.max : value <= kind.max;
      return lowOk && highOk ? null : expected();
    }
    case "bool":
      return typeof value === "boolean" ? null : expected();
    case "sizes": {
      if (!Array.isArray(value)) return expected();
      if (value.length > kind.maxLayers)
        return `${value.length} hidden layers, over the limit of ${kind.maxLayers}`;
      const bad = value.find((w) => !Number.isInteger(w) || w < 1 || w > kind.maxWidth);
      return bad === undefined ? null : `width ${shown(bad)} is not an integer in 1..${kind.maxWidth}`;
    }
    case "spec":
      if (typeof value !== "string" || value.trim() === "") return expected();
      return value.length > kind.maxLength
        ? `a spec of ${value.length} characters, over the limit of ${kind.maxLength}`
        : null;
    case "data":
      if (typeof value !== "string") return expected();
      if (kind.names.includes(value)) return null;
      if (value.startsWith("csv:") && value.length > 4) return null;
      return `unknown data set ${shown(value)}; valid: ${kind.names.join(", ")}, csv:PATH`;
    case "text":
      if (typeof value !== "string") return expected();
      return value.length > kind.maxLength
        ? `text of ${value.length} characters, over ${kind.maxLength}`
        : null;
    case "list": {
      if (typeof value !== "string") return expected();
      const p = nameListProblem(value, kind.values);
      // one spelling per list (a run id is the config's text): no spaces around the names
      return p ?? (/\s/.test(value) ? `spaces in ${shown(value)}; write it as ${listText(value)}` : null);
    }
  }
}

/**
 * Reads a value of a kind from its text form (a CLI flag's argument, a URL value, a sweep
 * file's string for a list of widths). Throws a UserError without the key's name; the caller
 * prefixes it. Range checks are kindProblem's; this only reads.
 */
export function parseKindText(kind: Kind, text: string, nullable: boolean): unknown {
  const t = text.trim();
  if (nullable && (t === "none" || t === "null")) return null;
  const fail = () => new UserError(`expected ${allowedText(kind, nullable)}, got ${shown(text)}`);
  switch (kind.type) {
    case "choice":
    case "spec":
    case "data":
    case "text":
      return kind.type === "choice" || kind.type === "data" ? t : text;
    case "list":
      return listText(t);
    case "int":
    case "number": {
      const x = Number(t);
      if (t === "" || !Number.isFinite(x)) throw fail();
      return x;
    }
    case "bool":
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      throw fail();
    case "sizes": {
      const sizes = parseSizesText(t, kind.maxLayers);
      if (sizes === null) throw fail();
      return sizes;
    }
  }
}

/** A name list without spaces around its names ("x1, x2" -> "x1,x2"). */
function listText(text: string): string {
  return text
    .split(",")
    .map((p) => p.trim())
    .join(",");
}

/** The text form of a value (what parseKindText reads back). */
export function formatKindValue(kind: Kind, value: unknown): string {
  if (value === null) return "none";
  if (kind.type === "sizes") return sizesText(value as number[]);
  return String(value);
}

/** "256,256" -> [256, 256]; "100x8" -> eight 100s; "" or "none" -> []; null when malformed. */
export function parseSizesText(text: string, maxLayers = 1000): number[] | null {
  const t = text.trim();
  if (t === "" || t === "none") return [];
  const out: number[] = [];
  for (const part of t.split(",")) {
    const m = /^\s*(\d{1,9})\s*(?:[x*]\s*(\d{1,9}))?\s*$/.exec(part);
    if (!m) return null;
    const width = Number(m[1]);
    const times = m[2] === undefined ? 1 : Number(m[2]);
    if (width < 1 || times < 1 || out.length + times > maxLayers) return null;
    for (let i = 0; i < times; i++) out.push(width);
  }
  return out;
}

/** [100, 100, 100] -> "100x3"; [256, 128] -> "256,128"; [] -> "none". */
export function sizesText(sizes: readonly number[]): string {
  if (sizes.length === 0) return "none";
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    const n = j - i;
    runs.push(n > 1 ? `${sizes[i]}x${n}` : String(sizes[i]));
    i = j;
  }
  return runs.join(",");
}
