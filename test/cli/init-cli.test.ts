import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseInit } from "../../src/init/index.js";
import { decodeSafetensors } from "../../src/interop/safetensors.js";
import { Rng } from "../../src/tensor/rng.js";
import { cli } from "./helpers.js";

test("init describe: fan_out only when the initializer uses it, and a bad spec before a missing fan", async () => {
  const he = await cli("init", "describe", "he_normal", "--fan-in", "784", "--json");
  assert.equal(he.code, 0, he.err);
  assert.ok(Math.abs(JSON.parse(he.out).std - Math.sqrt(2 / 784)) < 1e-15);
  const text = await cli("init", "describe", "he_normal", "--fan-in", "784");
  assert.equal(text.code, 0, text.err);
  assert.doesNotMatch(text.out, /fan_out/);
  const bad = await cli("init", "describe", "he_normal(gain=2)", "--fan-in", "10");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /gain=2/);
  assert.doesNotMatch(bad.err, /fan-out/);
  const badNoFans = await cli("init", "describe", "he_normal(foo=1)");
  assert.match(badNoFans.err, /unknown argument "foo"/);
  for (const spec of ["xavier_normal", "kaiming_normal(mode=fan_out)", "orthogonal"]) {
    const r = await cli("init", "describe", spec, "--fan-in", "10");
    assert.equal(r.code, 2, spec);
    assert.match(r.err, /--fan-out is required/, spec);
  }
  assert.match((await cli("init", "describe", "he_normal")).err, /--fan-in is required/);
});

test("init describe --json: a truncated normal's bound is its truncation point, support the two points", async () => {
  const r = await cli("init", "describe", "lecun_normal", "--fan-in", "100", "--fan-out", "10", "--json");
  const doc = JSON.parse(r.out);
  // Keras: sigma = sqrt(1 / fan_in) / 0.87962566103423978, truncated at +-2 sigma
  const cut = (2 * Math.sqrt(1 / 100)) / 0.87962566103423978;
  assert.ok(Math.abs(doc.bound - cut) < 1e-15, String(doc.bound));
  assert.deepEqual(
    doc.support.map((x: number) => x.toPrecision(12)),
    [-cut, cut].map((x) => x.toPrecision(12)),
  );
  const t = JSON.parse(
    (await cli("init", "describe", "trunc_normal(1, 1, 0, 3)", "--fan-in", "3", "--json")).out,
  );
  assert.deepEqual(t.support, [0, 3]);
  assert.equal(t.bound, 1.5);
  const n = JSON.parse((await cli("init", "describe", "normal", "--fan-in", "3", "--json")).out);
  assert.equal(n.bound, null);
  assert.equal(n.support, null);
});

test("init sample --out writes the matrix (.npy read by NumPy, .csv, .safetensors), --json keeps the exact values", async () => {
  const dir = mkdtempSync(join(tmpdir(), "initlab-sample-"));
  try {
    const spec = "xavier_normal";
    const [rows, cols] = [5, 7];
    const want = new Float64Array(rows * cols);
    parseInit(spec).fill(want, { rows, cols, fanIn: cols, fanOut: rows }, Rng.derive(3, "init"));
    const npy = join(dir, "w.npy");
    const r = await cli(
      "init",
      "sample",
      spec,
      "--shape",
      `${rows},${cols}`,
      "--seed",
      "3",
      "--out",
      npy,
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.exact.std, Math.sqrt(2 / 12));
    assert.equal(doc.exact.mean, 0);
    assert.equal(doc.out, npy);
    assert.deepEqual(doc.shape, [rows, cols]);
    const csv = join(dir, "w.csv");
    assert.equal(
      (await cli("init", "sample", spec, "--shape", `${rows},${cols}`, "--seed", "3", "--out", csv)).code,
      0,
    );
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    assert.equal(lines.length, rows);
    assert.deepEqual(
      lines.flatMap((l) => l.split(",").map(Number)),
      Array.from(want),
    );
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    // NumPy reads the file; json.dumps prints each float64 in its shortest round-trip form (exact)
    const py = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import numpy as np, sys, json; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), a.dtype.str, a.ravel().tolist()]))",
        npy,
      ],
      { env, encoding: "utf8", timeout: 60_000 },
    );
    if (py.status !== 0) {
      // a machine without NumPy: the file is still checked byte by byte against the format's header
      assert.ok(/No module named|ENOENT/.test(`${py.stderr}${py.error ?? ""}`), py.stderr);
      assert.equal(readFileSync(npy).subarray(0, 6).toString("latin1"), "\x93NUMPY");
    } else {
      const [shape, dtype, values] = JSON.parse(py.stdout);
      assert.deepEqual(shape, [rows, cols]);
      assert.equal(dtype, "<f8");
      assert.deepEqual(values, Array.from(want));
    }
    // safetensors: read back by initlab's strict reader (one F64 tensor "weight", the exact values)
    const st = join(dir, "w.safetensors");
    assert.equal(
      (await cli("init", "sample", spec, "--shape", `${rows},${cols}`, "--seed", "3", "--out", st)).code,
      0,
    );
    const back = decodeSafetensors(new Uint8Array(readFileSync(st)), st).tensors.get("weight");
    assert.ok(back);
    assert.deepEqual(back.shape, [rows, cols]);
    assert.deepEqual(Array.from(back.data as Float64Array), Array.from(want));
    const bad = join(dir, "w.txt");
    const e = await cli("init", "sample", spec, "--shape", "2,2", "--out", bad);
    assert.equal(e.code, 2);
    assert.match(e.err, /w\.txt.*\.npy, \.csv, \.safetensors/);
    assert.equal(existsSync(bad), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
