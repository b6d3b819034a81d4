import { DataError } from "../errors.js";

/**
 * A small, strictly validated reader and writer of the safetensors format (Hugging Face,
 * https://github.com/huggingface/safetensors, the format PyTorch users exchange weights in):
 *
 *   bytes 0..8        N, the header length, an unsigned 64-bit little-endian integer
 *   bytes 8..8+N      the header: a UTF-8 JSON object { name: { dtype, shape, data_offsets: [begin, end] },
 *                     ..., "__metadata__": { string: string } }
 *   bytes 8+N..       the data: every tensor's raw little-endian bytes, row-major (C order), at
 *                     [begin, end) relative to the start of the data section
 *
 * The reader works on the bytes in memory (browser-safe) and rejects, with a DataError naming the
 * tensor and the problem: a file too short for the length field, a header length past the end of
 * the file or above HEADER_LIMIT, a header that is not UTF-8 JSON or not an object of entries, a
 * duplicate tensor name, an unknown dtype, a bad shape, offsets that are out of range, that
 * overlap, that leave a gap (the data must be contiguous and cover the data section exactly) or
 * whose length is not the shape's element count times the dtype's size. It never reads past the
 * buffer: every offset is checked against the buffer's length before a byte is read.
 */

/** The dtypes initlab reads. F32, F64, I32 and U8 are also written; F16 and BF16 are widened to float32, I64 read as float64 (exact below 2^53). */
export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "U8";

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  U8: 1,
};

/**
 * The largest header accepted, in bytes (the reference implementation's limit, 100 MB): a longer
 * header is rejected before any allocation, whatever the file length says.
 */
export const HEADER_LIMIT = 100_000_000;

/** One tensor: its dtype in the file, its shape and its values (float64 for F64/I64, float32 for F32/F16/BF16, int32 for I32, uint8 for U8). */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** A decoded file: the tensors in header order and the string-to-string metadata. */
export interface SafetensorsContents {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** A tensor to write: F32, F64, I32 or U8, following the array type. */
export interface TensorToWrite {
  name: string;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

const METADATA = "__metadata__";

/**
 * Decodes safetensors bytes. `source` names the file in error messages. Throws a DataError
 * "<source>: <tensor or place>: <problem>" on any malformation listed in the module comment.
 */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors"): SafetensorsContents {
  const bad = (place: string, problem: string) => new DataError(source, place, problem);
  if (bytes.length < 8) {
    throw bad("header length", `the file has ${bytes.length} bytes, fewer than the 8 of the header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(HEADER_LIMIT)) {
    throw bad("header length", `${n} bytes is above the limit of ${HEADER_LIMIT} bytes`);
  }
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length) {
    throw bad(
      "header length",
      `${headerLen} bytes runs past the end of the file (${bytes.length - 8} bytes after the length field)`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw bad("header", "is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw bad("header", `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw bad("header", "is not a JSON object");
  }
  const dup = firstDuplicateKey(text);
  if (dup !== null) throw bad(dup, "the name appears twice in the header");

  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata = readMetadata((header as Record<string, unknown>)[METADATA], bad);
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA) continue;
    entries.push({ name, ...readEntry(name, raw, dataLen, bad) });
  }
  // Contiguity: sorted by offset, each tensor starts where the previous ended, from 0 to the end.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at)
      throw bad(
        e.name,
        `data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${at})`,
      );
    if (e.begin > at)
      throw bad(
        e.name,
        `data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - at} bytes before it (data must be contiguous)`,
      );
    at = e.end;
  }
  if (at !== dataLen) {
    throw bad(
      "data",
      `the tensors cover ${at} bytes but the data section has ${dataLen} (data must be contiguous, with nothing after it)`,
    );
  }
  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) {
    tensors.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: readValues(
        view,
        dataStart + e.begin,
        e.dtype,
        (e.end - e.begin) / DTYPE_SIZE[e.dtype],
        e.name,
        bad,
      ),
    });
  }
  return { tensors, metadata };
}

type Bad = (place: string, problem: string) => DataError;

function readMetadata(raw: unknown, bad: Bad): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw bad(METADATA, "is not a JSON object");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string")
      throw bad(`${METADATA}.${k}`, `metadata values must be strings, found ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function readEntry(
  name: string,
  raw: unknown,
  dataLen: number,
  bad: Bad,
): { dtype: SafetensorsDtype; shape: number[]; begin: number; end: number } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw bad(name, "the entry is not an object with dtype, shape and data_offsets");
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string" || !(dtype in DTYPE_SIZE)) {
    throw bad(
      name,
      `unknown or unsupported dtype ${JSON.stringify(dtype)}; initlab reads ${Object.keys(DTYPE_SIZE).join(", ")}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw bad(name, `shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw bad(
      name,
      `data_offsets ${JSON.stringify(offsets)} is not a pair [begin, end] of integers with 0 <= begin <= end`,
    );
  }
  const [begin, end] = offsets as number[];
  if (end > dataLen) {
    throw bad(
      name,
      `data_offsets [${begin}, ${end}] run past the end of the data section (${dataLen} bytes)`,
    );
  }
  const size = DTYPE_SIZE[dtype as SafetensorsDtype];
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  if (count * size !== end - begin) {
    throw bad(
      name,
      `shape [${shape.join(", ")}] of ${dtype} needs ${count * size} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end };
}

function readValues(
  view: DataView,
  at: number,
  dtype: SafetensorsDtype,
  count: number,
  name: string,
  bad: Bad,
): Float32Array | Float64Array | Int32Array | Uint8Array {
  switch (dtype) {
    case "F64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, true);
      return out;
    }
    case "F32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
      return out;
    }
    case "BF16": {
      const out = new Float32Array(count);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(at + 2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case "I32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, true);
      return out;
    }
    case "U8": {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(at + i);
      return out;
    }
    case "I64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) {
          throw bad(name, `I64 value ${v} at element ${i} is beyond 2^53 and cannot be read exactly`);
        }
        out[i] = Number(v);
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 bits to a number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The first key that appears twice in one object of the header text, or null. JSON.parse keeps
 * the last of duplicate keys silently; safetensors forbids them, so the text is scanned (strings
 * with escapes, nesting) for the keys of each object.
 */
export function firstDuplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      stack.push(null);
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      expectKey = stack[stack.length - 1] != null;
    }
    i++;
  }
  return null;
}

function dtypeOf(data: TensorToWrite["data"]): SafetensorsDtype {
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof Uint8Array) return "U8";
  return "F32";
}

/**
 * Encodes tensors (in the given order, contiguous) and string metadata as safetensors bytes.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference writer does, so the
 * data section starts aligned. Names must be unique and shapes must match the data lengths.
 */
export function encodeSafetensors(
  tensors: TensorToWrite[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA || t.name in header)
      throw new Error(`safetensors: duplicate or reserved tensor name "${t.name}"`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(
        `safetensors: tensor "${t.name}" has ${t.data.length} values for shape [${t.shape.join(", ")}]`,
      );
    }
    const dtype = dtypeOf(t.data);
    const end = offset + count * DTYPE_SIZE[dtype];
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    const d = t.data;
    if (d instanceof Float64Array)
      for (let i = 0; i < d.length; i++, at += 8) view.setFloat64(at, d[i], true);
    else if (d instanceof Int32Array)
      for (let i = 0; i < d.length; i++, at += 4) view.setInt32(at, d[i], true);
    else for (let i = 0; i < d.length; i++, at += 4) view.setFloat32(at, d[i], true);
  }
  return out;
}
