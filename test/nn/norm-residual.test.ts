import assert from "node:assert/strict";
import { test } from "node:test";
import type { Backend, BackendName } from "../../src/kernels/backend.js";
import { createBackend, listBackends } from "../../src/kernels/registry.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import type { ArchitectureSpec } from "../../src/nn/architecture.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { NormLayer } from "../../src/nn/norm-layer.js";
import { Rng } from "../../src/tensor/rng.js";

/*
 * Residual blocks and normalization layers: BatchNorm/LayerNorm against their definitions written
 * out in float64 (and torch.nn.BatchNorm1d's running-average rule), float64 central-difference
 * gradient checks of whole networks for every combination, and every backend against the
 * TypeScript reference.
 */

const f64 = (n: number) => new Float64Array(n);

test("BatchNorm and LayerNorm forward: the definition written out, and BatchNorm1d's running averages", () => {
  const B = 6;
  const w = 4;
  const rng = new Rng(3);
  const x = Float64Array.from({ length: B * w }, () => 2 + 3 * rng.normal());
  for (const kind of ["batch", "layer"] as const) {
    const n = new NormLayer(kind, 0, w, new TsBackend(), f64);
    for (let j = 0; j < w; j++) {
      n.gamma[j] = 1 + 0.1 * j;
      n.beta[j] = -0.2 * j;
    }
    n.mode = "train";
    const y = n.forward(x, B);
    const groups = kind === "batch" ? w : B;
    const size = kind === "batch" ? B : w;
    const at = (g: number, k: number) => (kind === "batch" ? k * w + g : g * w + k);
    for (let g = 0; g < groups; g++) {
      let mu = 0;
      for (let k = 0; k < size; k++) mu += x[at(g, k)] / size;
      let v = 0;
      for (let k = 0; k < size; k++) v += (x[at(g, k)] - mu) ** 2 / size;
      for (let k = 0; k < size; k++) {
        const i = at(g, k);
        const j = i % w;
        const expect = (n.gamma[j] * (x[i] - mu)) / Math.sqrt(v + 1e-5) + n.beta[j];
        assert.ok(Math.abs(y[i] - expect) < 1e-12, `${kind} y[${i}] ${y[i]} vs ${expect}`);
      }
      if (kind === "batch") {
        // torch: running = 0.9 running + 0.1 batch, the variance unbiased (x B / (B - 1))
        assert.ok(Math.abs(n.runningMean[g] - 0.1 * mu) < 1e-12);
        assert.ok(Math.abs(n.runningVar[g] - (0.9 + (0.1 * v * B) / (B - 1))) < 1e-10);
      }
    }
    if (kind === "batch") {
      assert.equal(n.batchesTracked, 1);
      // probe mode: batch statistics, running averages untouched; eval mode: the running averages
      const before = Float64Array.from(n.runningVar);
      n.mode = "probe";
      n.forward(x, B);
      assert.deepEqual(Float64Array.from(n.runningVar), before);
      n.mode = "eval";
      const ye = n.forward(x, B);
      const expect = (n.gamma[1] * (x[1] - n.runningMean[1])) / Math.sqrt(n.runningVar[1] + 1e-5) + n.beta[1];
      assert.ok(Math.abs(ye[1] - expect) < 1e-12);
    }
  }
});

type Arch = Partial<ArchitectureSpec>;

/** Worst relative error of backward() against central differences over every parameter (float64). */
function gradcheck(arch: Arch, activation: string, seed: number, mode: "probe" | "eval" = "probe"): void {
  const B = 5;
  const sizes = arch.residual ? [4, 5, 5, 5, 5, 5, 3] : [4, 6, 5, 3];
  if (arch.residual === 1) sizes.splice(2, 1);
  const net = new Network(
    { sizes, activation, init: "normal(std=0.6)", biasInit: "normal(std=0.3)", architecture: arch },
    { dtype: "float64" },
  );
  net.initialize(seed);
  const rng = new Rng(seed + 100);
  // learnable and fixed scalars away from their start (0 for rezero would hide the branch gradient)
  for (const p of net.params())
    if (p.kind !== "weight" && p.kind !== "bias")
      for (let i = 0; i < p.value.length; i++) p.value[i] += 0.3 * rng.normal();
  for (const n of net.norms) {
    for (let j = 0; j < n.width && n.kind === "batch"; j++) {
      n.runningMean[j] = 0.3 * rng.normal();
      n.runningVar[j] = 0.5 + rng.uniform();
    }
  }
  net.mode = mode;
  const x = Float64Array.from({ length: B * sizes[0] }, () => rng.normal());
  const t = Int32Array.from({ length: B }, () => rng.int(3));
  const loss = getLoss("cross_entropy");
  const dLogits = new Float64Array(B * 3);
  const lossAt = () => loss.forward(net.forward(x, B), t, B, 3, null);
  loss.forward(net.forward(x, B), t, B, 3, dLogits);
  net.backward(dLogits);
  const h = 1e-6;
  const what = `${JSON.stringify(arch)} ${activation} ${mode}`;
  const names = new Set<string>();
  for (const p of net.params()) {
    names.add(p.kind);
    const analytic = Float64Array.from(p.grad);
    for (let i = 0; i < p.value.length; i++) {
      const v = p.value[i];
      p.value[i] = v + h;
      const up = lossAt();
      p.value[i] = v - h;
      const down = lossAt();
      p.value[i] = v;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(numeric - analytic[i]) / Math.max(1e-3, Math.abs(numeric) + Math.abs(analytic[i]));
      assert.ok(err < 1e-5, `${what} ${p.name}[${i}]: analytic ${analytic[i]} numeric ${numeric}`);
    }
  }
  if (arch.norm && arch.norm !== "none") assert.ok(names.has("norm_scale") && names.has("norm_shift"), what);
  if (arch.branchScale === "rezero") assert.ok(names.has("branch_scale"), what);
}

