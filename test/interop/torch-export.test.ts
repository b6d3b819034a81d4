// initlab export torch, run by Debian's PyTorch: from the same initial weights (saved by initlab)
// and the same batches (the exported data file carries initlab's split, batch order and probe
// batch), the script's step-0 per-layer statistics equal initlab's within 1e-5 relative and its
// first 20 SGD losses within 1e-4. Also: train --save FILE.safetensors writes the initial and
// final weights with the config, and train --weights reads them back.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { loadDataset } from "../../src/data/index.js";
import { parseInit } from "../../src/init/index.js";
import {
  initialWeightTensors,
  readSafetensorsFile,
  writeSafetensorsFile,
} from "../../src/interop/weights-file.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import { dataOptionsOf, resolveConfig } from "../../src/train/config.js";
import { buildNetwork, train } from "../../src/train/trainer.js";
import { runPython, torchMissing } from "./python.js";
import { writeTableCsv } from "./table-csv.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-export-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, "table.csv");
writeTableCsv(csv, 500, 12, 3);

const FLAGS = {
  data: `csv:${csv}`,
  hidden: [48, 32],
  activation: "tanh",
  init: "lecun_normal",
  biasInit: "normal(std=0.1)",
  batchSize: 16,
  maxSteps: 20,
  lr: 0.05,
  momentum: 0.9,
  seed: 4,
  probeEvery: 1000,
  probeBatch: 100,
  backend: "ts" as const,
};
const ARGV = [
  "--data",
  FLAGS.data,
  "--hidden",
  "48,32",
  "--activation",
  "tanh",
  "--init",
  "lecun_normal",
  "--bias-init",
  "normal(std=0.1)",
  "--batch-size",
  "16",
  "--max-steps",
  "20",
  "--lr",
  "0.05",
  "--momentum",
  "0.9",
  "--seed",
  "4",
  "--probe-every",
  "1000",
  "--probe-batch",
  "100",
  "--backend",
  "ts",
];

async function cli(...argv: string[]) {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}

/** initlab's run and the exported script's, compared (see the test names); `extra` adds settings. */
async function exportMatches(tag: string, extra: Record<string, unknown>, extraArgv: string[]) {
  // initlab's run, every step's loss recorded (lossEvery 1), its initial weights saved.
  const config = resolveConfig({ ...FLAGS, ...extra, lossEvery: 1 });
  const dataset = await loadDataset(dataOptionsOf(config));
  const backend = new TsBackend();
  const net = buildNetwork(config, dataset, backend);
  const weights = join(dir, `initial${tag}.safetensors`);
  writeSafetensorsFile(weights, initialWeightTensors(net));
  const record = train(config, { dataset, backend, network: net });
  assert.equal(record.lossCurve.length, 20);

  const script = join(dir, `run${tag}.py`);
  const data = join(dir, `data${tag}.safetensors`);
  const r = await cli(
    "export",
    "torch",
    ...ARGV,
    ...extraArgv,
    "--weights",
    weights,
    "--data-out",
    data,
    "--out",
    script,
  );
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(
    await runPython(
      `import runpy, sys; sys.argv = ["run.py"] + sys.argv[1:]; runpy.run_path(${JSON.stringify(script)}, run_name="__main__")`,
      ["--json"],
    ),
  );

  const p0 = record.probes[0];
  assert.equal(p0.step, 0);
  assert.equal(out.probe.layers.length, p0.layers.length);
  p0.layers.forEach((l, i) => {
    const py = out.probe.layers[i];
    for (const [ours, theirs, what] of [
      [l.preact.var, py.preactVar, "Var(z)"],
      [l.act.var, py.actVar, "Var(a)"],
      [l.grad.var, py.gradVar, "Var(dL/dz)"],
    ] as const) {
      const rel = Math.abs(ours - theirs) / Math.abs(theirs);
      assert.ok(
        rel < 1e-5,
        `layer ${i} ${what}: initlab ${ours} vs PyTorch ${theirs} (relative ${rel.toExponential(2)})`,
      );
    }
  });
  assert.ok(
    Math.abs(p0.loss - out.probe.loss) < 1e-5 * Math.abs(p0.loss),
    `probe loss ${p0.loss} vs ${out.probe.loss}`,
  );
  assert.equal(out.losses.length, 20);
  record.lossCurve.forEach((s, i) => {
    assert.equal(s.step, i + 1);
    assert.ok(
      Math.abs((s.loss as number) - out.losses[i]) < 1e-4,
      `step ${s.step}: initlab ${s.loss} vs PyTorch ${out.losses[i]}`,
    );
  });
  // The losses move: 20 steps are not a constant (an export that never steps would fail above).
  assert.ok(Math.abs(out.losses[19] - out.losses[0]) > 1e-3);
  return out;
}

