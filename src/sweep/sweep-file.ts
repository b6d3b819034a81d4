import { readFileSync } from "node:fs";
import { extname } from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { UserError } from "../errors.js";
import { closestName } from "../train/closest-name.js";
import { SETTING_KEYS, type TrainConfig, trainConfigSchema } from "../train/config.js";
import { parseSizesText } from "../train/setting-kinds.js";
import { settingOf } from "../train/settings.js";

/** Train keys a sweep file may not set, and why (the settings table's `sweep`). */
const FORBIDDEN: Partial<Record<keyof TrainConfig, string>> = Object.fromEntries(
  SETTING_KEYS.flatMap((k) => {
    const why = settingOf(k).sweep;
    return why === true ? [] : [[k, why]];
  }),
);

const SHAPE = trainConfigSchema.shape;
/** The keys a sweep file's base, runs and grid may set: the settings table's, less FORBIDDEN. */
export const SWEEP_CONFIG_KEYS = SETTING_KEYS.filter((k) => !(k in FORBIDDEN));
const TOP_KEYS = ["name", "description", "base", "grid", "runs"] as const;

const partialConfig = z
  .object(Object.fromEntries(SWEEP_CONFIG_KEYS.map((k) => [k, SHAPE[k].optional()])))
  .strict();
const gridSchema = z
  .object(Object.fromEntries(SWEEP_CONFIG_KEYS.map((k) => [k, z.array(SHAPE[k]).min(1).optional()])))
  .strict();

/**
 * A sweep file (YAML or JSON). Keys are the `train` flags in camelCase.
 *   name: the sweep's name in the store (letters, digits, ".", "_", "-")
 *   base: a partial train config every run starts from
 *   grid: axes, each a non-empty list of values; the runs are their product
 *   runs: explicit partial configs ("points"); each is crossed with the grid (default: one empty point)
 * A key is set by base, then the point, then the grid value; a key may not be both in a point
 * and in the grid.
 */
export const sweepFileSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        "expected 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
    description: z.string().optional(),
    base: partialConfig.optional(),
    grid: gridSchema.optional(),
    runs: z.array(partialConfig).min(1).optional(),
  })
  .strict();

export type PartialTrainConfig = Partial<TrainConfig>;

export interface SweepSpec {
  name: string;
  description?: string;
  base?: PartialTrainConfig;
  grid?: { [K in keyof TrainConfig]?: TrainConfig[K][] };
  runs?: PartialTrainConfig[];
}

/** Reads and validates a sweep file; every problem is reported at once, naming its key. */
export function readSweepFile(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read sweep file ${path}: ${(e as Error).message}`);
  }
  return parseSweepText(text, path);
}

/** Parses YAML or JSON text (JSON when the name ends in .json) and validates it. */
export function parseSweepText(text: string, file = "<sweep>"): SweepSpec {
  let doc: unknown;
  try {
    doc =
      extname(file).toLowerCase() === ".json" ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (e) {
    throw new UserError(
      `${file}: not valid ${extname(file) === ".json" ? "JSON" : "YAML"}: ${(e as Error).message}`,
    );
  }
  return validateSweep(doc, file);
}

export function validateSweep(doc: unknown, file = "<sweep>"): SweepSpec {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new UserError(`${file}: expected a mapping with keys ${TOP_KEYS.join(", ")}`);
  }
  const problems: string[] = [];
  const normalized = expandHiddenStrings(doc as Record<string, unknown>, problems);
  const r = sweepFileSchema.safeParse(normalized);
  if (!r.success) {
    const seen = new Set(problems.map((p) => p.slice(0, p.indexOf(":"))));
    problems.push(...r.error.issues.filter((i) => !seen.has(pathText(i.path))).map(describeIssue));
  }
  if (problems.length > 0)
    throw new UserError(`${file}: invalid sweep file:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  const spec = inFileOrder(r.data as SweepSpec, normalized);
  if (!spec.grid && !spec.runs && !spec.base) {
    throw new UserError(`${file}: the sweep has no runs: give base, grid and/or runs`);
  }
  return spec;
}

/** zod returns keys in schema order; the grid's first axis must stay the outermost one. */
function inFileOrder(spec: SweepSpec, doc: Record<string, unknown>): SweepSpec {
  const reorder = <T extends object>(parsed: T | undefined, raw: unknown): T | undefined => {
    if (!parsed || !raw || typeof raw !== "object") return parsed;
    const p = parsed as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(raw)
        .filter((k) => k in p)
        .map((k) => [k, p[k]]),
    ) as T;
  };
  const out: SweepSpec = { ...spec };
  if (spec.base) out.base = reorder(spec.base, doc.base);
  if (spec.grid) out.grid = reorder(spec.grid, doc.grid);
  if (spec.runs) out.runs = spec.runs.map((r, i) => reorder(r, (doc.runs as unknown[])[i]) ?? r);
  return out;
}

function pathText(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s === "" ? "(top level)" : s;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = pathText(issue.path);
  if (issue.code === "unrecognized_keys") {
    const top = issue.path.length === 0;
    const valid = top ? TOP_KEYS.join(", ") : SWEEP_CONFIG_KEYS.join(", ");
    return issue.keys
      .map((k) => {
        const why = !top && k in FORBIDDEN ? `: ${FORBIDDEN[k as keyof TrainConfig]}` : "";
        const near = why === "" ? closestName(k, top ? TOP_KEYS : SWEEP_CONFIG_KEYS) : null;
        const hint = near ? ` (did you mean ${near}?)` : "";
        return `${top ? "" : `${where}.`}${k}: unknown key${why}${hint}; valid keys: ${valid}`;
      })
      .join("\n  ");
  }
  return `${where}: ${issue.message}`;
}

/**
 * `hidden` may be written like the --hidden flag: "256,256" or "100x8" (eight layers of 100).
 * Strings are expanded to arrays here, before validation.
 */
function expandHiddenStrings(doc: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const fix = (v: unknown, where: string): unknown => {
    if (typeof v !== "string") return v;
    const sizes = parseSizesText(v);
    if (sizes === null) {
      problems.push(
        `${where}: expected a list of positive integers or a string like "256,256" or "100x8", got "${v}"`,
      );
      return v;
    }
    return sizes;
  };
  const out: Record<string, unknown> = { ...doc };
  const fixConfig = (c: unknown, where: string): unknown =>
    c && typeof c === "object" && !Array.isArray(c) && "hidden" in c
      ? { ...c, hidden: fix((c as { hidden: unknown }).hidden, `${where}.hidden`) }
      : c;
  out.base = fixConfig(out.base, "base");
  if (Array.isArray(out.runs)) out.runs = out.runs.map((c, i) => fixConfig(c, `runs[${i}]`));
  const grid = out.grid as Record<string, unknown> | undefined;
  if (grid && typeof grid === "object" && Array.isArray(grid.hidden)) {
    out.grid = { ...grid, hidden: grid.hidden.map((v, i) => fix(v, `grid.hidden[${i}]`)) };
  }
  for (const k of ["base", "runs", "grid"]) if (out[k] === undefined) delete out[k];
  return out;
}