test("gradient check: normalization layers before and after the activation, training and eval statistics", () => {
  for (const norm of ["batch", "layer"] as const) {
    for (const normPlace of ["pre", "post"] as const) {
      gradcheck({ norm, normPlace }, "tanh", 3);
      gradcheck({ norm, normPlace }, "prelu", 4);
      if (norm === "batch") gradcheck({ norm, normPlace }, "gelu", 5, "eval");
    }
  }
});

test("gradient check: residual blocks of 1 and 2 layers, every branch scale, with and without normalization", () => {
  for (const residual of [1, 2] as const) {
    for (const branchScale of ["one", "const", "inv_sqrt_depth", "rezero", "skipinit"] as const) {
      gradcheck({ residual, branchScale, branchConst: 0.7 }, "tanh", 7);
    }
    for (const norm of ["batch", "layer"] as const) {
      gradcheck({ residual, norm, normPlace: "pre", branchScale: "rezero" }, "tanh", 8);
      gradcheck({ residual, norm, normPlace: "post" }, "silu", 9);
    }
  }
});

test("residual wiring: blocks, the stream x_{l+1} = x_l + alpha F(x_l), and one-line errors", () => {
  const net = new Network(
    {
      sizes: [3, 4, 4, 4, 4, 4, 2],
      activation: "relu",
      init: "normal",
      architecture: { residual: 2, branchScale: "const", branchConst: 0.5 },
    },
    { dtype: "float64" },
  ).initialize(2);
  assert.deepEqual(net.blocks, [
    [1, 2],
    [3, 4],
  ]);
  const x = Float64Array.from({ length: 6 }, (_, i) => i - 2);
  net.forward(x, 2);
  const [l0, , l2] = net.layers;
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(l2.S[i] - (l0.S[i] + 0.5 * l2.Z[i])) < 1e-12);
  const bad = (hidden: number[], arch: Arch) => () =>
    new Network({ sizes: [3, ...hidden, 2], activation: "relu", init: "normal", architecture: arch });
  assert.throws(bad([4, 5, 4], { residual: 1 }), /equal hidden widths/);
  assert.throws(bad([4, 4, 4, 4], { residual: 2 }), /blocks of 2/);
  assert.throws(bad([4], { residual: 1 }), /at least 2 hidden layers/);
  assert.throws(bad([4, 4], { branchInit: "fixup" }), /fixup/);
  assert.throws(bad([4, 4], { branchScale: "rezero" }), /needs residual/);
});

test("Fixup and ReZero start at the identity: every block adds nothing, the read-out is zero (Fixup)", () => {
  for (const arch of [
    { residual: 2, branchInit: "fixup" },
    { residual: 1, branchScale: "rezero" },
  ] as Arch[]) {
    const net = new Network(
      { sizes: [3, 8, 8, 8, 8, 8, 2], activation: "relu", init: "he_normal", architecture: arch },
      { dtype: "float64" },
    ).initialize(4);
    net.forward(
      Float64Array.from({ length: 9 }, (_, i) => Math.sin(i)),
      3,
    );
    const s0 = net.layers[0].S;
    const last = net.layers[net.layers.length - 2].S;
    for (let i = 0; i < 24; i++) assert.equal(last[i], s0[i], JSON.stringify(arch));
  }
  // Fixup: the first layer of each 2-layer branch is scaled by L^(-1/2) (L = 2 blocks)
  const he = new Network({ sizes: [3, 8, 8, 8, 8, 8, 2], activation: "relu", init: "he_normal" }).initialize(
    4,
  );
  const fx = new Network({
    sizes: [3, 8, 8, 8, 8, 8, 2],
    activation: "relu",
    init: "he_normal",
    architecture: { residual: 2, branchInit: "fixup" },
  }).initialize(4);
  assert.ok(Math.abs(fx.layers[1].W[5] - he.layers[1].W[5] / Math.SQRT2) < 1e-7);
  assert.ok(fx.layers[2].W.every((v) => v === 0) && fx.layers[5].W.every((v) => v === 0));
});