test("export torch: the script reproduces initlab's step-0 probe (1e-5) and first 20 SGD losses (1e-4)", async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  await exportMatches("", {}, []);
});

test("export torch, residual blocks with BatchNorm: the InitlabNet script reproduces the probe and the losses", async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  // 48 -> 3 blocks of 1 layer with BatchNorm before tanh, alpha = 1/sqrt(3); test loss in eval mode
  const out = await exportMatches(
    "-res",
    { hidden: [48, 48, 48, 48], residual: 1, norm: "batch", branchScale: "inv_sqrt_depth" },
    ["--hidden", "48x4", "--residual", "1", "--norm", "batch", "--branch-scale", "inv_sqrt_depth"],
  );
  assert.equal(out.probe.layers.length, 5);
});

test("train --save FILE.safetensors: initial and final weights, config metadata; train --weights reads them back", async () => {
  const file = join(dir, "run.safetensors");
  const r1 = await cli("train", ...ARGV, "--save", file, "--quiet", "--json");
  assert.equal(r1.code, 0, r1.err);
  const rec1 = JSON.parse(r1.out);
  const contents = readSafetensorsFile(file);
  assert.deepEqual(
    [...contents.tensors.keys()].sort(),
    ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
      .flatMap((n) => [n, `initial.${n}`])
      .sort(),
  );
  assert.deepEqual(contents.tensors.get("2.weight")!.shape, [32, 48]);
  assert.equal(contents.metadata.format, "initlab.weights");
  assert.deepEqual(JSON.parse(contents.metadata.config), rec1.config);
  assert.equal(contents.metadata.steps, "20");
  // The initial weights are the ones the seed draws; the final ones differ from them.
  const config = resolveConfig(FLAGS);
  const net = buildNetwork(config, await loadDataset(dataOptionsOf(config)), new TsBackend());
  assert.deepEqual(Array.from(contents.tensors.get("initial.2.weight")!.data), Array.from(net.layers[1].W));
  assert.notDeepEqual(Array.from(contents.tensors.get("2.weight")!.data), Array.from(net.layers[1].W));
  // Starting from the saved initial weights (without the initializer) gives the same run, bit for bit.
  const r2 = await cli(
    "train",
    ...ARGV,
    "--init",
    "zeros",
    "--weights",
    file,
    "--weights-prefix",
    "initial.",
    "--quiet",
    "--json",
  );
  assert.equal(r2.code, 0, r2.err);
  assert.deepEqual(JSON.parse(r2.out).lossCurve, rec1.lossCurve);
  // The final weights load too (a state_dict without prefix).
  const r3 = await cli("inspect", "--data", FLAGS.data, "--activation", "tanh", "--weights", file, "--json");
  assert.equal(r3.code, 0, r3.err);
  assert.deepEqual(
    JSON.parse(r3.out).layers.map((l: { fanOut: number }) => l.fanOut),
    [48, 32, 3],
  );
});

test("export torch: initializers PyTorch lacks are explicit code with initlab's exact variance (Monte Carlo, 512x512)", async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const inits = ["variance_scaling(2, fan_in, truncated_normal)", "lecun_uniform", "xavier_sigmoid_normal"];
  const scripts: string[] = [];
  for (const [k, init] of inits.entries()) {
    scripts.push(join(dir, `init${k}.py`));
    const r = await cli(
      "export",
      "torch",
      "--data",
      "xor",
      "--hidden",
      "512,512",
      "--init",
      init,
      "--out",
      scripts[k],
    );
    assert.equal(r.code, 0, r.err);
  }
  const out = await runPython(
    `import runpy, json, sys
res = []
for path in sys.argv[1:]:
    g = runpy.run_path(path); m = g["build_model"](); g["initialize"](m); w = m[2].weight.double()
    res.append([float(w.var(unbiased=False)), float(w.mean())])
print(json.dumps(res))`,
    scripts,
  );
  const results: [number, number][] = JSON.parse(out);
  inits.forEach((init, k) => {
    const [variance, mean] = results[k];
    const expected = parseInit(init).describe(512, 512).variance;
    // 262144 draws: the variance estimate's relative standard error is below sqrt(2 / n) = 0.28%; allow 2%.
    assert.ok(
      Math.abs(variance / expected - 1) < 0.02,
      `${init}: PyTorch variance ${variance} vs initlab ${expected}`,
    );
    assert.ok(Math.abs(mean) < 5 * Math.sqrt(expected / 262144), `${init}: mean ${mean}`);
  });
});
