import { readFileSync } from "node:fs";
import { DataError } from "../errors.js";

/**
 * The IDX format of the MNIST files (LeCun et al.): a big-endian header of magic number
 * (0x00 0x00 type dims), then one 32-bit size per dimension, then the data. initlab reads only
 * unsigned bytes (type 0x08). Every header field is validated; a short or long file is an error.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array, file: string, expectedDims: number): IdxArray {
  if (buf.length < 4) throw new DataError(file, "header", `file is ${buf.length} bytes, too short for an IDX header`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(file, "magic number", `first two bytes must be 0, found ${buf[0]} ${buf[1]} (not an IDX file)`);
  }
  if (buf[2] !== 0x08) throw new DataError(file, "magic number", `data type 0x${buf[2].toString(16)}; only unsigned bytes (0x08) are supported`);
  const nd = buf[3];
  if (nd !== expectedDims) {
    const magic = (buf[2] << 8) | nd;
    throw new DataError(file, "magic number", `${magic} means ${nd} dimensions, expected ${expectedDims} (magic ${0x800 | expectedDims})`);
  }
  const headerLen = 4 + 4 * nd;
  if (buf.length < headerLen) throw new DataError(file, "header", `truncated: ${buf.length} bytes, the header alone needs ${headerLen}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerLen + count;
  if (buf.length !== expected) {
    throw new DataError(
      file,
      "size",
      `header says ${dims.join(" x ")} = ${count} values, so expected ${expected} bytes, found ${buf.length}${buf.length < expected ? " (truncated)" : ""}`,
    );
  }
  return { dims, data: buf.subarray(headerLen) };
}

export function readIdxFile(file: string, expectedDims: number): IdxArray {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new DataError(file, "open", (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message);
  }
  return parseIdx(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file, expectedDims);
}
