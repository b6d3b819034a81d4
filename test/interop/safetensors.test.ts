import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import {
  decodeSafetensors,
  encodeSafetensors,
  firstDuplicateKey,
  halfToFloat,
} from "../../src/interop/safetensors.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-st-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A file built by hand, independently of the encoder: length (u64 LE), header text, data bytes. */
function rawFile(header: string, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const h = Buffer.from(header, "utf8");
  const out = Buffer.alloc(8 + h.length + data.length);
  out.writeBigUInt64LE(lengthField ?? BigInt(h.length), 0);
  h.copy(out, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32(values: number[]): Uint8Array {
  const b = Buffer.alloc(4 * values.length);
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i], 4 * i);
  return b;
}

// A valid 2-3-2 MLP state_dict (nn.Sequential names 0 and 2): 6 + 3 + 6 + 2 = 17 floats.
const W0 = [0.5, -0.25, 1, 2, -1, 0.125];
const B0 = [0.1, 0.2, 0.3];
const W2 = [1, 0, -1, 0.5, 0.25, -0.5];
const B2 = [0, -0.1];
const VALID = {
  "0.weight": { dtype: "F32", shape: [3, 2], data_offsets: [0, 24] },
  "0.bias": { dtype: "F32", shape: [3], data_offsets: [24, 36] },
  "2.weight": { dtype: "F32", shape: [2, 3], data_offsets: [36, 60] },
  "2.bias": { dtype: "F32", shape: [2], data_offsets: [60, 68] },
};
const DATA = f32([...W0, ...B0, ...W2, ...B2]);

test("decode reads a hand-built file: values, shapes, metadata; encode round-trips F32, F64 and I32", () => {
  const bytes = rawFile(JSON.stringify({ __metadata__: { a: "b" }, ...VALID }), DATA);
  const c = decodeSafetensors(bytes, "valid");
  assert.deepEqual([...c.tensors.keys()], ["0.weight", "0.bias", "2.weight", "2.bias"]);
  assert.deepEqual(c.tensors.get("0.weight")!.shape, [3, 2]);
  assert.deepEqual(Array.from(c.tensors.get("0.weight")!.data), W0);
  assert.deepEqual(Array.from(c.tensors.get("2.bias")!.data), Array.from(Float32Array.from(B2)));
  assert.deepEqual(c.metadata, { a: "b" });
  const enc = encodeSafetensors(
    [
      { name: "x", shape: [2, 2], data: Float64Array.from([1 / 3, 2, 3, Math.PI]) },
      { name: "y", shape: [3], data: Float32Array.from([0.1, 0.2, 0.3]) },
      { name: "z", shape: [2], data: Int32Array.from([-7, 2 ** 30]) },
    ],
    { config: "{}" },
  );
  assert.equal(Number(Buffer.from(enc).readBigUInt64LE(0)) % 8, 0, "header padded to 8 bytes");
  const back = decodeSafetensors(enc);
  assert.deepEqual(Array.from(back.tensors.get("x")!.data), [1 / 3, 2, 3, Math.PI]);
  assert.equal(back.tensors.get("x")!.dtype, "F64");
  assert.deepEqual(Array.from(back.tensors.get("y")!.data), Array.from(Float32Array.from([0.1, 0.2, 0.3])));
  assert.deepEqual(Array.from(back.tensors.get("z")!.data), [-7, 2 ** 30]);
  assert.deepEqual(back.metadata, { config: "{}" });
});

test("F16 and BF16 are widened exactly (known bit patterns)", () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x7c00), Number.POSITIVE_INFINITY);
  const bf = Buffer.alloc(4);
  bf.writeUInt16LE(0x3f80, 0); // 1.0
  bf.writeUInt16LE(0xc040, 2); // -3.0
  const c = decodeSafetensors(
    rawFile(JSON.stringify({ h: { dtype: "BF16", shape: [2], data_offsets: [0, 4] } }), bf),
  );
  assert.deepEqual(Array.from(c.tensors.get("h")!.data), [1, -3]);
});

test("firstDuplicateKey finds repeated keys per object, not across objects or inside strings", () => {
  assert.equal(firstDuplicateKey('{"a": {"x": 1}, "b": {"x": 2}}'), null);
  assert.equal(firstDuplicateKey('{"a": 1, "b": "a", "a": 2}'), "a");
  assert.equal(firstDuplicateKey('{"a\\"b": [1, "a\\"b"], "c": {"d": 1, "d": 2}}'), "d");
});

async function inspectWeights(bytes: Uint8Array, name: string) {
  const file = join(dir, `${name}.safetensors`);
  writeFileSync(file, bytes);
  const io = bufferIO();
  const code = await run(
    ["inspect", "--weights", file, "--data", "xor", "--activation", "tanh", "--backend", "ts", "--json"],
    io,
  );
  return { code, out: io.out, err: io.err };
}

