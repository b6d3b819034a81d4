import { z } from "zod";
import { PLANE_NAMES } from "../data/names.js";
import { REGRESSION_NAMES } from "../data/regression.js";
import type { DataOptions } from "../data/types.js";
import { UserError } from "../errors.js";
import { type Initializer, parseInit } from "../init/index.js";
import type { Activation } from "../nn/activation.js";
import { parseActivation } from "../nn/activations.js";
import { type ArchitectureSpec, architectureProblem } from "../nn/architecture.js";
import { splitTopLevel } from "../nn/layer-specs.js";
import { closestName } from "./closest-name.js";
import { kindProblem } from "./setting-kinds.js";
import {
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  settingOf,
  TRAIN_DEFAULTS,
  type TrainConfig,
} from "./settings.js";

export { SETTING_KEYS, SETTINGS, type SettingKey, TRAIN_DEFAULTS, type TrainConfig } from "./settings.js";

/*
 * A run's configuration: the settings table (settings.ts) resolved. Every surface (CLI flags,
 * sweep files, the browser lab, the library) resolves to one TrainConfig through resolveConfig,
 * which fills the defaults and checks every key, every spec string and the per-layer counts
 * before anything is loaded or built, with the same message wherever the value came from. A run
 * record stores the resolved config, so a run is reproducible from its record alone.
 */

/** A configuration with bad keys or values: every problem, one line each ("key: reason"). */
export class ConfigError extends UserError {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
  }
}

/** The initializers and activations of a config, parsed (one per layer). */
export interface ParsedSpecs {
  /** One per hidden layer (one even without hidden layers, so a typo is never silent). */
  activations: Activation[];
  /** One per dense layer (hidden layers, then the output layer). */
  inits: Initializer[];
  biasInit: Initializer;
}

/** Why `value` is not a valid value of setting `key` ("key: reason"), or null. */
export function settingProblem(key: SettingKey, value: unknown): string | null {
  const s = settingOf(key);
  const p = kindProblem(s.kind, value, s.nullable);
  return p === null ? null : `${key}: ${p}`;
}

/**
 * Why a spec value is not valid for a network with `hiddenLayers` hidden layers ("key: reason"),
 * or null. Checks the per-layer count, then parses every part: the message a bad initializer or
 * activation gets on every surface.
 */
export function specProblem(
  key: "activation" | "init" | "biasInit",
  value: string,
  hiddenLayers: number,
): string | null {
  const kindIssue = settingProblem(key, value);
  if (kindIssue) return kindIssue;
  const parts = splitTopLevel(value);
  const count = key === "activation" ? Math.max(1, hiddenLayers) : key === "init" ? hiddenLayers + 1 : 1;
  if (parts.length !== 1 && parts.length !== count) {
    const what = key === "activation" ? "hidden layers" : "layers";
    return `${key}: ${parts.length} specs (${parts.join(", ")}) for ${count} ${what}; give one, or one per layer`;
  }
  const parse = key === "activation" ? parseActivation : parseInit;
  for (const part of parts) {
    try {
      parse(part);
    } catch (e) {
      if (e instanceof UserError) return `${key}: ${e.message}`;
      throw e;
    }
  }
  return null;
}

const parsedOf = new WeakMap<TrainConfig, ParsedSpecs>();

/** The parsed specs of a config; parsed once per resolved config object. */
export function parsedSpecs(config: TrainConfig): ParsedSpecs {
  let p = parsedOf.get(config);
  if (!p) {
    const count = (spec: string, n: number) => {
      const parts = splitTopLevel(spec);
      return parts.length === 1 ? Array.from({ length: n }, () => parts[0]) : parts;
    };
    const hidden = config.hidden.length;
    p = {
      activations: count(config.activation, Math.max(1, hidden)).map(parseActivation),
      inits: count(config.init, hidden + 1).map(parseInit),
      biasInit: parseInit(config.biasInit),
    };
    parsedOf.set(config, p);
  }
  return p;
}

