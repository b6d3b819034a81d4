import { DATASET_NAMES } from "../data/index.js";
import { UserError } from "../errors.js";
import { parseInit } from "../init/index.js";
import { parseActivation } from "../nn/activations.js";
import { splitTopLevel } from "../nn/network.js";
import type { TrainConfig } from "../train/config.js";

/**
 * Checks what the schema cannot (data set names, spec strings and per-layer counts) without building anything,
 * so a typo in an initializer or activation name stops a sweep before its first run instead of
 * failing every run that uses it. Returns the problem, or null.
 */
export function preflightProblem(config: TrainConfig): string | null {
  const known = DATASET_NAMES.filter((n) => !n.includes(":"));
  if (!known.includes(config.data) && !config.data.startsWith("csv:")) {
    return `data: unknown data set "${config.data}"; valid: ${[...known, "csv:PATH"].join(", ")}`;
  }
  const nLayers = config.hidden.length + 1;
  const checks: [string, string, number, (s: string) => unknown][] = [
    ["activation", config.activation, nLayers - 1 || 1, parseActivation],
    ["init", config.init, nLayers, parseInit],
    ["biasInit", config.biasInit, 1, parseInit],
  ];
  for (const [key, value, count, parse] of checks) {
    const parts = splitTopLevel(value);
    if (parts.length !== 1 && parts.length !== count) {
      return `${key}: "${value}" gives ${parts.length} values for ${count} layers; give one, or one per layer`;
    }
    for (const p of parts) {
      try {
        parse(p);
      } catch (e) {
        if (e instanceof UserError) return `${key}: ${e.message}`;
        throw e;
      }
    }
  }
  return null;
}
