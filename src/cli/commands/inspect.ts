import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { UserError } from "../../errors.js";
import { dataInitText } from "../../init/lsuv.js";
import { loadWeightsFile } from "../../interop/weights-file.js";
import { getLoss } from "../../nn/losses.js";
import { loadNetworkFile } from "../../nn/network-file.js";
import { blocksText, normsText } from "../../probe/block-format.js";
import {
  correlationMapText,
  depthSweep,
  depthSweepText,
  diagnosisText,
  inspect,
  inspectInstances,
  instancesText,
  JACOBIAN_FROM,
  JACOBIAN_MAX_COST,
  JACOBIAN_TO,
  type JacobianFrom,
  type JacobianTo,
  jacobianSpectrum,
  jacobianText,
  layerTable,
  measureCorrelationMap,
  phaseText,
  probeBatch,
  recommendationText,
} from "../../probe/index.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { architectureOf, dataOptionsOf, resolveConfig, TRAIN_DEFAULTS } from "../../train/config.js";
import { checkResources, knownDataSize } from "../../train/resources.js";
import { buildNetwork } from "../../train/trainer.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { parseChoice, parseInteger, parseNumber } from "../parse.js";
import { addTrainOptions, configFromOptions } from "../train-options.js";

const DEFAULT_SWEEP_DEPTH = 32;
const DEFAULT_JACOBIAN_INPUTS = 4;
const DEFAULT_CMAP_PAIRS = 8;

/**
 * `initlab inspect`, the init doctor: builds the network of the `train` flags, runs one forward
 * and backward pass on a fixed batch of real training examples, prints every layer's statistics
 * next to the theory's prediction, a diagnosis in plain language and the recommended initializer.
 */
