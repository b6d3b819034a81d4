// Where a training step's time goes: trains a workload (bench/workloads.ts) on one backend and
// times every Backend call (cumulative microseconds per step, per kernel and shape), and the rest
// of the step (JS: the loss, the layers' own loops, dispatch).
// Usage: node --import tsx bench/step-profile.ts [--backend=native] [--threads=1] [--steps=300]
//        [--workloads=mlp-256x8,residual-layernorm]
// The timing wrapper adds ~1 us per call (performance.now twice): compare kernels, not totals.
import { loadavg } from "node:os";
import type { Backend, BackendName } from "../src/kernels/backend.js";
import { createBackend } from "../src/kernels/registry.js";
import { resolveConfig } from "../src/train/config.js";
import { train } from "../src/train/trainer.js";
import { randomDataset } from "./initlab-train.js";
import { WORKLOADS } from "./workloads.js";

function option(name: string, def: string): string {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : def;
}

/** The backend with every method call timed into `totals` (name -> [calls, ms]). */
function timed(be: Backend, totals: Map<string, [number, number]>): Backend {
  return new Proxy(be, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== "function" || prop === "alloc" || prop === "dispose") return v;
      return (...args: unknown[]) => {
        const t = performance.now();
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        const dt = performance.now() - t;
        const key = String(prop) === "gemm" ? `gemm ${args.slice(0, 5).join(",")}` : String(prop);
        const e = totals.get(key) ?? [0, 0];
        e[0]++;
        e[1] += dt;
        totals.set(key, e);
        return r;
      };
    },
  });
}

const backendName = option("backend", "native") as BackendName;
const threads = Number(option("threads", "1"));
const steps = Number(option("steps", "300"));
const names = option("workloads", "mlp-256x8,residual-layernorm").split(",");
const be = await createBackend(backendName, { threads });
console.log(`${backendName} x${threads}, ${steps} steps, load ${loadavg()[0].toFixed(1)}`);
for (const w of WORKLOADS.filter((x) => names.includes(x.name))) {
  const config = (n: number) =>
    resolveConfig({
      data: "csv:random-tensors",
      preprocess: "raw",
      hidden: w.sizes.slice(1, -1),
      activation: w.activation,
      init: "xavier_uniform",
      lr: 0.01,
      momentum: 0.9,
      batchSize: w.batch,
      maxSteps: n,
      epochs: 1_000_000,
      lossEvery: 1_000_000,
      seed: 1,
      ...(w.arch ? { residual: w.arch.residual, norm: w.arch.norm, normPlace: "pre" } : {}),
    });
  const data = randomDataset(w, w.batch * 64);
  train(config(20), { dataset: data, backend: be });
  const plain = train(config(steps), { dataset: data, backend: be }).final.samplesPerSecond;
  const totals = new Map<string, [number, number]>();
  const t0 = performance.now();
  train(config(steps), { dataset: data, backend: timed(be, totals) });
  const wall = (performance.now() - t0) / steps;
  console.log(
    `\n${w.name}: ${plain.toFixed(0)} samples/s untimed (${((w.batch / plain) * 1e3).toFixed(0)} us/step); timed run ${(wall * 1e3).toFixed(0)} us/step wall`,
  );
  let sum = 0;
  for (const [k, [calls, ms]] of [...totals].sort((a, b) => b[1][1] - a[1][1])) {
    const us = (ms * 1e3) / steps;
    sum += us;
    console.log(
      `  ${k.padEnd(36)} ${(calls / steps).toFixed(1).padStart(5)} calls ${us.toFixed(0).padStart(6)} us`,
    );
  }
  console.log(
    `  ${"kernels total".padEnd(36)} ${"".padStart(11)} ${sum.toFixed(0).padStart(6)} us; rest ${(wall * 1e3 - sum).toFixed(0)} us`,
  );
}
be.dispose();
