import { gatherRows } from "../data/gather.js";
import { UserError } from "../errors.js";
import { Rng } from "../tensor/rng.js";

/** A batch of examples gathered from a data set: x is B x d row-major, y the labels. */
export interface ProbeBatch {
  x: Float32Array;
  y: Int32Array;
  B: number;
  /** the training-set rows it was taken from, increasing */
  indices: Int32Array;
}

/**
 * The fixed probe batch: B = min(size, n) distinct training rows, the first B of the permutation
 * drawn from the stream Rng.derive(seed, "probe") and then sorted. The same (n, size, seed) always
 * gives the same rows, independent of the shuffling stream of training, so probes at different
 * steps (and `inspect` with the same seed) look at the same examples.
 */
export function probeBatchIndices(n: number, size: number, seed: number): Int32Array {
  if (!(Number.isInteger(size) && size >= 1))
    throw new UserError(`probe batch size must be a positive integer, got ${size}`);
  if (n < 1) throw new UserError("the data set has no training examples to probe");
  const B = Math.min(size, n);
  const perm = Rng.derive(seed, "probe").permutation(n);
  return perm.slice(0, B).sort();
}

/** Copies the rows `indices` of X (n x d) and Y into a new batch. */
export function gatherBatch(X: Float32Array, Y: Int32Array, d: number, indices: Int32Array): ProbeBatch {
  const B = indices.length;
  const x = new Float32Array(B * d);
  const y = new Int32Array(B);
  gatherRows(X, Y, d, indices, 0, B, x, y);
  return { x, y, B, indices };
}

/** The fixed probe batch of a training set (see `probeBatchIndices`). */
export function probeBatch(
  data: { trainX: Float32Array; trainY: Int32Array; nTrain: number; inputDim: number },
  size: number,
  seed: number,
): ProbeBatch {
  return gatherBatch(data.trainX, data.trainY, data.inputDim, probeBatchIndices(data.nTrain, size, seed));
}
