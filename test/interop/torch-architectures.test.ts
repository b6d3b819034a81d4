// Residual and normalized networks against PyTorch 1.13 (Debian's): initlab's state_dict loads
// into the InitlabNet module of docs/architectures.md with load_state_dict(strict=True), and the
// module computes what initlab computes: logits in training mode (batch statistics) and in eval
// mode (running averages), every parameter gradient of the cross-entropy, and BatchNorm1d's
// running averages after one training forward pass, within 1e-4 relative to each tensor's
// largest entry (float32 on both sides). The module code in the docs is the code initlab exports.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { stateDictTensors } from "../../src/interop/state-dict.js";
import { TORCH_MODULE_CODE, torchModuleCall } from "../../src/interop/torch-module.js";
import { TsBackend } from "../../src/kernels/ts-backend.js";
import type { ArchitectureSpec } from "../../src/nn/architecture.js";
import { getLoss } from "../../src/nn/losses.js";
import { Network } from "../../src/nn/network.js";
import { Rng } from "../../src/tensor/rng.js";
import { runPython, torchMissing } from "./python.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-arch-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
import json, sys
import torch
from torch import nn
import torch.nn.functional as F
${TORCH_MODULE_CODE}
doc = json.load(open(sys.argv[1]))
SIZES = doc["sizes"]
ACT = {"tanh": nn.Tanh, "relu": nn.ReLU, "prelu": lambda: nn.PReLU(num_parameters=SIZES[1], init=0.25)}[doc["act"]]
act = lambda l, width: ACT()
model = eval(doc["call"])
sd = {k: torch.tensor(v["data"]).reshape(v["shape"]) for k, v in doc["state"].items()}
model.load_state_dict(sd, strict=True)
x = torch.tensor(doc["x"]).reshape(-1, SIZES[0])
y = torch.tensor(doc["y"])
model.train()
logits = model(x)
loss = F.cross_entropy(logits, y)
loss.backward()
out = {"train": logits.detach().flatten().tolist(), "grads": {k: p.grad.flatten().tolist() for k, p in model.named_parameters()}}
out["buffers"] = {k: b.flatten().tolist() for k, b in model.named_buffers() if "running" in k}
model.eval()
with torch.no_grad():
    out["eval"] = model(x).flatten().tolist()
print(json.dumps(out))
`;

const CASES: { act: string; arch: Partial<ArchitectureSpec> }[] = [
  { act: "tanh", arch: { residual: 2, norm: "batch", normPlace: "pre", branchScale: "rezero" } },
  { act: "relu", arch: { residual: 1, norm: "layer", normPlace: "post", branchScale: "inv_sqrt_depth" } },
  { act: "prelu", arch: { norm: "batch", normPlace: "post" } },
];

test("InitlabNet (docs/architectures.md) in PyTorch computes what initlab computes", async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const docs = readFileSync(new URL("../../docs/architectures.md", import.meta.url), "utf8");
  assert.ok(docs.includes(TORCH_MODULE_CODE.trim()), "docs/architectures.md shows the exported module code");
  for (const [k, c] of CASES.entries()) {
    const sizes = [6, 8, 8, 8, 8, 8, 3];
    const net = new Network(
      { sizes, activation: c.act, init: "he_normal", biasInit: "normal(std=0.1)", architecture: c.arch },
      { backend: new TsBackend() },
    ).initialize(k + 1);
    const rng = new Rng(k + 10);
    // parameters away from their start, so every path carries signal
    for (const p of net.params())
      if (p.kind !== "weight" && p.kind !== "bias")
        for (let i = 0; i < p.value.length; i++) p.value[i] += 0.2 * rng.normal();
    for (const n of net.norms)
      for (let j = 0; j < n.runningMean.length; j++) {
        n.runningMean[j] = 0.1 * rng.normal();
        n.runningVar[j] = 0.5 + rng.uniform();
      }
    const B = 10;
    const x = Float32Array.from({ length: B * 6 }, () => rng.normal());
    const y = Int32Array.from({ length: B }, () => rng.int(3));
    const state = Object.fromEntries(
      stateDictTensors(net).map((s) => [s.name, { shape: s.shape, data: Array.from(s.data) }]),
    );
    const file = join(dir, `case${k}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        sizes,
        act: c.act,
        call: torchModuleCall(sizes, net.architecture, "act"),
        state,
        x: Array.from(x),
        y: Array.from(y),
      }),
    );
    const got = JSON.parse(await runPython(SCRIPT, [file]));
    net.mode = "probe"; // batch statistics, running averages untouched
    const logits = Float64Array.from(net.forward(x, B));
    const d = new Float32Array(B * 3);
    net.mode = "train"; // one training forward: the running averages move once, as in PyTorch
    getLoss("cross_entropy").forward(net.forward(x, B), y, B, 3, d);
    net.backward(d);
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
      assert.equal(a.length, b.length, what);
      const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
      for (let i = 0; i < a.length; i++)
        assert.ok(
          Math.abs(a[i] - b[i]) <= 1e-4 * scale,
          `case ${k} ${what}[${i}]: initlab ${a[i]} torch ${b[i]}`,
        );
    };
    close(logits, got.train, "train logits");
    for (const p of net.params()) {
      const name = p.kind === "slope" ? p.name.replace(/slope$/, "act.weight") : p.name;
      close(p.grad, got.grads[name], `grad ${name}`);
    }
    for (const n of net.norms.filter((m) => m.kind === "batch")) {
      close(n.runningMean, got.buffers[`layers.${n.layer}.norm.running_mean`], "running_mean");
      close(n.runningVar, got.buffers[`layers.${n.layer}.norm.running_var`], "running_var");
    }
    net.mode = "eval";
    close(net.forward(x, B), got.eval, "eval logits");
  }
});
