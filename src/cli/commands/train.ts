import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { UserError } from "../../errors.js";
import {
  initialWeightTensors,
  loadWeightsFile,
  trainedWeightTensors,
  writeSafetensorsFile,
} from "../../interop/weights-file.js";
import { formatFixed, formatPercent } from "../../math/format-number.js";
import type { Network } from "../../nn/network.js";
import { loadNetworkFile } from "../../nn/network-file.js";
import { networkToJSON } from "../../nn/serialize.js";
import { compactLayerLines, type ProbeSnapshot } from "../../probe/index.js";
import { ProgressLine } from "../../report/progress-line.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { architectureOf, dataOptionsOf, resolveConfig, type TrainConfig } from "../../train/config.js";
import type { RunRecord } from "../../train/record.js";
import { checkResources, knownDataSize } from "../../train/resources.js";
import { buildNetwork, train } from "../../train/trainer.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { INITLAB_VERSION } from "../../version.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { addTrainOptions, configFromOptions } from "../train-options.js";

export function trainCommand(io: CliIO): Command {
  const cmd = new Command("train")
    .description("train an MLP on a data set and report loss and accuracy per epoch")
    .option("--load <file>", "start from a saved network (initlab.network JSON) instead of initializing")
    .option(
      "--weights <file>",
      "start from a PyTorch MLP state_dict in a .safetensors file (sizes from the tensors, --activation for the hidden layers; docs/interop.md)",
    )
    .option(
      "--weights-prefix <prefix>",
      'with --weights: read the tensors under this prefix ("initial." = the initial weights of a file saved by train --save)',
    )
    .option(
      "--save <file>",
      "save the network: FILE.safetensors = initial and final weights with the config (docs/interop.md), otherwise initlab.network JSON of the final one",
    )
    .option("--out <file>", "write the full run record (JSON) to this file")
    .option("--json", "print the run record as one JSON document on stdout")
    .option("--quiet", "no progress on stderr")
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP);
  addTrainOptions(cmd);
  cmd.action(async (opts) => {
    const config = resolveConfig(configFromOptions(opts));
    // Steps and memory are checked before anything is allocated (src/train/resources.ts).
    const memory = machineMemoryLimit(opts.memoryLimit);
    const known = knownDataSize(config);
    if (known) checkResources(config, known, memory);
    const progress = new ProgressLine((t) => io.stderr(t), io.isTTY, Boolean(opts.quiet));
    const backend = await chooseBackend(config.backend, config.threads, io);
    try {
      const dataset = await loadDataset(dataOptionsOf(config));
      if (opts.load && opts.weights) throw new UserError("give --load or --weights, not both");
      checkResources(config, dataset, memory);
      const network = opts.load
        ? loadNetworkFile(opts.load, backend)
        : opts.weights
          ? loadWeightsFile(opts.weights, config.activation, {
              backend,
              prefix: opts.weightsPrefix,
              init: config.init,
              architecture: architectureOf(config),
              fit: dataset,
            })
          : buildNetwork(config, dataset, backend);
      const saveSafetensors = typeof opts.save === "string" && opts.save.endsWith(".safetensors");
      const initial = saveSafetensors ? initialWeightTensors(network) : [];
      const source = opts.load ?? opts.weights;
      progress.log(
        `initlab train: ${dataset.name} (${dataset.nTrain} train, ${dataset.nTest} test, ${config.preprocess}), ` +
          `net ${network.sizes.join("-")} ${config.activation} ${source ? `loaded from ${source}` : config.init}` +
          `${architectureText(config)}, ${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, backend ${backend.name}`,
      );
      let lastProbe: ProbeSnapshot | null = null;
      let findingsShown = 0;
      const record = train(config, {
        dataset,
        backend,
        network,
        hooks: {
          onProbe: (_ctx, rec) => {
            lastProbe = rec.probes[rec.probes.length - 1];
            for (const f of rec.findings.slice(findingsShown)) progress.log(`step ${f.step}: ${f.message}`);
            findingsShown = rec.findings.length;
          },
          onStep: (s) =>
            progress.update(
              s.step,
              s.totalSteps,
              `epoch ${s.epoch + 1} loss ${s.loss.toFixed(4)} ${Math.round(s.samplesPerSecond)} samples/s`,
            ),
          onEpoch: (e) => {
            progress.log(
              `epoch ${e.epoch}: train loss ${formatFixed(e.trainLoss ?? Number.NaN, 4)}, test loss ${formatFixed(e.testLoss ?? Number.NaN, 4)}, ` +
                `${testMetric(e)} (${e.seconds.toFixed(1)}s)`,
            );
            if (lastProbe) for (const line of compactLayerLines(lastProbe)) progress.log(line);
          },
        },
      });
      progress.end();
      const f = record.final;
      if (f.diverged)
        progress.log(`diverged at step ${f.divergedAtStep}: the loss or a gradient became NaN/Inf`);
      else if (config.maxSteps !== null && f.steps < config.maxSteps) {
        progress.log(
          `note: stopped after ${config.epochs} epoch(s) = ${f.steps} steps, before --max-steps ${config.maxSteps}; ` +
            `give --epochs ${Math.ceil((config.maxSteps * config.epochs) / Math.max(1, f.steps))} to reach it`,
        );
      }
      progress.log(
        `final: ${testMetric(f)}, test loss ${formatFixed(f.testLoss ?? Number.NaN, 4)}, ` +
          `${Math.round(f.samplesPerSecond)} samples/s over ${f.steps} steps`,
      );
      if (saveSafetensors) {
        writeSafetensorsFile(
          opts.save,
          trainedWeightTensors(initial, network),
          weightsMetadata(config, network, record),
        );
        progress.log(`saved initial and final weights to ${opts.save}`);
      } else if (opts.save) {
        writeFileAtomic(opts.save, JSON.stringify(networkToJSON(network)));
        progress.log(`saved network to ${opts.save}`);
      }
      if (opts.out) writeFileAtomic(opts.out, JSON.stringify(record, null, 2));
      if (opts.json) printJson(io, record);
    } finally {
      backend.dispose();
    }
  });
  return cmd;
}