export function inspectCommand(io: CliIO): Command {
  const cmd = new Command("inspect")
    .description(
      "the init doctor: per-layer signal and gradient flow at initialization, measured vs predicted",
    )
    .option(
      "--batch <n>",
      `the same as --probe-batch: examples in the probe batch (default ${TRAIN_DEFAULTS.probeBatch}, the trainer's)`,
      parseInteger("--batch", 1),
    )
    .option(
      "--depth-sweep [max]",
      `also show Var(z) at the last hidden layer for 1..max hidden layers (default ${DEFAULT_SWEEP_DEPTH})`,
      parseInteger("--depth-sweep", 1),
    )
    .option(
      "--instances <k>",
      "measure K independently initialized networks (seeds derived from --seed): per-layer mean, spread and a band, theory inside or outside",
      parseInteger("--instances", 2),
    )
    .option(
      "--jacobian [inputs]",
      `also the singular values of the input-output Jacobian on the first N probe examples (default ${DEFAULT_JACOBIAN_INPUTS}): mean square, variance, max, histogram, free-probability theory (docs/probes.md)`,
      parseInteger("--jacobian", 1),
    )
    .option(
      "--jacobian-from <where>",
      `where J starts: ${JACOBIAN_FROM.join(" (default; the input for residual networks) or ")} (the network input)`,
      parseChoice("--jacobian-from", JACOBIAN_FROM),
    )
    .option(
      "--jacobian-to <where>",
      `where J ends: ${JACOBIAN_TO.join(" (default) or ")}`,
      parseChoice("--jacobian-to", JACOBIAN_TO),
    )
    .option(
      "--jacobian-max-cost <flops>",
      `refuse a Jacobian spectrum estimated above this many flops (default ${JACOBIAN_MAX_COST.toExponential(0)})`,
      parseNumber("--jacobian-max-cost"),
    )
    .option(
      "--cmap [pairs]",
      `also the correlation map: cosine similarity of N pairs of probe examples per layer (default ${DEFAULT_CMAP_PAIRS}), measured vs mean field`,
      parseInteger("--cmap", 1),
    )
    .option("--load <file>", "inspect a saved network (initlab.network JSON) instead of initializing one")
    .option(
      "--weights <file>",
      "inspect a PyTorch MLP state_dict in a .safetensors file (sizes from the tensors, --activation for the hidden layers; docs/interop.md)",
    )
    .option(
      "--weights-prefix <prefix>",
      'with --weights: read the tensors under this prefix (e.g. "initial.")',
    )
    .option("--json", "print one JSON document: config, layers, diagnosis, recommendation")
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP);
  addTrainOptions(cmd, { atInitOnly: true });
  cmd.action(async (opts) => {
    const config = resolveConfig(configFromOptions(opts));
    if (opts.instances !== undefined && opts.load)
      throw new UserError(
        "--instances initializes K networks; it cannot be combined with --load (one saved network)",
      );
    // The network's memory is checked before anything is allocated, as train does (src/train/resources.ts).
    const memory = machineMemoryLimit(opts.memoryLimit);
    const known = knownDataSize(config);
    if (known) checkResources(config, known, memory, "inspect");
    const backend = await chooseBackend(config.backend, config.threads, io);
    try {
      const dataset = await loadDataset(dataOptionsOf(config));
      checkResources(config, dataset, memory, "inspect");
      if (opts.load && opts.weights) throw new UserError("give --load or --weights, not both");
      const net = opts.load
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
      if (opts.batch !== undefined && opts.probeBatch !== undefined && opts.batch !== opts.probeBatch) {
        throw new UserError(`--batch ${opts.batch} and --probe-batch ${opts.probeBatch} disagree; give one`);
      }
      const batch = probeBatch(dataset, opts.batch ?? config.probeBatch, config.seed);
      const loss = getLoss(config.loss, dataset.targets);
      const instances =
        opts.instances !== undefined
          ? inspectInstances(net, batch, loss, { instances: opts.instances, seed: config.seed })
          : null;
      const { snapshot, diagnosis, recommendation, phase, deadLayer } = instances
        ? instances.inspections[0]
        : inspect(net, batch, loss);
      const atInit = !opts.load && !opts.weights;
      const jacobianInputs = opts.jacobian === true ? DEFAULT_JACOBIAN_INPUTS : opts.jacobian;
      if (
        jacobianInputs === undefined &&
        (opts.jacobianFrom || opts.jacobianTo || opts.jacobianMaxCost !== undefined)
      )
        throw new UserError("--jacobian-from, --jacobian-to and --jacobian-max-cost need --jacobian");
      if (opts.jacobianMaxCost !== undefined && !(opts.jacobianMaxCost > 0))
        throw new UserError(`--jacobian-max-cost: expected a number > 0, got ${opts.jacobianMaxCost}`);
      const jacobian =
        typeof jacobianInputs === "number"
          ? jacobianSpectrum(net, batch.x, batch.B, {
              inputs: jacobianInputs,
              from: opts.jacobianFrom as JacobianFrom | undefined,
              to: opts.jacobianTo as JacobianTo | undefined,
              maxCost: opts.jacobianMaxCost,
              theory: atInit,
            })
          : null;
      const cmapPairs = opts.cmap === true ? DEFAULT_CMAP_PAIRS : opts.cmap;
      const cmap =
        typeof cmapPairs === "number"
          ? measureCorrelationMap(net, batch.x, batch.B, { pairs: cmapPairs, theory: atInit })
          : null;
      const sweepDepth = opts.depthSweep === true ? DEFAULT_SWEEP_DEPTH : opts.depthSweep;
      const sweep =
        typeof sweepDepth === "number"
          ? depthSweep(batch.x, batch.B, dataset.inputDim, {
              activation: net.layers[0].activation,
              init: net.weightInits[0],
              biasInit: net.biasInit,
              width: net.sizes.length > 2 ? net.sizes[net.sizes.length - 2] : 256,
              maxDepth: sweepDepth,
              outputs: dataset.numClasses,
              seed: config.seed,
              backend,
              data: dataset,
            })
          : null;
      if (opts.json) {
        printJson(io, {
          config,
          batch: snapshot.batch,
          loss: snapshot.loss,
          inputSecond: snapshot.inputSecond,
          nonFinite: snapshot.nonFinite,
          layers: snapshot.layers,
          ...(snapshot.blocks ? { blocks: snapshot.blocks } : {}),
          ...(snapshot.norms ? { norms: snapshot.norms } : {}),
          diagnosis,
          recommendation,
          phase,
          deadLayer,
          ...(instances ? { instances: instances.report } : {}),
          ...(net.dataInit ? { dataInit: net.dataInit } : {}),
          ...(sweep ? { depthSweep: sweep } : {}),
          ...(jacobian ? { jacobian } : {}),
          ...(cmap ? { cmap } : {}),
        });
        return;
      }
      const out = [
        `initlab inspect: ${dataset.name} (${config.preprocess}), net ${net.sizes.join("-")} ${config.activation} ` +
          `${opts.load || opts.weights ? `loaded from ${opts.load ?? opts.weights}` : `${config.init}, bias ${config.biasInit}`}, ` +
          `batch of ${snapshot.batch} training examples (E[x^2] = ${snapshot.inputSecond.toPrecision(3)}), ` +
          `loss ${snapshot.loss.toFixed(4)}, backend ${backend.name}`,
        "bars: log scale, full = the column's largest value, 2 characters per decade (squeezed when a column " +
          "spans more than 4 decades); predicted: src/theory, per-example variance recursion (docs/probes.md)",
        "",
        layerTable(snapshot.layers),
        "",
        ...(snapshot.blocks ? [blocksText(snapshot.blocks), ""] : []),
        ...(snapshot.norms ? [normsText(snapshot.norms), ""] : []),
        ...(instances
          ? [
              `(the table above is instance 0, seed ${instances.report.seeds[0]})`,
              instancesText(instances.report),
              "",
            ]
          : []),
        ...(net.dataInit ? [dataInitText(net.dataInit), ""] : []),
        diagnosisText(diagnosis, snapshot),
      ];
      if (phase) out.push(phaseText(phase, deadLayer));
      if (recommendation) out.push(recommendationText(recommendation));
      if (sweep) out.push("", depthSweepText(sweep));
      if (jacobian) out.push("", jacobianText(jacobian));
      if (cmap) out.push("", correlationMapText(cmap));
      io.stdout(`${out.join("\n")}\n`);
    } finally {
      backend.dispose();
    }
  });
  return cmd;
}
