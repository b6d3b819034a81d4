import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { loadNetworkFile, networkToJSON } from "../../nn/serialize.js";
import { compactLayerLines, type ProbeSnapshot } from "../../probe/index.js";
import { dataOptionsOf, resolveConfig } from "../../train/config.js";
import { buildNetwork, train } from "../../train/trainer.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { Progress } from "../progress.js";
import { addTrainOptions, configFromOptions } from "../train-options.js";

export function trainCommand(io: CliIO): Command {
  const cmd = new Command("train")
    .description("train an MLP on a data set and report loss and accuracy per epoch")
    .option("--load <file>", "start from a saved network (initlab.network JSON) instead of initializing")
    .option("--save <file>", "save the trained network (initlab.network JSON)")
    .option("--out <file>", "write the full run record (JSON) to this file")
    .option("--json", "print the run record as one JSON document on stdout")
    .option("--quiet", "no progress on stderr");
  addTrainOptions(cmd);
  cmd.action(async (opts) => {
    const config = resolveConfig(configFromOptions(opts));
    const progress = new Progress(io, Boolean(opts.quiet));
    const backend = await chooseBackend(config.backend, config.threads, io);
    try {
      const dataset = await loadDataset(dataOptionsOf(config));
      const network = opts.load
        ? loadNetworkFile(opts.load, backend)
        : buildNetwork(config, dataset, backend);
      progress.log(
        `initlab train: ${dataset.name} (${dataset.nTrain} train, ${dataset.nTest} test, ${config.preprocess}), ` +
          `net ${network.sizes.join("-")} ${config.activation} ${opts.load ? `loaded from ${opts.load}` : config.init}, ` +
          `${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, backend ${backend.name}`,
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
              `epoch ${e.epoch}: train loss ${fmt(e.trainLoss)}, test loss ${fmt(e.testLoss)}, ` +
                `test accuracy ${(100 * e.testAccuracy).toFixed(2)}% (${e.seconds.toFixed(1)}s)`,
            );
            if (lastProbe) for (const line of compactLayerLines(lastProbe)) progress.log(line);
          },
        },
      });
      progress.done();
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
        `final: test accuracy ${(100 * f.testAccuracy).toFixed(2)}%, test loss ${fmt(f.testLoss)}, ` +
          `${Math.round(f.samplesPerSecond)} samples/s over ${f.steps} steps`,
      );
      if (opts.save) {
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

function fmt(x: number | null): string {
  return x === null ? "NaN" : x.toFixed(4);
}
