// Wall time of a sweep of N equal runs on the worker-thread pool against the same runs one after
// the other (the bar of issue 6: at most 0.6x on a 2-core machine).
// Usage: node --import tsx bench/sweep-parallel.ts [--runs=8] [--workers=N (default: all cores)]
//        [--rounds=3] [--data=mnist] [--train-limit=4000] [--hidden=256,256] [--epochs=2] [--backend=auto] [--json]
// The runs differ only in their seed, so they do the same work. Both figures are whole sweeps
// (runLocalSweep, as `initlab sweep` runs them): one after the other is a pool of one thread,
// against a pool of N; each includes starting the pool, each thread loading the code and the
// data set, and storing every result in SQLite. Each round also times
// pure arithmetic in 1 and in N threads: on a machine busy with other work, that control ratio
// shows how much parallelism there was to be had.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type * as StoreModule from "../src/store/index.js";
import type * as RunLocalModule from "../src/sweep/run-local.js";
import type * as PlanModule from "../src/sweep/sweep-plan.js";
import type { TrainConfig } from "../src/train/config.js";

// The compiled code (dist/, built by npm ci) when it is there, as `initlab sweep` runs it: from
// the sources every pool thread would compile the TypeScript again (tsx), seconds per sweep.
const compiled = existsSync(new URL("../dist/src/sweep/run-local.js", import.meta.url));
const lib = compiled ? "../dist/src" : "../src";
const { openRunStore } = (await import(`${lib}/store/index.js`)) as typeof StoreModule;
const { runLocalSweep } = (await import(`${lib}/sweep/run-local.js`)) as typeof RunLocalModule;
const { planSweep } = (await import(`${lib}/sweep/sweep-plan.js`)) as typeof PlanModule;

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

const n = Number(arg("runs", "8"));
const workers = Number(arg("workers", String(availableParallelism())));
const nRounds = Number(arg("rounds", "3"));
const base: Partial<TrainConfig> = {
  data: arg("data", "mnist"),
  trainLimit: Number(arg("train-limit", "4000")),
  testLimit: 500,
  hidden: arg("hidden", "256,256").split(",").map(Number),
  epochs: Number(arg("epochs", "2")),
  batchSize: 32,
  backend: arg("backend", "auto") as TrainConfig["backend"],
};
const plan = planSweep({ name: "bench", base, grid: { seed: Array.from({ length: n }, (_, i) => i + 1) } });

/** The runs as a sweep on a fresh pool of `size` threads and a fresh store: wall seconds. */
async function sweep(size: number): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), "initlab-bench-sweep-"));
  const store = openRunStore(home);
  const t1 = performance.now();
  const result = await runLocalSweep("bench", plan.runs, store, { workers: size });
  const seconds = (performance.now() - t1) / 1000;
  const perRun = store.listRuns({ sweep: "bench" }).map((r) => r.final?.totalSeconds ?? Number.NaN);
  store.close();
  rmSync(home, { recursive: true, force: true });
  if (result.ok !== n) throw new Error(`sweep on ${size} threads: ${JSON.stringify(result)}`);
  lastPerRun = perRun;
  return seconds;
}
let lastPerRun: number[] = [];

/**
 * The machine's own parallel capacity: a fixed amount of pure arithmetic in `k` threads at once,
 * in wall seconds. On an idle machine with k cores, k threads take about as long as one; when
 * other processes keep the cores busy they take longer, and no sweep can beat that ratio.
 */
function spin(k: number): Promise<number> {
  const code =
    'let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 1.000001) % 1e9; require("node:worker_threads").parentPort.postMessage(x);';
  const t = performance.now();
  const one = () =>
    new Promise((resolve, reject) =>
      new Worker(code, { eval: true }).once("message", resolve).once("error", reject),
    );
  return Promise.all(Array.from({ length: k }, one)).then(() => (performance.now() - t) / 1000);
}

interface Round {
  sequentialSeconds: number;
  parallelSeconds: number;
  ratio: number;
  /** Per run (seconds inside train), from the last sweep of the round. */
  perRunSeconds: number[];
  /** k threads of arithmetic at once / k times one thread, measured in the same round. */
  controlRatio: number;
}

// Rounds alternate the order (sequential first, then parallel first, ...) so that a change in
// the machine's load during the benchmark does not favour one side; the figures are medians.
const rounds: Round[] = [];
for (let i = 0; i < nRounds; i++) {
  let seq: number;
  let par: number;
  if (i % 2 === 0) {
    seq = await sweep(1);
    par = await sweep(workers);
  } else {
    par = await sweep(workers);
    seq = await sweep(1);
  }
  const perRunSeconds = lastPerRun;
  const single = ((await spin(1)) + (await spin(1))) / 2;
  const controlRatio = (await spin(workers)) / (single * workers);
  rounds.push({
    sequentialSeconds: seq,
    parallelSeconds: par,
    ratio: par / seq,
    perRunSeconds,
    controlRatio,
  });
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ratio = median(rounds.map((r) => r.ratio));
const controlRatio = median(rounds.map((r) => r.controlRatio));
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(" ");

const doc = {
  code: compiled ? "dist" : "src",
  runs: n,
  workers,
  cpu: `${cpus()[0]?.model ?? "?"} x ${cpus().length}`,
  loadAverage: loadavg(),
  config: plan.runs[0].config,
  rounds,
  sequentialSeconds: median(rounds.map((r) => r.sequentialSeconds)),
  parallelSeconds: median(rounds.map((r) => r.parallelSeconds)),
  ratio,
  controlRatio,
};
if (process.argv.includes("--json")) console.log(JSON.stringify(doc, null, 2));
else {
  const c = plan.runs[0].config;
  console.log(
    `${n} runs of ${c.data} (${c.trainLimit} examples, hidden ${c.hidden.join(",")}, ${c.epochs} epochs, backend ${c.backend}, 1 thread each; code from ${compiled ? "dist/" : "src/ via tsx"})`,
  );
  for (const [i, r] of rounds.entries()) {
    console.log(
      `round ${i + 1}: one after the other (pool of 1) ${r.sequentialSeconds.toFixed(2)} s, pool of ${workers} ${r.parallelSeconds.toFixed(2)} s, ` +
        `ratio ${r.ratio.toFixed(3)}; pure arithmetic ${r.controlRatio.toFixed(3)}`,
    );
  }
  console.log(
    `median ratio ${ratio.toFixed(3)} (bar: <= 0.6); pure arithmetic ${controlRatio.toFixed(3)} ` +
      `(about ${(1 / workers).toFixed(2)} on an idle machine); load average ${load}`,
  );
}
