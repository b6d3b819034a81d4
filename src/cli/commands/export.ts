import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { UserError } from "../../errors.js";
import { INITIAL_PREFIX, linearLayersOf } from "../../interop/state-dict.js";
import { torchDataTensors } from "../../interop/torch-data.js";
import { torchScript } from "../../interop/torch-export.js";
import { readSafetensorsFile, writeSafetensorsFile } from "../../interop/weights-file.js";
import { dataOptionsOf, resolveConfig } from "../../train/config.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { type CliIO, printJson } from "../io.js";
import { addTrainOptions, configFromOptions } from "../train-options.js";

/**
 * `initlab export torch [train flags]`: prints the self-contained PyTorch script of the
 * configuration (src/interop/torch-export.ts); `--data-out FILE` writes the data file it reads
 * (initlab's split, raw features, batch order, probe batch), `--weights FILE` makes it start
 * from initlab's saved initial weights.
 */
export function exportCommand(io: CliIO): Command {
  const cmd = new Command("export").description("export a configuration to another framework");
  const torch = new Command("torch")
    .description(
      "print a self-contained PyTorch script for the configuration: module, exact initialization, preprocessing, optimizer, training loop",
    )
    .option(
      "--data-out <file>",
      "write the data file the script reads (.safetensors: initlab's split, raw features, labels, batch order, probe batch)",
    )
    .option(
      "--weights <file>",
      "the script loads these initial weights (a train --save FILE.safetensors file, or a state_dict)",
    )
    .option("--out <file>", "write the script to this file instead of stdout")
    .option("--json", "print one JSON document: {script, sizes, dataFile, weightsFile}");
  addTrainOptions(torch);
  torch.action(async (opts) => {
    const config = resolveConfig(configFromOptions(opts));
    const raw = await loadDataset({ ...dataOptionsOf(config), preprocess: "raw" });
    let sizes = [raw.inputDim, ...config.hidden, raw.numClasses];
    if (opts.weights) {
      const contents = readSafetensorsFile(opts.weights);
      const hasInitial = [...contents.tensors.keys()].some((k) => k.startsWith(INITIAL_PREFIX));
      const layers = linearLayersOf(contents, opts.weights, hasInitial ? INITIAL_PREFIX : "");
      sizes = [layers[0].inDim, ...layers.map((l) => l.outDim)];
      if (sizes[0] !== raw.inputDim || sizes[sizes.length - 1] !== raw.numClasses) {
        throw new UserError(
          `${opts.weights}: network ${sizes.join("-")} does not fit data set ${raw.name} (${raw.inputDim} inputs, ${raw.numClasses} classes)`,
        );
      }
    }
    const dataFile = opts.dataOut ?? "initlab-data.safetensors";
    const script = torchScript(config, { sizes, dataFile, weightsFile: opts.weights });
    if (opts.dataOut)
      writeSafetensorsFile(opts.dataOut, torchDataTensors(raw, config), { format: "initlab.torch-data" });
    if (opts.out) writeFileAtomic(opts.out, script);
    if (opts.json) printJson(io, { script, sizes, dataFile, weightsFile: opts.weights ?? null });
    else if (!opts.out) io.stdout(script);
    if (!opts.dataOut) {
      io.stderr(
        `initlab export torch: the script reads ${dataFile}; write it with --data-out ${dataFile} (same flags)\n`,
      );
    }
  });
  cmd.addCommand(torch);
  return cmd;
}
