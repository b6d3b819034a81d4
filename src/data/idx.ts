import { readFile } from "node:fs/promises";
import { DataError } from "../errors.js";

/**
 * The IDX format of the MNIST files (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * a big-endian header, then the data. Header bytes 0-1 are zero, byte 2 is the data type
 * (0x08 = unsigned byte, the only type MNIST uses), byte 3 the number of dimensions d; then d
 * 32-bit big-endian sizes. So the magic number read as one int32 is 2051 (0x00000803) for
 * image files (d = 3: count, rows, cols) and 2049 (0x00000801) for label files (d = 1: count).
 * Every check names the file and the problem: a file must be exactly as long as its header says.
 */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count x rows x cols bytes, a view into the file's buffer. */
  pixels: Uint8Array;
}

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;
const UBYTE = 0x08;

/** Validates the header of an unsigned-byte IDX file with `dims` dimensions; returns the sizes. */
export function parseIdxHeader(buf: Uint8Array, file: string, dims: number): number[] {
  const magic = dims === 3 ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
  const what = dims === 3 ? "an image file" : "a label file";
  const headerBytes = 4 + 4 * dims;
  if (buf.length < 4) {
    throw new DataError(file, "header", `expected at least ${headerBytes} bytes, found ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const got = view.getUint32(0, false);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(
      file,
      "header bytes 0-3",
      `magic number ${got} is not ${magic} (${what}); not an IDX file`,
    );
  }
  if (buf[2] !== UBYTE) {
    throw new DataError(file, "header byte 2", `data type 0x${hex2(buf[2])} is not 0x08 (unsigned byte)`);
  }
  if (buf[3] !== dims) {
    throw new DataError(
      file,
      "header byte 3",
      `${buf[3]} dimensions, expected ${dims} (${what}: magic number ${magic}, found ${got})`,
    );
  }
  if (buf.length < headerBytes) {
    throw new DataError(file, "header", `expected at least ${headerBytes} bytes, found ${buf.length}`);
  }
  const sizes: number[] = [];
  for (let d = 0; d < dims; d++) sizes.push(view.getUint32(4 + 4 * d, false));
  const expected = headerBytes + sizes.reduce((a, b) => a * b, 1);
  if (buf.length !== expected) {
    throw new DataError(
      file,
      "size",
      `expected ${expected} bytes (header ${sizes.join(" x ")}), found ${buf.length}` +
        (buf.length < expected ? " (truncated)" : " (trailing bytes)"),
    );
  }
  return sizes;
}

/** An IDX image file of `rows` x `cols` unsigned bytes (MNIST: 28 x 28). */
export function parseIdxImages(buf: Uint8Array, file: string, rows = 28, cols = 28): IdxImages {
  const [count, r, c] = parseIdxHeader(buf, file, 3);
  if (r !== rows || c !== cols) {
    throw new DataError(file, "header bytes 8-15", `images are ${r} x ${c}, expected ${rows} x ${cols}`);
  }
  return { count, rows: r, cols: c, pixels: buf.subarray(16) };
}

/** An IDX label file; every label must be in 0..numClasses-1. Returns a view into `buf`. */
export function parseIdxLabels(buf: Uint8Array, file: string, numClasses = 10): Uint8Array {
  parseIdxHeader(buf, file, 1);
  const labels = buf.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new DataError(
        file,
        `label ${i} (byte ${8 + i})`,
        `value ${labels[i]} is not a class in 0..${numClasses - 1}`,
      );
    }
  }
  return labels;
}

/** Reads a file as bytes; a missing file is a DataError naming it. */
export async function readBytes(file: string, hint: string): Promise<Uint8Array> {
  try {
    const b = await readFile(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataError(file, "file", `not found; ${hint}`);
    throw new DataError(file, "file", `cannot be read (${(e as Error).message})`);
  }
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, "0");
}
