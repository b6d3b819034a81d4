import "../src/node.js";
import { createBackend } from "../src/kernels/registry.js";
import { trainRun } from "../src/experiments/harness/train-run.js";
import { gradientGrowth } from "../src/probe/gradient-growth.js";

const backend = await createBackend("native", { threads: 1 });
const ctx = { quick: true, seed: 5, backend, progress: { run() {}, step() {}, log() {} } };
let t = performance.now();
for (const norm of ["batch", "none"]) for (const lr of [0.05, 0.4]) {
  t = performance.now();
  const r = await trainRun(ctx as never, "x", 0, 1, {
    data: "mnist", preprocess: "standardize", hidden: new Array(10).fill(100), activation: "sigmoid",
    init: "normal(std=0.05)", norm: norm as never, optimizer: "sgd", momentum: 0.9, lr, batchSize: 64,
    seed: 5, trainLimit: 10000, testLimit: 2000, maxSteps: 300, epochs: 100, lossEvery: 5,
  }, { probeEvery: null });
  console.log(norm, lr, r.record.final.testAccuracy, r.record.final.trainLoss, ((performance.now() - t) / 1000).toFixed(2), "s");
}
for (const arch of [{ norm: "batch" }, { norm: "batch", residual: 1 }, {}]) {
  t = performance.now();
  const g = gradientGrowth(1, { architecture: arch as never, backend });
  console.log(JSON.stringify(arch), g.perLayer, g.total, ((performance.now() - t) / 1000).toFixed(2), "s");
}
for (const B of [32, 64, 256, 1024]) {
  t = performance.now();
  const g = gradientGrowth(1, { architecture: { norm: "batch" }, backend, batch: B });
  console.log("B", B, g.perLayer, ((performance.now() - t) / 1000).toFixed(2), "s");
}
