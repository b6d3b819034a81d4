// initlab against PyTorch: fixture recorded by fixtures/gen_torch.py (run with Debian's python3-torch).
import assert from "node:assert/strict";
import { test } from "node:test";
import { calculateGain, computeFans, eye, parseInit, sparse } from "../../src/init/index.js";
import { Rng } from "../../src/tensor/rng.js";
import { assertClose, denseShape, KURTOSIS, moments, readFixture, truncatedByQuadrature } from "./helpers.js";

interface TorchFixture {
  torch_version: string;
  gains: { nonlinearity: string; param: number | null; gain: number }[];
  fans: { shape: number[]; fan_in: number; fan_out: number }[];
  formulas: {
    shape: number[];
    fan_in: number;
    fan_out: number;
    spec: string;
    kind: "bound" | "std";
    value: number;
    torch: string;
  }[];
  samples: {
    shape: number[];
    fan_in: number;
    fan_out: number;
    spec: string;
    n: number;
    mean: number;
    std: number;
    min: number;
    max: number;
  }[];
  sparse_zero_counts: { rows: number; cols: number; sparsity: number; zeros_per_column: number[] }[];
  eye_3x5: number[][];
}

const fx = readFixture<TorchFixture>("torch-init.json");
const skip = fx
  ? false
  : "test/init/fixtures/torch-init.json is missing: run `/usr/bin/python3 test/init/fixtures/gen_torch.py` where PyTorch is importable";

test("calculate_gain and fans equal PyTorch's exactly", { skip }, () => {
  const f = fx as TorchFixture;
  for (const g of f.gains) {
    const ours = calculateGain(g.nonlinearity, g.param ?? undefined);
    assertClose(ours, g.gain, 1e-15, `${g.nonlinearity}(${g.param})`);
  }
  for (const s of f.fans)
    assert.deepEqual(computeFans(s.shape), { fanIn: s.fan_in, fanOut: s.fan_out }, `${s.shape}`);
});

test("describe() gives the bound / std that PyTorch's source computes (1e-12)", { skip }, () => {
  const f = fx as TorchFixture;
  assert.ok(f.formulas.length >= 40);
  for (const r of f.formulas) {
    const d = parseInit(r.spec).describe(r.fan_in, r.fan_out);
    const ours = r.kind === "bound" ? (d.bound as number) : d.std;
    assertClose(ours, r.value, 1e-12, `${r.spec} on [${r.shape}] vs torch ${r.torch}`);
  }
});

/** Kurtosis of the family, for the sampling tolerance of a std. */
function kurtosisOf(spec: string, distribution: string, shape: number[]): number {
  if (distribution === "uniform") return KURTOSIS.uniform;
  if (distribution === "truncated_normal") {
    const init = parseInit(spec);
    const { mean, std, a, b } = init.args as { mean: number; std: number; a: number; b: number };
    return truncatedByQuadrature((a - mean) / std, (b - mean) / std).kurtosis;
  }
  if (distribution === "sparse") {
    const rows = shape[0];
    const { sparsity } = parseInit(spec).args as { sparsity: number };
    return 3 / ((rows - Math.ceil(sparsity * rows)) / rows);
  }
  return KURTOSIS.normal; // normal; orthogonal entries are nearly normal (and their mean square is exact)
}

test("torch's sample std agrees with our describe(), and with our own samples", { skip }, () => {
  const f = fx as TorchFixture;
  f.samples.forEach((s, i) => {
    const init = parseInit(s.spec);
    const d = init.describe(s.fan_in, s.fan_out);
    // sd of a sample std: sigma sqrt((kappa - 1) / (4 n))
    const sdOfStd = d.std * Math.sqrt((kurtosisOf(s.spec, d.distribution, s.shape) - 1) / (4 * s.n));
    assert.ok(Math.abs(s.std - d.std) < 5 * sdOfStd, `${s.spec}: torch std ${s.std} vs describe ${d.std}`);
    assert.ok(Math.abs(s.mean - d.mean) < (5 * d.std) / Math.sqrt(s.n), `${s.spec}: torch mean ${s.mean}`);
    if (d.support)
      assert.ok(s.min >= d.support[0] - 1e-12 && s.max <= d.support[1] + 1e-12, `${s.spec}: torch range`);
    const ours = drawLike(s.spec, s.shape, s.fan_in, s.fan_out, s.n, 1000 + i);
    const m = moments(ours);
    const diff = Math.abs(Math.sqrt(m.variance) - s.std);
    assert.ok(
      diff < 5 * Math.SQRT2 * sdOfStd,
      `${s.spec}: our sample std ${Math.sqrt(m.variance)} vs torch ${s.std}`,
    );
  });
});

/** n values from repeated fills of a rows x cols matrix (as gen_torch.py draws them). */
function drawLike(
  spec: string,
  shape: number[],
  fanIn: number,
  fanOut: number,
  n: number,
  seed: number,
): Float64Array {
  const rows = shape[0];
  const cols = shape.slice(1).reduce((p, q) => p * q, 1);
  const out = new Float64Array(n);
  const rng = new Rng(seed);
  const init = parseInit(spec);
  for (let at = 0; at < n; at += rows * cols) {
    init.fill(out.subarray(at, at + rows * cols), { rows, cols, fanIn, fanOut }, rng);
  }
  return out;
}

test("sparse zero counts per column and eye_ equal PyTorch's", { skip }, () => {
  const f = fx as TorchFixture;
  for (const c of f.sparse_zero_counts) {
    const out = new Float64Array(c.rows * c.cols);
    sparse(c.sparsity, 1).fill(
      out,
      { rows: c.rows, cols: c.cols, fanIn: c.cols, fanOut: c.rows },
      new Rng(1),
    );
    for (let j = 0; j < c.cols; j++) {
      let z = 0;
      for (let r = 0; r < c.rows; r++) if (out[r * c.cols + j] === 0) z++;
      assert.equal(z, c.zeros_per_column[j], `sparse ${c.rows}x${c.cols} ${c.sparsity}`);
    }
  }
  const e = new Float64Array(15);
  eye().fill(e, denseShape(5, 3), new Rng(1));
  assert.deepEqual(Array.from(e), f.eye_3x5.flat());
});
