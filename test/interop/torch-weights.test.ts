// The bar of issue 14: a PyTorch nn.Sequential MLP, saved as safetensors by a Python script
// that writes the format by hand (8-byte little-endian header length, JSON header, raw
// little-endian float32; no safetensors package), is inspected by initlab; every layer's Var(z)
// equals PyTorch's own forward pass on the same batch within 1e-5 relative.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";
import { loadDataset } from "../../src/data/index.js";
import { probeBatch } from "../../src/probe/index.js";
import { runPython, torchMissing } from "./python.js";
import { writeTableCsv } from "./table-csv.js";

const dir = mkdtempSync(join(tmpdir(), "initlab-torchw-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SAVE_AND_FORWARD = `
import json, struct, sys
import numpy as np
import torch
from torch import nn

weights_path, batch_path, B, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.manual_seed(7)
model = nn.Sequential(nn.Linear(d, 64), nn.Tanh(), nn.Linear(64, 48), nn.Tanh(), nn.Linear(48, 32), nn.Tanh(), nn.Linear(32, 3))
with torch.no_grad():
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=1.3 / m.in_features ** 0.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)

# safetensors by hand: header length (u64 LE), JSON header, raw little-endian float32 data
state = model.state_dict()
header, chunks, offset = {}, [], 0
for name, t in state.items():
    raw = t.detach().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
    chunks.append(raw)
    offset += len(raw)
text = json.dumps(header).encode("utf-8")
with open(weights_path, "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for c in chunks:
        f.write(c)

x = torch.from_numpy(np.fromfile(batch_path, dtype="<f4").reshape(B, d))
out = []
h = x
with torch.no_grad():
    for m in model:
        h = m(h)
        if isinstance(m, nn.Linear):
            z = h.double()
            out.append(float(((z - z.mean()) ** 2).mean()))
print(json.dumps({"preactVar": out, "names": list(state.keys())}))
`;

test("a PyTorch nn.Sequential saved as safetensors by hand: initlab inspect's Var(z) per layer equals PyTorch's forward within 1e-5", async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const csv = join(dir, "table.csv");
  writeTableCsv(csv, 600, 16, 3);
  const opts = { data: `csv:${csv}`, preprocess: "standardize" as const, seed: 3 };
  const dataset = await loadDataset(opts);
  const B = 200;
  const batch = probeBatch(dataset, B, opts.seed);
  const batchFile = join(dir, "batch.f32");
  writeFileSync(batchFile, Buffer.from(batch.x.buffer, batch.x.byteOffset, batch.x.byteLength));
  const weights = join(dir, "mlp.safetensors");
  const torchOut = JSON.parse(await runPython(SAVE_AND_FORWARD, [weights, batchFile, String(batch.B), "16"]));
  assert.deepEqual(torchOut.names, [
    "0.weight",
    "0.bias",
    "2.weight",
    "2.bias",
    "4.weight",
    "4.bias",
    "6.weight",
    "6.bias",
  ]);

  const io = bufferIO();
  const code = await run(
    [
      "inspect",
      "--weights",
      weights,
      "--data",
      opts.data,
      "--preprocess",
      "standardize",
      "--seed",
      String(opts.seed),
      "--activation",
      "tanh",
      "--batch",
      String(B),
      "--backend",
      "ts",
      "--json",
    ],
    io,
  );
  assert.equal(code, 0, io.err);
  const doc = JSON.parse(io.out);
  assert.deepEqual(
    doc.layers.map((l: { fanIn: number; fanOut: number }) => [l.fanIn, l.fanOut]),
    [
      [16, 64],
      [64, 48],
      [48, 32],
      [32, 3],
    ],
  );
  assert.equal(doc.batch, B);
  doc.layers.forEach((l: { preact: { var: number } }, i: number) => {
    const ref = torchOut.preactVar[i];
    const rel = Math.abs(l.preact.var - ref) / ref;
    assert.ok(
      rel < 1e-5,
      `layer ${i}: initlab Var(z) ${l.preact.var} vs PyTorch ${ref} (relative ${rel.toExponential(2)})`,
    );
  });
});