const header = (h: object) => JSON.stringify(h);
const MALFORMED: { kind: string; bytes: () => Uint8Array; message: RegExp }[] = [
  {
    kind: "file shorter than the length field",
    bytes: () => Uint8Array.from([1, 0, 0]),
    message: /header length: the file has 3 bytes/,
  },
  {
    kind: "header length past the end of the file",
    bytes: () => rawFile(header(VALID), DATA, 5000n),
    message: /header length: 5000 bytes runs past the end of the file/,
  },
  {
    kind: "huge header length (above the limit)",
    bytes: () => rawFile(header(VALID), DATA, 2n ** 62n),
    message: /header length: \d+ bytes is above the limit of 100000000 bytes/,
  },
  {
    kind: "header is not JSON",
    bytes: () => rawFile('{"0.weight": {', DATA),
    message: /header: is not valid JSON/,
  },
  {
    kind: "unknown dtype",
    bytes: () =>
      rawFile(header({ ...VALID, "0.bias": { dtype: "Q7", shape: [3], data_offsets: [24, 36] } }), DATA),
    message: /0\.bias: unknown or unsupported dtype "Q7"/,
  },
  {
    kind: "shape does not match the offsets",
    bytes: () =>
      rawFile(header({ ...VALID, "0.weight": { dtype: "F32", shape: [3, 3], data_offsets: [0, 24] } }), DATA),
    message: /0\.weight: shape \[3, 3\] of F32 needs 36 bytes but data_offsets \[0, 24\] hold 24/,
  },
  {
    kind: "offsets out of range",
    bytes: () =>
      rawFile(header({ ...VALID, "2.bias": { dtype: "F32", shape: [2], data_offsets: [64, 72] } }), DATA),
    message: /2\.bias: data_offsets \[64, 72\] run past the end of the data section \(68 bytes\)/,
  },
  {
    kind: "overlapping offsets",
    bytes: () =>
      rawFile(
        header({
          ...VALID,
          "0.bias": { dtype: "F32", shape: [3], data_offsets: [20, 32] },
          pad: { dtype: "F32", shape: [1], data_offsets: [32, 36] },
        }),
        DATA,
      ),
    message: /0\.bias: data_offsets \[20, 32\] overlap the previous tensor/,
  },
  {
    kind: "non-contiguous data (a gap)",
    bytes: () =>
      rawFile(header({ ...VALID, "0.bias": { dtype: "F32", shape: [2], data_offsets: [28, 36] } }), DATA),
    message: /0\.bias: data_offsets \[28, 36\] leave a gap of 4 bytes/,
  },
  {
    kind: "duplicate tensor name",
    bytes: () =>
      rawFile(
        `{"0.weight": ${JSON.stringify(VALID["0.weight"])}, "0.bias": ${JSON.stringify(VALID["0.bias"])}, "2.weight": ${JSON.stringify(VALID["2.weight"])}, "2.bias": ${JSON.stringify(VALID["2.bias"])}, "0.bias": ${JSON.stringify(VALID["0.bias"])}}`,
        DATA,
      ),
    message: /0\.bias: the name appears twice in the header/,
  },
  {
    kind: "a tensor that is not an nn.Linear parameter",
    bytes: () =>
      rawFile(
        header({ ...VALID, "1.running_mean": { dtype: "F32", shape: [0], data_offsets: [68, 68] } }),
        DATA,
      ),
    message: /1\.running_mean: not an nn\.Linear parameter/,
  },
  {
    kind: "layer sizes that do not chain",
    bytes: () =>
      rawFile(
        header({
          ...VALID,
          "0.weight": { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] },
          "0.bias": { dtype: "F32", shape: [2], data_offsets: [24, 32] },
          "2.weight": { dtype: "F32", shape: [2, 3], data_offsets: [32, 56] },
          "2.bias": { dtype: "F32", shape: [3], data_offsets: [56, 68] },
        }),
        DATA,
      ),
    message:
      /0\.weight: has 3 inputs but data set xor has 2 features|2\.weight: has 3 inputs but the previous layer 0\.weight has 2 outputs/,
  },
];

for (const m of MALFORMED) {
  test(`inspect --weights, malformed file (${m.kind}): exit 2 with a one-line message naming the problem`, async () => {
    const r = await inspectWeights(m.bytes(), m.kind.replace(/\W+/g, "-"));
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, m.message);
    assert.equal(r.out, "");
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
  });
}

test("inspect --weights on the valid file runs the doctor on the file's 2-3-2 network", async () => {
  const r = await inspectWeights(rawFile(header(VALID), DATA), "valid");
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(
    doc.layers.map((l: { fanIn: number; fanOut: number }) => [l.fanIn, l.fanOut]),
    [
      [2, 3],
      [3, 2],
    ],
  );
  assert.ok(Math.abs(doc.layers[0].weightStd - std(W0)) < 1e-6);
});

function std(x: number[]): number {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
}
