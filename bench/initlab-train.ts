import type { Dataset } from "../src/data/index.js";
import type { Backend } from "../src/kernels/backend.js";
import { Rng } from "../src/tensor/rng.js";
import { resolveConfig } from "../src/train/config.js";
import { buildNetwork, train } from "../src/train/trainer.js";
import type { Workload } from "./workloads.js";

/** A random in-memory data set with the workload's shape (the same inputs for every engine). */
export function randomDataset(w: Workload, n: number): Dataset {
  const d = w.sizes[0];
  const C = w.sizes[w.sizes.length - 1];
  const rng = new Rng(12345);
  const x = Float32Array.from({ length: n * d }, () => rng.normal());
  const y = Int32Array.from({ length: n }, () => rng.int(C));
  return {
    name: `random-${w.name}`,
    inputDim: d,
    numClasses: C,
    classNames: Array.from({ length: C }, (_, i) => String(i)),
    trainX: x,
    trainY: y,
    nTrain: n,
    testX: x.subarray(0, d),
    testY: y.subarray(0, 1),
    nTest: 1,
    preprocess: "raw",
    stats: { mean: 0, std: 1, min: -5, max: 5 },
  };
}

/**
 * initlab's training throughput on workloads: the real trainer (gather, forward, loss, backward,
 * SGD momentum) timed by its own clock (training time only), median over `repeats` runs each. Like
 * the PyTorch peer (one model, warm-up steps, then the timed repeats), every run continues one
 * network per workload that a warm-up run has already trained: its buffers exist, so no run times
 * their first allocation. The workloads take turns run by run (repeat r of every workload, then
 * r + 1), so that a change in the machine's load falls on all of them and their ratios hold.
 */
export function measureInitlab(ws: Workload[], backend: Backend, seconds: number, repeats: number): number[] {
  const probeSteps = 5;
  const runs = ws.map((w) => {
    const config = (steps: number) =>
      resolveConfig({
        data: "csv:random-tensors", // a label: the data set is passed to train() directly, nothing is read
        preprocess: "raw",
        hidden: w.sizes.slice(1, -1),
        activation: w.activation,
        init: "xavier_uniform",
        lr: 0.01,
        momentum: 0.9,
        batchSize: w.batch,
        maxSteps: steps,
        epochs: 1_000_000,
        lossEvery: 1_000_000,
        seed: 1,
        ...(w.arch ? { residual: w.arch.residual, norm: w.arch.norm, normPlace: "pre" } : {}),
      });
    const data = randomDataset(w, w.batch * 64);
    const network = buildNetwork(config(probeSteps), data, backend);
    const warm = train(config(probeSteps), { dataset: data, backend, network });
    const stepSeconds = w.batch / warm.final.samplesPerSecond;
    const steps = Math.max(5, Math.round(seconds / repeats / stepSeconds));
    return () => train(config(steps), { dataset: data, backend, network }).final.samplesPerSecond;
  });
  const rates: number[][] = ws.map(() => []);
  for (let r = 0; r < repeats; r++) for (const [i, run] of runs.entries()) rates[i].push(run());
  return rates.map((x) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)]);
}