/**
 * The metadata of a `train --save FILE.safetensors` file (all values strings, as the format
 * requires): "format" = "initlab.weights", "config" = the resolved TrainConfig as JSON, "sizes",
 * "activations" (hidden layers) and "steps" trained.
 */
function weightsMetadata(config: TrainConfig, net: Network, record: RunRecord): Record<string, string> {
  return {
    format: "initlab.weights",
    initlab: INITLAB_VERSION,
    config: JSON.stringify(config),
    sizes: JSON.stringify(net.sizes),
    activations: JSON.stringify(net.layers.slice(0, -1).map((l) => l.activation.spec)),
    steps: String(record.final.steps),
  };
}

/** "test accuracy 97.12%", or for a regression run (its losses are mean squared errors) "test R^2 0.9731". */
function testMetric(r: { testAccuracy: number; testR2?: number | null }): string {
  return r.testR2 !== undefined
    ? `test R^2 ${formatFixed(r.testR2 ?? Number.NaN, 4)}`
    : `test accuracy ${formatPercent(r.testAccuracy, 2)}`;
}

/** ", residual blocks of 2 (alpha rezero), fixup, layer norm pre": what the header adds for a non-plain network. */
function architectureText(config: TrainConfig): string {
  let t = "";
  if (config.residual > 0) {
    const alpha = config.branchScale === "const" ? `const ${config.branchConst}` : config.branchScale;
    t += `, residual blocks of ${config.residual} (alpha ${alpha})`;
    if (config.branchInit !== "standard") t += `, ${config.branchInit}`;
  }
  if (config.norm !== "none") t += `, ${config.norm} norm ${config.normPlace}`;
  return t;
}
