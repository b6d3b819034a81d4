import { z } from "zod";
import type { DataOptions } from "../data/types.js";
import { UserError } from "../errors.js";

/**
 * Everything that determines a training run. The CLI flags, sweep files and the browser lab
 * all resolve to this one object (keys are the `train` flags in camelCase); a run record stores
 * it with every default filled in, so a run is reproducible from its record alone.
 */
export const trainConfigSchema = z
  .object({
    data: z.string().min(1),
    preprocess: z.enum(["raw", "unit", "symmetric", "standardize"]),
    trainLimit: z.number().int().positive().nullable(),
    testLimit: z.number().int().positive().nullable(),
    target: z.string().nullable(),
    noise: z.number().min(0).max(0.5),
    hidden: z.array(z.number().int().positive().max(100000)).max(1000),
    activation: z.string().min(1),
    init: z.string().min(1),
    biasInit: z.string().min(1),
    preluShared: z.boolean(),
    loss: z.enum(["cross_entropy", "mse", "bce"]),
    optimizer: z.enum(["sgd", "adam"]),
    lr: z.number().positive(),
    momentum: z.number().min(0).max(1),
    nesterov: z.boolean(),
    weightDecay: z.number().min(0),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    eps: z.number().positive(),
    clipNorm: z.number().positive().nullable(),
    schedule: z.enum(["constant", "step", "cosine"]),
    stepEpochs: z.number().int().positive(),
    gamma: z.number().positive(),
    minLr: z.number().min(0),
    batchSize: z.number().int().positive().max(65536),
    epochs: z.number().int().positive(),
    maxSteps: z.number().int().positive().nullable(),
    seed: z.number().int().min(0).max(4294967295),
    backend: z.enum(["auto", "ts", "wasm", "native"]),
    threads: z.number().int().positive().max(256).nullable(),
    probeEvery: z.number().int().min(0),
    probeBatch: z.number().int().positive(),
    evalBatchSize: z.number().int().positive(),
    lossEvery: z.number().int().positive(),
  })
  .strict();

export type TrainConfig = z.infer<typeof trainConfigSchema>;

export const TRAIN_DEFAULTS: TrainConfig = {
  data: "mnist",
  preprocess: "standardize",
  trainLimit: null,
  testLimit: null,
  target: null,
  noise: 0,
  hidden: [256, 256],
  activation: "relu",
  init: "he_normal",
  biasInit: "zeros",
  preluShared: false,
  loss: "cross_entropy",
  optimizer: "sgd",
  lr: 0.05,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clipNorm: null,
  schedule: "constant",
  stepEpochs: 1,
  gamma: 0.1,
  minLr: 0,
  batchSize: 128,
  epochs: 1,
  maxSteps: null,
  seed: 1,
  backend: "auto",
  threads: null,
  probeEvery: 0,
  probeBatch: 128,
  evalBatchSize: 1000,
  lossEvery: 10,
};

/** The loadDataset options a config names: its data set, preprocessing, limits, seed, noise and CSV target. */
export function dataOptionsOf(config: TrainConfig): DataOptions {
  return {
    data: config.data,
    preprocess: config.preprocess,
    trainLimit: config.trainLimit ?? undefined,
    testLimit: config.testLimit ?? undefined,
    seed: config.seed,
    noise: config.noise,
    target: config.target ?? undefined,
  };
}

/**
 * Fills defaults and validates; a bad key or value is a UserError naming it and the allowed values.
 * A key set to undefined takes its default, as if absent (callers can spread optional values).
 */
export function resolveConfig(partial: Partial<TrainConfig> & Record<string, unknown>): TrainConfig {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const merged = { ...TRAIN_DEFAULTS, ...given };
  const r = trainConfigSchema.safeParse(merged);
  if (!r.success) throw new UserError(`invalid configuration:\n${formatZodError(r.error)}`);
  return r.data;
}

export function formatZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const where = i.path.length ? i.path.join(".") : "(top level)";
      if (i.code === "unrecognized_keys") {
        return `  unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}; valid keys: ${Object.keys(TRAIN_DEFAULTS).join(", ")}`;
      }
      return `  ${where}: ${i.message}`;
    })
    .join("\n");
}
