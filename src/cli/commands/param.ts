import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { formatFixed, formatSignificant } from "../../math/format-number.js";
import {
  PARAMETRIZATIONS,
  type ParametrizationName,
  parametrizationRules,
} from "../../nn/parametrization.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { formatTable } from "../../sweep/text-table.js";
import { dataOptionsOf, resolveConfig } from "../../train/config.js";
import { coordCheck, coordVerdicts } from "../../train/coord-check.js";
import { checkResources } from "../../train/resources.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { parseChoice, parseInteger, parseSizes } from "../parse.js";
import { addTrainOptions, configFromOptions } from "../train-options.js";

/**
 * `initlab param describe NAME --width N --base-width N0`: every multiplier a parametrization
 * applies to each layer of a concrete MLP (init std, SGD and Adam learning rates, forward), as
 * multipliers of what the standard parametrization applies (src/nn/parametrization.ts).
 */
export function paramCommand(io: CliIO): Command {
  const cmd = new Command("param").description(
    "parametrizations (sp, ntk, mup): what each applies per layer",
  );
  cmd
    .command("describe")
    .description(
      "the per-layer init and learning-rate multipliers of a parametrization for a concrete network",
    )
    .argument("<name>", PARAMETRIZATIONS.join(" | "), parseChoice("parametrization", PARAMETRIZATIONS))
    .option("--width <n>", "hidden width (default 1024)", parseInteger("--width", 1), 1024)
    .option(
      "--base-width <n>",
      "base width (muP's base shapes; default 64)",
      parseInteger("--base-width", 1),
      64,
    )
    .option("--depth <n>", "hidden layers (default 2)", parseInteger("--depth", 1), 2)
    .option("--inputs <n>", "input features (default 784)", parseInteger("--inputs", 1), 784)
    .option("--outputs <n>", "outputs (default 10)", parseInteger("--outputs", 1), 10)
    .option("--readout-zero", "initialize the output layer to zero")
    .option("--json", "print one JSON document")
    .action((name: ParametrizationName, opts) => {
      const sizes = [opts.inputs, ...Array.from({ length: opts.depth }, () => opts.width), opts.outputs];
      const common = {
        parametrization: name,
        baseWidth: opts.baseWidth,
        readoutZero: Boolean(opts.readoutZero),
      };
      const sgd = parametrizationRules(sizes, { ...common, optimizer: "sgd" });
      const adam = parametrizationRules(sizes, { ...common, optimizer: "adam" });
      const layers = sgd.map((r, l) => ({
        layer: l,
        role: r.role,
        shape: [r.fanOut, r.fanIn],
        mIn: r.mIn,
        mOut: r.mOut,
        initStd: r.zero ? 0 : r.initStd,
        initVariance: r.zero ? 0 : r.initStd ** 2,
        sgd: { weightLr: r.weightLr, biasLr: r.biasLr },
        adam: { weightLr: adam[l].weightLr, biasLr: adam[l].biasLr },
        forward: r.forward,
      }));
      if (opts.json)
        return printJson(io, { parametrization: name, sizes, baseWidth: opts.baseWidth, layers });
      const g = (x: number) => formatSignificant(x, 4);
      io.stdout(
        `${name} for ${sizes.join("-")} (base width ${opts.baseWidth}, m = ${g(opts.width / opts.baseWidth)}): ` +
          "multipliers of what the standard parametrization applies (initializer's std, the run's --lr and --weight-decay divided by the same)\n\n",
      );
      io.stdout(
        formatTable(
          [
            "layer",
            "role",
            "shape",
            "m_in",
            "m_out",
            "init std x",
            "init var x",
            "SGD lr x",
            "SGD bias lr x",
            "Adam lr x",
            "Adam bias lr x",
            "forward x",
          ],
          layers.map((r) => [
            r.layer,
            r.role,
            `${r.shape[0]}x${r.shape[1]}`,
            g(r.mIn),
            g(r.mOut),
            r.initStd === 0 ? "0 (zero)" : g(r.initStd),
            r.initVariance === 0 ? "0 (zero)" : g(r.initVariance),
            g(r.sgd.weightLr),
            g(r.sgd.biasLr),
            g(r.adam.weightLr),
            g(r.adam.biasLr),
            g(r.forward),
          ]),
        ),
      );
      io.stdout(
        "\nTensor Programs V (Yang et al. 2022, arXiv:2203.03466) Table 3, relative to the base width; " +
          "the mup package's readout multiplier 1/m is folded into the readout's init and rate (docs/parametrizations.md).\n",
      );
    });
  const cc = cmd
    .command("coord-check")
    .description(
      "the coordinate check: train several widths a few steps; per-layer coordinate sizes and their width exponents",
    )
    .option(
      "--widths <list>",
      "hidden widths (default 64,128,256,512,1024)",
      parseSizes("--widths"),
      [64, 128, 256, 512, 1024],
    )
    .option("--depth <n>", "hidden layers (default 2)", parseInteger("--depth", 1), 2)
    .option("--steps <n>", "training steps (default 5)", parseInteger("--steps", 1), 5)
    .option("--seeds <n>", "seeds per width, from --seed (default 3)", parseInteger("--seeds", 2), 3)
    .option("--parametrizations <list>", "sp,ntk,mup (default sp,mup)", "sp,mup")
    .option("--json", "print one JSON document (every series and every fitted exponent)")
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP);
  addTrainOptions(cc, { only: COORD_KEYS });
  cc.action(async (opts) => {
    const names = String(opts.parametrizations)
      .split(",")
      .map((s) => s.trim());
    for (const n of names) parseChoice("--parametrizations", PARAMETRIZATIONS)(n);
    const given = configFromOptions(opts);
    const base = resolveConfig({
      data: "mnist",
      trainLimit: 2000,
      testLimit: 100,
      baseWidth: opts.widths[0],
      readoutZero: true,
      momentum: 0,
      batchSize: 64,
      ...given,
    });
    const backend = await chooseBackend(base.backend, base.threads, io);
    try {
      const dataset = await loadDataset(dataOptionsOf(base));
      // the widest network, checked before anything is allocated (src/train/resources.ts)
      const widest = {
        ...base,
        hidden: Array(opts.depth).fill(Math.max(...opts.widths)),
        maxSteps: opts.steps,
      };
      checkResources(widest, dataset, machineMemoryLimit(opts.memoryLimit));
      const seeds = Array.from({ length: opts.seeds }, (_, i) => base.seed + i);
      const r = coordCheck({
        base,
        widths: opts.widths,
        depth: opts.depth,
        steps: opts.steps,
        seeds,
        parametrizations: names as ParametrizationName[],
        dataset,
        backend,
      });
      const verdicts = coordVerdicts(r);
      if (opts.json) return printJson(io, { ...r, verdicts });
      io.stdout(
        `coordinate check: ${dataset.name}, ${opts.depth} hidden layers of widths ${opts.widths.join(", ")} ` +
          `(base width ${base.baseWidth}), ${base.optimizer} lr ${base.lr}, ${opts.steps} steps, seeds ${seeds.join(", ")}` +
          `${base.readoutZero ? ", zero readout" : ""}\n` +
          "width exponent after the last step = slope of log2(size) against log2(width), mean over seeds [95% t interval]\n\n",
      );
      const f = (e: { mean: number; low: number; high: number }) =>
        `${formatFixed(e.mean, 3)} [${formatFixed(e.low, 3)}, ${formatFixed(e.high, 3)}]`;
      const rows = r.exponents
        .filter((e) => e.what === "activation")
        .map((e) => {
          const u = r.exponents.find(
            (x) => x.parametrization === e.parametrization && x.layer === e.layer && x.what === "update",
          );
          return [
            e.parametrization,
            e.layer === opts.depth ? "logits" : `hidden ${e.layer}`,
            f(e),
            u ? f(u) : "-",
          ];
        });
      io.stdout(formatTable(["param", "layer", "mean |z| exponent", "||W_t-W_0||/||W_0|| exponent"], rows));
      io.stdout(`\n${verdicts.map((v) => `${v.verdict}: ${v.claim} (${v.detail})`).join("\n")}\n`);
    } finally {
      backend.dispose();
    }
  });
  return cmd;
}

/** The run settings the coordinate check takes (the rest is fixed by it or unused). */
const COORD_KEYS = [
  "data",
  "preprocess",
  "trainLimit",
  "activation",
  "init",
  "biasInit",
  "loss",
  "optimizer",
  "lr",
  "momentum",
  "batchSize",
  "baseWidth",
  "readoutZero",
  "seed",
  "backend",
  "threads",
  "probeBatch",
] as const;
