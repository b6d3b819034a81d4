import { readFileSync, statSync } from "node:fs";
import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import type { ArchitectureSpec } from "../nn/architecture.js";
import type { Network } from "../nn/network.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsContents,
  type TensorToWrite,
} from "./safetensors.js";
import { INITIAL_PREFIX, linearLayersOf, networkFromStateDict, stateDictTensors } from "./state-dict.js";

/** Node only: reads and validates a .safetensors file (see safetensors.ts for what is rejected). */
export function readSafetensorsFile(path: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error("not a regular file");
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(path, "open", (e as Error).message);
  }
  return decodeSafetensors(bytes, path);
}

/** Node only: writes tensors and metadata as a .safetensors file, atomically (nothing half-written). */
export function writeSafetensorsFile(
  path: string,
  tensors: TensorToWrite[],
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * Node only: a Network from a PyTorch MLP state_dict in a .safetensors file (naming rules:
 * state-dict.ts, docs/interop.md). `prefix` "initial." picks the initial weights of a file
 * initlab wrote with `train --save`.
 */
export function loadWeightsFile(
  path: string,
  activation: string | string[],
  options: {
    backend?: Backend;
    prefix?: string;
    init?: string;
    /** residual blocks and normalization of the network the file holds (the run's settings) */
    architecture?: ArchitectureSpec;
    /** the data set the network must fit: its input width and class count */
    fit?: { name: string; inputDim: number; numClasses: number };
  } = {},
): Network {
  const layers = linearLayersOf(readSafetensorsFile(path), path, options.prefix ?? "");
  const fit = options.fit;
  const first = layers[0];
  const last = layers[layers.length - 1];
  if (fit && first.inDim !== fit.inputDim) {
    throw new DataError(
      path,
      first.weightName,
      `has ${first.inDim} inputs but data set ${fit.name} has ${fit.inputDim} features`,
    );
  }
  if (fit && last.outDim !== fit.numClasses) {
    throw new DataError(
      path,
      last.weightName,
      `has ${last.outDim} outputs but data set ${fit.name} has ${fit.numClasses} classes`,
    );
  }
  return networkFromStateDict(layers, activation, { ...options, source: path });
}

/**
 * The tensors `train --save FILE.safetensors` writes: the final weights under the nn.Sequential
 * names ("0.weight", "0.bias", "2.weight", ...), the initial ones under "initial." ("initial.0.weight", ...).
 */
export function trainedWeightTensors(initial: TensorToWrite[], final: Network): TensorToWrite[] {
  return [...stateDictTensors(final), ...initial];
}

/** A copy of a network's weights under the "initial." prefix, taken before training. */
export function initialWeightTensors(net: Network): TensorToWrite[] {
  return stateDictTensors(net, INITIAL_PREFIX);
}
