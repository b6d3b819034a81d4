import { UserError } from "../errors.js";
import type { BackendName } from "../kernels/backend.js";
import { decideBackend } from "../kernels/registry.js";
import { ConfigError, resolveConfig, type TrainConfig } from "../train/config.js";
import { formatValue } from "./format-value.js";
import { runId } from "./run-id.js";
import type { PartialTrainConfig, SweepSpec } from "./sweep-file.js";

/** One run of a sweep: its id (hash), resolved config and the values that vary across the sweep. */
export interface PlannedRun {
  id: string;
  config: TrainConfig;
  axes: Record<string, unknown>;
}

export interface SweepPlan {
  name: string;
  spec: SweepSpec;
  runs: PlannedRun[];
  /** Grid points that resolved to a run already in the plan (e.g. a repeated value). */
  duplicates: number;
  /** The keys that vary (grid axes and keys set by explicit runs), in file order. */
  axisKeys: string[];
}

/** The backend "auto" means on this machine: the fastest available (native, then wasm, then ts). */
export function autoBackend(): BackendName {
  return decideBackend("auto").name;
}

/**
 * Expands a sweep into runs: every explicit run (or one empty point) crossed with the product of
 * the grid axes, the first axis outermost. Each run's config is base <- point <- grid values,
 * resolved with the train defaults; `backend: auto` becomes the concrete backend of this machine
 * (`auto` would let each worker pick its own and change the bits), and threads is 1.
 * Every config is validated by resolveConfig (values, spec strings, per-layer counts) before
 * anything runs: all problems are reported at once.
 */
export function planSweep(spec: SweepSpec, options: { backend?: BackendName } = {}): SweepPlan {
  const grid = Object.entries(spec.grid ?? {}) as [string, unknown[]][];
  const points: PartialTrainConfig[] = spec.runs ?? [{}];
  const problems: string[] = [];
  points.forEach((p, i) => {
    for (const k of Object.keys(p)) {
      if (spec.grid && k in spec.grid)
        problems.push(`runs[${i}].${k} is also a grid axis: set a key in the grid or in the runs, not both`);
    }
  });
  if (problems.length) throw new UserError(`sweep ${spec.name}:\n  ${problems.join("\n  ")}`);
  const axisKeys = [...new Set([...points.flatMap((p) => Object.keys(p)), ...grid.map(([k]) => k)])];
  const backend = options.backend ?? autoBackend();
  const runs: PlannedRun[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const point of points) {
    for (const cell of product(grid)) {
      const axes: Record<string, unknown> = { ...point, ...cell };
      const merged: Record<string, unknown> = { ...spec.base, ...point, ...cell, threads: 1 };
      if (merged.backend === undefined || merged.backend === "auto") merged.backend = backend;
      let config: TrainConfig;
      try {
        config = resolveConfig(merged);
      } catch (e) {
        const lines = e instanceof ConfigError ? e.problems : [(e as Error).message];
        for (const line of lines) problems.push(`run ${describeAxes(axes)}: ${line}`);
        continue;
      }
      const id = runId(config);
      if (seen.has(id)) {
        duplicates++;
        continue;
      }
      seen.add(id);
      runs.push({ id, config, axes });
    }
  }
  if (problems.length) {
    const unique = [...new Set(problems)];
    const shown = unique.slice(0, 20);
    const more = unique.length > shown.length ? `\n  ... and ${unique.length - shown.length} more` : "";
    throw new UserError(`sweep ${spec.name}: invalid runs:\n  ${shown.join("\n  ")}${more}`);
  }
  return { name: spec.name, spec, runs, duplicates, axisKeys };
}

function* product(axes: [string, unknown[]][]): Generator<Record<string, unknown>> {
  if (axes.length === 0) {
    yield {};
    return;
  }
  const [[key, values], ...rest] = axes;
  for (const v of values) for (const tail of product(rest)) yield { [key]: v, ...tail };
}

/** `{init: "he_normal", seed: 1}` -> `init=he_normal seed=1` (for messages and progress). */
export function describeAxes(axes: Record<string, unknown>): string {
  const parts = Object.entries(axes).map(([k, v]) => `${k}=${formatValue(v)}`);
  return parts.length ? parts.join(" ") : "(base)";
}
