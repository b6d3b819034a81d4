import type { Dataset } from "../data/types.js";
import { probeBatchIndices } from "../probe/probe-batch.js";
import { Rng } from "../tensor/rng.js";
import type { TrainConfig } from "../train/config.js";
import type { TensorToWrite } from "./safetensors.js";

/**
 * The data file of an exported PyTorch script (`initlab export torch --data-out FILE`), as
 * safetensors tensors: `train_x`, `test_x` [n, d] the RAW features of initlab's split (U8 for
 * image pixels, which are integers 0..255, F32 otherwise: the script applies the preprocessing),
 * `train_y`, `test_y` [n] the labels (I32), `order` [epochs, nTrain] (I32) the training
 * example order of every epoch the run takes (the permutations initlab draws from
 * Rng.derive(seed, "shuffle")), and `probe_indices` [B] (I32), the probe batch of step 0.
 * `raw` must be the data set loaded with preprocess "raw" (the same split as the run's).
 */
export function torchDataTensors(raw: Dataset, config: TrainConfig): TensorToWrite[] {
  if (raw.preprocess !== "raw")
    throw new Error("torchDataTensors needs the data set loaded with preprocess raw");
  const d = raw.inputDim;
  const pixels = raw.name === "mnist" || raw.name === "fashion-mnist";
  const features = (x: Float32Array) => (pixels ? Uint8Array.from(x) : x);
  const B0 = Math.min(config.batchSize, raw.nTrain);
  const stepsPerEpoch = Math.ceil(raw.nTrain / B0);
  const totalSteps = Math.min(stepsPerEpoch * config.epochs, config.maxSteps ?? Number.POSITIVE_INFINITY);
  const epochs = Math.ceil(totalSteps / stepsPerEpoch);
  const shuffle = Rng.derive(config.seed, "shuffle");
  const order = new Int32Array(epochs * raw.nTrain);
  for (let e = 0; e < epochs; e++) order.set(shuffle.permutation(raw.nTrain), e * raw.nTrain);
  const probe = probeBatchIndices(raw.nTrain, config.probeBatch, config.seed);
  return [
    { name: "train_x", shape: [raw.nTrain, d], data: features(raw.trainX.subarray(0, raw.nTrain * d)) },
    { name: "train_y", shape: [raw.nTrain], data: Int32Array.from(raw.trainY.subarray(0, raw.nTrain)) },
    { name: "test_x", shape: [raw.nTest, d], data: features(raw.testX.subarray(0, raw.nTest * d)) },
    { name: "test_y", shape: [raw.nTest], data: Int32Array.from(raw.testY.subarray(0, raw.nTest)) },
    { name: "order", shape: [epochs, raw.nTrain], data: order },
    { name: "probe_indices", shape: [probe.length], data: Int32Array.from(probe) },
  ];
}
