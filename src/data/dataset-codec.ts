import { UserError } from "../errors.js";

/**
 * The compact binary form in which the server hands an image data set (MNIST, Fashion-MNIST)
 * to the browser: no per-pixel JSON, one byte per pixel and per label. Little-endian:
 *
 *   offset  size  field
 *   0       4     magic "ILDS"
 *   4       4     version (1)
 *   8       4     nTrain
 *   12      4     nTest
 *   16      4     inputDim (pixels per example)
 *   20      4     numClasses
 *   24      4     image width (0 when the examples are not images)
 *   28      4     image height
 *   32      ...   trainX (nTrain * inputDim bytes), trainY (nTrain), testX, testY
 *
 * Browser-safe (no Node imports): the page decodes with the function the server's tests check.
 */
export interface ByteDataset {
  nTrain: number;
  nTest: number;
  inputDim: number;
  numClasses: number;
  width: number;
  height: number;
  trainX: Uint8Array;
  trainY: Uint8Array;
  testX: Uint8Array;
  testY: Uint8Array;
}

const MAGIC = 0x53444c49; // "ILDS" read as a little-endian u32
const VERSION = 1;
export const DATASET_HEADER_BYTES = 32;

export function encodeDataset(d: ByteDataset): Uint8Array {
  const parts = encodeDatasetParts(d);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The encoding as its pieces, in order: a fresh 32-byte header, then the data set's own four
 * arrays (no copy). The server writes them one after the other, so a response costs no memory
 * beyond the data set it slices.
 */
export function encodeDatasetParts(d: ByteDataset): Uint8Array[] {
  const header = new Uint8Array(DATASET_HEADER_BYTES);
  const h = new DataView(header.buffer);
  const fields = [MAGIC, VERSION, d.nTrain, d.nTest, d.inputDim, d.numClasses, d.width, d.height];
  for (let i = 0; i < fields.length; i++) h.setUint32(4 * i, fields[i], true);
  return [header, d.trainX, d.trainY, d.testX, d.testY];
}

/** Decodes and checks the sizes against the byte count; the arrays are views into `buf`. */
export function decodeDataset(buf: ArrayBuffer): ByteDataset {
  if (buf.byteLength < DATASET_HEADER_BYTES)
    throw new UserError(`data set: ${buf.byteLength} bytes is too short for a header`);
  const h = new DataView(buf);
  const u = (i: number) => h.getUint32(4 * i, true);
  if (u(0) !== MAGIC) throw new UserError("data set: not an initlab data set (bad magic)");
  if (u(1) !== VERSION) throw new UserError(`data set: version ${u(1)}, expected ${VERSION}`);
  const [nTrain, nTest, inputDim, numClasses, width, height] = [u(2), u(3), u(4), u(5), u(6), u(7)];
  const need = DATASET_HEADER_BYTES + (nTrain + nTest) * (inputDim + 1);
  if (buf.byteLength !== need)
    throw new UserError(`data set: ${buf.byteLength} bytes, the header says ${need}`);
  let at = DATASET_HEADER_BYTES;
  const take = (len: number) => {
    const v = new Uint8Array(buf, at, len);
    at += len;
    return v;
  };
  const trainX = take(nTrain * inputDim);
  const trainY = take(nTrain);
  const testX = take(nTest * inputDim);
  const testY = take(nTest);
  for (const ys of [trainY, testY]) {
    for (let i = 0; i < ys.length; i++) {
      if (ys[i] >= numClasses)
        throw new UserError(`data set: label ${ys[i]} is not below numClasses = ${numClasses}`);
    }
  }
  return { nTrain, nTest, inputDim, numClasses, width, height, trainX, trainY, testX, testY };
}
