import type { Command } from "commander";
import { TRAIN_DEFAULTS, type TrainConfig } from "../train/config.js";
import { parseChoice, parseInteger, parseNumber, parseSizes } from "./parse.js";

/**
 * The model, data and optimization flags shared by `train`, `inspect` and the experiments.
 * Every flag maps to a TrainConfig key (kebab-case flag = camelCase key). Defaults are applied
 * by resolveConfig, so a flag the user did not give is simply absent here.
 */
export function addTrainOptions(cmd: Command): Command {
  const D = TRAIN_DEFAULTS;
  return cmd
    .option("--data <name>", "mnist | fashion-mnist | circle | xor | gauss | spiral | csv:PATH", undefined)
    .option("--preprocess <mode>", `raw | unit | symmetric | standardize (default ${D.preprocess})`)
    .option("--train-limit <n>", "use only the first N training examples", parseInteger("--train-limit", 1))
    .option("--test-limit <n>", "use only the first N test examples", parseInteger("--test-limit", 1))
    .option("--target <column>", "csv: the label column (default: the last one)")
    .option(
      "--noise <x>",
      "synthetic sets: noise level 0..0.5 (as TensorFlow Playground)",
      parseNumber("--noise"),
    )
    .option(
      "--hidden <sizes>",
      `hidden layer widths, e.g. 256,256 or 100x8 (default ${D.hidden.join(",")})`,
      parseSizes("--hidden"),
    )
    .option("--activation <spec>", `hidden activation, or one per layer (default ${D.activation})`)
    .option("--init <spec>", `weight initializer spec, or one per layer (default ${D.init})`)
    .option("--bias-init <spec>", `bias initializer spec (default ${D.biasInit})`)
    .option("--prelu-shared", "PReLU: one slope per layer instead of one per unit")
    .option("--loss <name>", `cross_entropy | mse | bce (default ${D.loss})`)
    .option(
      "--optimizer <name>",
      `sgd | adam (default ${D.optimizer})`,
      parseChoice("--optimizer", ["sgd", "adam"]),
    )
    .option("--lr <x>", `learning rate (default ${D.lr})`, parseNumber("--lr"))
    .option("--momentum <x>", `SGD momentum (default ${D.momentum})`, parseNumber("--momentum"))
    .option("--nesterov", "SGD: Nesterov momentum")
    .option("--weight-decay <x>", "L2 weight decay (default 0)", parseNumber("--weight-decay"))
    .option("--beta1 <x>", "Adam beta1 (default 0.9)", parseNumber("--beta1"))
    .option("--beta2 <x>", "Adam beta2 (default 0.999)", parseNumber("--beta2"))
    .option("--eps <x>", "Adam epsilon (default 1e-8)", parseNumber("--eps"))
    .option("--clip-norm <x>", "clip gradients by global norm", parseNumber("--clip-norm"))
    .option("--schedule <name>", "constant | step | cosine (default constant)")
    .option("--step-epochs <n>", "step schedule: epochs between decays", parseInteger("--step-epochs", 1))
    .option("--gamma <x>", "step schedule: decay factor (default 0.1)", parseNumber("--gamma"))
    .option("--min-lr <x>", "cosine schedule: final learning rate (default 0)", parseNumber("--min-lr"))
    .option("--batch-size <n>", `mini-batch size (default ${D.batchSize})`, parseInteger("--batch-size", 1))
    .option("--epochs <n>", `epochs (default ${D.epochs})`, parseInteger("--epochs", 1))
    .option("--max-steps <n>", "stop after N steps", parseInteger("--max-steps", 1))
    .option("--seed <n>", `random seed (default ${D.seed})`, parseInteger("--seed", 0))
    .option("--backend <name>", "auto | ts | wasm | native (default auto: the fastest available)")
    .option("--threads <n>", "threads a run may use (default: all cores)", parseInteger("--threads", 1))
    .option(
      "--probe-every <n>",
      "record per-layer probes every N steps (0 = off)",
      parseInteger("--probe-every", 0),
    )
    .option(
      "--probe-batch <n>",
      `examples per probe (default ${D.probeBatch})`,
      parseInteger("--probe-batch", 1),
    );
}

const KEYS = Object.keys(TRAIN_DEFAULTS) as (keyof TrainConfig)[];

/** The TrainConfig keys the user set on the command line (commander camel-cases flag names). */
export function configFromOptions(opts: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) if (opts[k] !== undefined) out[k] = opts[k];
  if (opts.preluShared) out.preluShared = true;
  if (opts.nesterov) out.nesterov = true;
  return out as Partial<TrainConfig>;
}
