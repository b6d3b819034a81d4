// What probing costs during training: the MNIST MLP (784-256-256-10, ReLU, He normal, SGD momentum,
// batch 128: the `train` defaults) trained for a fixed number of steps with a probe every k steps
// (default 10), for each probe batch size given (default: 256, and 128, the config default).
//
// Two estimates of the overhead, both relative to the training time of k steps:
// - per step (robust to a busy machine): the time between consecutive onStep calls is one training step,
//   plus the probe when the step is a probe step. probe cost = median(probe-step intervals) - median(other
//   intervals); overhead = probe cost / (k * median(other intervals)). Medians ignore load spikes.
// - wall clock: (wall time with probes - wall time without) / wall time without, each the median of `--reps`
//   alternating runs (includes the step-0 probe with its theory prediction and one test-set evaluation).
// Usage: node --import tsx bench/probe-overhead.ts [--steps=300] [--every=10] [--probe-batch=256,128]
//        [--reps=3] [--backend=auto|ts|wasm|native] [--threads=N] [--hidden=256,256] [--json]
import { availableParallelism } from "node:os";
import { loadDataset } from "../src/data/index.js";
import { type BackendRequest, resolveBackend } from "../src/kernels/registry.js";
import { resolveConfig } from "../src/train/config.js";
import { train } from "../src/train/trainer.js";

function option(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const steps = Number(option("steps", "300"));
  const every = Number(option("every", "10"));
  const probeBatches = option("probe-batch", "256,128").split(",").map(Number);
  const reps = Number(option("reps", "3"));
  const backendName = option("backend", "auto");
  const threads = Number(option("threads", String(availableParallelism())));
  const hidden = option("hidden", "256,256").split(",").map(Number);
  const json = process.argv.includes("--json");
  const { backend } = await resolveBackend(backendName as BackendRequest, { threads });
  const dataset = await loadDataset({ data: "mnist", preprocess: "standardize", seed: 1 });
  const base = { hidden, maxSteps: steps, epochs: 1, seed: 1 };

  /** One run; returns the wall time and the step intervals (ms), split by "a probe ran after this step". */
  const run = (probeEvery: number, probeBatch: number) => {
    const plain: number[] = [];
    const probed: number[] = [];
    let last = 0;
    const t = performance.now();
    train(resolveConfig({ ...base, probeEvery, probeBatch }), {
      dataset,
      backend,
      hooks: {
        onStep: (s) => {
          const now = performance.now();
          if (s.step > 1) (probeEvery > 0 && s.step % probeEvery === 0 ? probed : plain).push(now - last);
          last = now;
        },
      },
    });
    return { wall: (performance.now() - t) / 1000, plain, probed };
  };

  run(0, 128); // warm-up (JIT, buffer growth)
  const results = probeBatches.map((probeBatch) => {
    const off: number[] = [];
    const on: number[] = [];
    const plain: number[] = [];
    const probed: number[] = [];
    for (let i = 0; i < reps; i++) {
      const a = run(0, probeBatch);
      const b = run(every, probeBatch);
      off.push(a.wall);
      on.push(b.wall);
      plain.push(...a.plain, ...b.plain);
      probed.push(...b.probed);
    }
    const stepMs = median(plain);
    const probeMs = median(probed) - stepMs;
    return {
      probeBatch,
      stepMs,
      probeMs,
      overheadPerStep: probeMs / (every * stepMs),
      wallWithout: median(off),
      wallWith: median(on),
      overheadWall: (median(on) - median(off)) / median(off),
    };
  });
  const doc = {
    backend: backend.name,
    threads: backend.threads,
    hidden,
    steps,
    probeEvery: every,
    reps,
    results,
  };
  if (json) console.log(JSON.stringify(doc, null, 2));
  else {
    console.log(
      `probe overhead on ${backend.name} (${backend.threads} threads), 784-${hidden.join("-")}-10, batch 128, ` +
        `a probe every ${every} steps, ${steps} steps x ${reps} runs (bar: < 15%)`,
    );
    for (const r of results) {
      console.log(
        `  probe batch ${r.probeBatch}: step ${r.stepMs.toFixed(1)} ms, probe ${r.probeMs.toFixed(1)} ms -> ` +
          `overhead ${(100 * r.overheadPerStep).toFixed(1)}% (per-step medians); wall ${r.wallWithout.toFixed(2)} s -> ` +
          `${r.wallWith.toFixed(2)} s, ${(100 * r.overheadWall).toFixed(1)}%`,
      );
    }
  }
  backend.dispose();
}

await main();
