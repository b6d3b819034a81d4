import { statSync } from "node:fs";
import { UserError } from "../errors.js";
import type { SweepSpec } from "./sweep-file.js";

/**
 * The most runs one sweep may plan unless `--max-runs` says otherwise. Planning resolves and
 * hashes every run and the store keeps one plan row per run, so a typo that multiplies axes
 * (10^6 points) is refused before anything is expanded or written. 10,000 runs of the examples'
 * size take hours on one machine; a larger sweep is a deliberate `--max-runs`.
 */
export const DEFAULT_MAX_SWEEP_RUNS = 10_000;

/** The largest sweep file read (bytes). Sweep files are a few hundred bytes; 1 MiB leaves ample room. */
export const MAX_SWEEP_FILE_BYTES = 1024 * 1024;

/**
 * How many runs a sweep expands to before duplicates are dropped: explicit points times the
 * product of the axis lengths, counted without expanding anything. `grid: {}` and an empty axis
 * are errors (an empty grid would otherwise silently be one run with every default).
 */
export function countSweepRuns(spec: SweepSpec): number {
  const axes = spec.grid ? Object.entries(spec.grid) : [];
  if (spec.grid && axes.length === 0) {
    throw new UserError(`sweep ${spec.name}: grid: {} has no axes; give at least one axis or leave grid out`);
  }
  let n = spec.runs?.length ?? 1;
  for (const [key, values] of axes) {
    const len = Array.isArray(values) ? values.length : 0;
    if (len === 0) throw new UserError(`sweep ${spec.name}: grid.${key} is empty; give at least one value`);
    n *= len;
  }
  return n;
}

/** Throws a UserError when the sweep would plan more than `maxRuns` runs. */
export function checkSweepSize(spec: SweepSpec, maxRuns = DEFAULT_MAX_SWEEP_RUNS): number {
  const n = countSweepRuns(spec);
  if (n > maxRuns) {
    const axes = Object.entries(spec.grid ?? {}).map(([k, v]) => `${k} ${(v as unknown[]).length}`);
    const points = spec.runs ? [`runs ${spec.runs.length}`] : [];
    throw new UserError(
      `sweep ${spec.name}: ${n} runs (${[...points, ...axes].join(" x ")}) is over the limit of ${maxRuns}; ` +
        "split the sweep or raise the limit with --max-runs N",
    );
  }
  return n;
}

/** Refuses a sweep file over MAX_SWEEP_FILE_BYTES (or not a regular file) before reading it. */
export function checkSweepFileSize(path: string, maxBytes = MAX_SWEEP_FILE_BYTES): void {
  let size: number;
  let regular: boolean;
  try {
    const st = statSync(path);
    size = st.size;
    regular = st.isFile();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UserError(`cannot read sweep file ${path}: ${err.code ?? err.message}`);
  }
  if (!regular) throw new UserError(`sweep file ${path} is not a regular file`);
  if (size > maxBytes)
    throw new UserError(`sweep file ${path} has ${size} bytes, over the limit of ${maxBytes} bytes`);
}