/** Every problem of a merged config, one line each ("key: reason"). */
function configProblems(merged: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(merged)) {
    if (k in SETTINGS) continue;
    const near = closestName(k, SETTING_KEYS);
    problems.push(
      `unknown key "${k}"${near ? ` (did you mean ${near}?)` : ""}; valid keys: ${SETTING_KEYS.join(", ")}`,
    );
  }
  for (const k of SETTING_KEYS) {
    const p = settingProblem(k, merged[k]);
    if (p) problems.push(p);
  }
  if (problems.length > 0) return problems;
  const hidden = (merged.hidden as number[]).length;
  for (const k of ["activation", "init", "biasInit"] as const) {
    const p = specProblem(k, merged[k] as string, hidden);
    if (p) problems.push(p);
  }
  if (merged.features !== TRAIN_DEFAULTS.features && !PLANE_NAMES.includes(merged.data as string)) {
    problems.push(
      `features: ${merged.features} applies to the 2-D sets only (${PLANE_NAMES.join(", ")}), not ${merged.data}`,
    );
  }
  if ((REGRESSION_NAMES as readonly string[]).includes(merged.data as string) && merged.loss !== "mse") {
    problems.push(
      `loss: ${merged.data} is a regression set (a real target per example): it needs loss mse, not ${merged.loss}`,
    );
  }
  const arch = architectureProblem(merged.hidden as number[], architectureOf(merged as TrainConfig));
  if (arch) problems.push(arch);
  return problems;
}

/**
 * Fills defaults and checks every value (ranges, choices, spec strings, per-layer counts); a bad
 * key or value is a UserError naming it, with every problem at once. A key set to undefined
 * takes its default, as if absent (callers can spread optional values).
 */
export function resolveConfig(partial: Partial<TrainConfig> & Record<string, unknown>): TrainConfig {
  return resolveConfigParsed(partial).config;
}

/** resolveConfig, with the parsed initializers and activations beside the spec strings. */
export function resolveConfigParsed(partial: Partial<TrainConfig> & Record<string, unknown>): {
  config: TrainConfig;
  parsed: ParsedSpecs;
} {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const merged: Record<string, unknown> = { ...structuredClone(TRAIN_DEFAULTS), ...given };
  const problems = configProblems(merged);
  if (problems.length > 0) throw new ConfigError(problems);
  const config = Object.fromEntries(SETTING_KEYS.map((k) => [k, merged[k]])) as TrainConfig;
  return { config, parsed: parsedSpecs(config) };
}

/**
 * The zod schema of a TrainConfig, derived from the table (for sweep files and other structured
 * input): each key checked by the table's rule, with the same message as resolveConfig.
 */
export const trainConfigSchema = z
  .object(
    Object.fromEntries(
      SETTING_KEYS.map((k) => [
        k,
        z.custom<unknown>().superRefine((v, ctx) => {
          const s = settingOf(k);
          const p = kindProblem(s.kind, v, s.nullable);
          if (p) ctx.addIssue({ code: "custom", message: p });
        }),
      ]),
    ) as unknown as { [K in SettingKey]: z.ZodType<TrainConfig[K]> },
  )
  .strict();

/** The residual and normalization structure a config asks for (src/nn/architecture.ts). */
export function architectureOf(config: TrainConfig): ArchitectureSpec {
  return {
    residual: config.residual as ArchitectureSpec["residual"],
    branchScale: config.branchScale,
    branchConst: config.branchConst,
    norm: config.norm,
    normPlace: config.normPlace,
    branchInit: config.branchInit,
  };
}

/** The loadDataset options a config names: its data set, preprocessing, limits, seed, noise, features and CSV target. */
export function dataOptionsOf(config: TrainConfig): DataOptions {
  return {
    data: config.data,
    preprocess: config.preprocess,
    trainLimit: config.trainLimit ?? undefined,
    testLimit: config.testLimit ?? undefined,
    seed: config.seed,
    noise: config.noise,
    target: config.target ?? undefined,
    ...(config.features !== TRAIN_DEFAULTS.features ? { features: config.features } : {}),
  };
}
