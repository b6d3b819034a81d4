/**
 * Writes a row-major float64 matrix to a file whose extension names the format:
 * - `.npy`: NumPy's format, version 1.0 (numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 *   the magic "\x93NUMPY", version 1.0, a little-endian uint16 header length, an ASCII dict
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (rows, cols), } padded with spaces to a
 *   multiple of 64 bytes and ending in "\n", then the values as little-endian float64;
 * - `.csv`: one line per row, values in the shortest text that reads back to the same float64;
 * - `.safetensors`: one F64 tensor named "weight" of shape [rows, cols] (src/interop/safetensors.ts).
 * Written atomically (nothing half-written on a crash); an unknown extension is a UserError.
 */
import { extname } from "node:path";
import { UserError } from "../errors.js";
import { encodeSafetensors } from "../interop/safetensors.js";
import { writeFileAtomic } from "../util/atomic-write.js";

export const MATRIX_FORMATS = [".npy", ".csv", ".safetensors"] as const;

/** The .npy bytes of a rows x cols float64 matrix (row-major). */
export function encodeNpy(values: Float64Array, rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64);
  header += "\n";
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return out;
}

/** The CSV text of a rows x cols matrix, shortest round-trip digits. */
export function encodeCsv(values: Float64Array, rows: number, cols: number): string {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++)
    lines.push(Array.from(values.subarray(r * cols, (r + 1) * cols), String).join(","));
  return `${lines.join("\n")}\n`;
}

/** Writes the matrix to `path` in the format its extension names (.npy, .csv or .safetensors). */
export function writeMatrixFile(path: string, values: Float64Array, rows: number, cols: number): void {
  const ext = extname(path).toLowerCase();
  if (ext === ".npy") writeFileAtomic(path, encodeNpy(values, rows, cols));
  else if (ext === ".csv") writeFileAtomic(path, encodeCsv(values, rows, cols));
  else if (ext === ".safetensors")
    writeFileAtomic(path, encodeSafetensors([{ name: "weight", shape: [rows, cols], data: values }]));
  else throw new UserError(`--out ${path}: unknown extension "${ext}"; valid: ${MATRIX_FORMATS.join(", ")}`);
}
