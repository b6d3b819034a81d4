import { createHash } from "node:crypto";
import { SETTING_KEYS, TRAIN_DEFAULTS, type TrainConfig } from "../train/config.js";
import { settingOf } from "../train/settings.js";

/**
 * Config keys that do not change a run's result and so are left out of its hash (the settings
 * table's `result: false`). `threads`: the backends sum every output element in the same order
 * whatever the thread count (see src/kernels/wasm-backend.ts), and sweep runs use one thread
 * each anyway. Everything else, including `backend` (different kernels, different bits), is part
 * of the identity.
 */
export const NON_RESULT_KEYS: readonly (keyof TrainConfig)[] = SETTING_KEYS.filter(
  (k) => !settingOf(k).result,
);

/** Keys added after runs were stored (`since` in the table): left out of the hash at their default. */
const LATER_KEYS: readonly (keyof TrainConfig)[] = SETTING_KEYS.filter(
  (k) => settingOf(k).since !== undefined,
);

/**
 * Canonical JSON: object keys sorted (recursively), no whitespace, numbers as JavaScript prints
 * them (the shortest text that round-trips; -0 as 0). Non-finite numbers and undefined are
 * refused: they have no JSON form.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
  }
  throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
}

/**
 * A run's id: the sha256 (hex) of the canonical JSON of its resolved config (every default
 * filled in by resolveConfig) without NON_RESULT_KEYS, and without the keys added later while they
 * have their default (so a run stored before a setting existed keeps its id). Equal configs, in any key order, get the
 * same id, so a run is computed once and `--resume` knows exactly what is missing.
 */
export function runId(config: TrainConfig): string {
  const c: Record<string, unknown> = { ...config };
  for (const k of NON_RESULT_KEYS) delete c[k];
  for (const k of LATER_KEYS) if (canonicalJson(c[k]) === canonicalJson(TRAIN_DEFAULTS[k])) delete c[k];
  return createHash("sha256").update(canonicalJson(c)).digest("hex");
}

/** The first 12 hex digits: how runs are shown (any unique prefix finds a run). */
export function shortId(id: string): string {
  return id.slice(0, 12);
}