const available = new Set(
  listBackends()
    .filter((b) => b.available)
    .map((b) => b.name),
);

test("every backend agrees with the TypeScript reference on residual + normalization networks", async () => {
  // Tolerance: float32 kernels against the float32 TypeScript reference, one forward and backward
  // pass through 6 layers with normalization: 1e-4 relative to the largest entry of each tensor,
  // at least 1e-3 (a bias before BatchNorm has a gradient that is 0 up to rounding).
  const names = (["wasm", "native"] as BackendName[]).filter((n) => available.has(n));
  const rng = new Rng(9);
  const B = 16;
  const x = Float32Array.from({ length: B * 20 }, () => rng.normal());
  const t = Int32Array.from({ length: B }, () => rng.int(4));
  const arches: Arch[] = [
    { residual: 1, norm: "batch", normPlace: "pre", branchScale: "inv_sqrt_depth" },
    { residual: 2, norm: "layer", normPlace: "post", branchScale: "rezero" },
  ];
  const run = (backend: Backend, arch: Arch) => {
    const net = new Network(
      { sizes: [20, 32, 32, 32, 32, 32, 4], activation: "tanh", init: "xavier_normal", architecture: arch },
      { backend },
    ).initialize(1);
    for (const l of net.layers) if (l.alphaLearnable) l.alpha[0] = 0.5;
    const loss = getLoss("cross_entropy");
    const d = backend.alloc(B * 4);
    net.mode = "train";
    loss.forward(net.forward(x, B), t, B, 4, d);
    net.backward(d);
    net.mode = "eval";
    const evalOut = Float64Array.from(net.forward(x, B));
    return [evalOut, ...net.params().map((p) => Float64Array.from(p.grad))];
  };
  for (const arch of arches) {
    const ref = run(new TsBackend(), arch);
    for (const name of names) {
      const backend = await createBackend(name, { threads: 1 });
      try {
        const got = run(backend, arch);
        ref.forEach((r, k) => {
          const scale = Math.max(1e-3, ...r.map(Math.abs));
          for (let i = 0; i < r.length; i++)
            assert.ok(
              Math.abs(got[k][i] - r[i]) <= 1e-4 * scale,
              `${name} ${JSON.stringify(arch)} tensor ${k}[${i}]`,
            );
        });
      } finally {
        backend.dispose();
      }
    }
  }
});

test("save and load: initlab.network JSON and the state_dict keep the structure and every tensor", async () => {
  const { networkFromJSON, networkToJSON } = await import("../../src/nn/serialize.js");
  const { linearLayersOf, networkFromStateDict, stateDictTensors } = await import(
    "../../src/interop/state-dict.js"
  );
  const { decodeSafetensors, encodeSafetensors } = await import("../../src/interop/safetensors.js");
  const arch: Arch = { residual: 1, norm: "batch", normPlace: "post", branchScale: "skipinit" };
  const sizes = [5, 6, 6, 6, 3];
  const net = new Network({ sizes, activation: "prelu", init: "he_normal", architecture: arch }).initialize(
    3,
  );
  const rng = new Rng(1);
  const x = Float32Array.from({ length: 4 * 5 }, () => rng.normal());
  net.mode = "train";
  for (let i = 0; i < 3; i++) net.forward(x, 4);
  for (const p of net.params())
    if (p.kind !== "weight") for (let i = 0; i < p.value.length; i++) p.value[i] += 0.1 * rng.normal();
  net.mode = "eval";
  const want = Float64Array.from(net.forward(x, 4));
  const fromJson = networkFromJSON(JSON.parse(JSON.stringify(networkToJSON(net))), "mem.json");
  const contents = decodeSafetensors(encodeSafetensors(stateDictTensors(net)), "mem.safetensors");
  const fromDict = networkFromStateDict(linearLayersOf(contents, "mem"), "prelu", {
    architecture: { ...net.architecture },
  });
  for (const back of [fromJson, fromDict]) {
    assert.deepEqual(back.architecture, net.architecture);
    assert.equal(back.norms[0].batchesTracked, 3);
    back.mode = "eval";
    assert.deepEqual(Float64Array.from(back.forward(x, 4)), want);
  }
  // the file and the network must agree on the structure
  assert.throws(() => networkFromStateDict(linearLayersOf(contents, "mem"), "prelu"), /no such tensor/);
  const bad = networkToJSON(net) as unknown as { architecture: Record<string, unknown> };
  bad.architecture.norm = "group";
  assert.throws(() => networkFromJSON(bad, "x.json"), /norm: unknown value "group"/);
});
