// GFLOP/s of Backend.gemm for the shapes of MLP training, per backend and thread count.
// Usage: node --import tsx bench/gemm.ts [--json] [--backends=ts,wasm,native] [--threads=1,2]
//        [--shapes=MxKxN:tt,...] (tt = transA transB as n/t, e.g. 128x784x256:nt)
//        [--clock=wall|cpu]
// Each figure is the median of 7 timed repetitions, each long enough (>= 40 ms) for the clock.
// --clock=cpu divides by the process's CPU time (all threads) instead of wall time: on a shared,
// oversubscribed machine it estimates what one uncontended core does (GFLOP per CPU-second; at
// t=2 it is the rate per busy core, spin-waiting included).
import { cpus, loadavg } from "node:os";
import type { Backend, BackendName } from "../src/kernels/backend.js";
import { createBackend, listBackends } from "../src/kernels/registry.js";
import { Rng } from "../src/tensor/rng.js";

interface Shape {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  label: string;
}

/** m x k x n with the transposition the training step uses for it. */
const DEFAULT_SHAPES = [
  "128x784x256:nt forward Z = X W^T (batch 128, 784 -> 256)",
  "784x128x256:tn dW = dZ^T X shape",
  "128x256x784:nn dX = dZ W (784 <- 256)",
  "512x512x512:nn square",
  "64x784x100:nt forward, batch 64, 784 -> 100",
  "32x784x1000:nt forward, batch 32, 784 -> 1000",
  "128x256x10:nt forward, output layer 256 -> 10",
];

function parseShape(spec: string): Shape {
  const [dims, rest = "nn"] = spec.split(":");
  const [m, k, n] = dims.split("x").map(Number);
  const tt = rest.slice(0, 2);
  if (![m, k, n].every((x) => Number.isInteger(x) && x > 0) || !/^[nt][nt]$/.test(tt)) {
    throw new Error(`bad shape "${spec}": expected MxKxN:tt, e.g. 128x784x256:nt`);
  }
  return { m, k, n, transA: tt[0] === "t", transB: tt[1] === "t", label: `${dims}:${tt}` };
}

function option(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

let cpuClock = false;

/** Milliseconds of wall time, or of CPU time of the whole process with --clock=cpu. */
function now(): number {
  if (!cpuClock) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function measure(be: Backend, s: Shape, rng: Rng): number {
  const a = be.alloc(s.m * s.k);
  const b = be.alloc(s.k * s.n);
  const c = be.alloc(s.m * s.n);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform() - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform() - 0.5;
  const call = () => be.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, b, 0, c);
  call();
  let t0 = now();
  call();
  const once = Math.max(now() - t0, 1e-3);
  const inner = Math.max(1, Math.round(40 / once));
  const flop = 2 * s.m * s.n * s.k * inner;
  const rates: number[] = [];
  for (let r = 0; r < 7; r++) {
    t0 = now();
    for (let it = 0; it < inner; it++) call();
    rates.push(flop / (Math.max(now() - t0, 1e-3) * 1e6));
  }
  return median(rates);
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const clock = option("clock") ?? "wall";
  if (clock !== "wall" && clock !== "cpu") throw new Error(`bad --clock "${clock}"; valid: wall, cpu`);
  cpuClock = clock === "cpu";
  const shapes = (option("shapes")?.split(",") ?? DEFAULT_SHAPES.map((x) => x.split(" ")[0])).map(parseShape);
  const threadCounts = (option("threads") ?? "1,2").split(",").map(Number);
  const wanted = (option("backends") ?? "ts,wasm,native").split(",") as BackendName[];
  const available = listBackends();
  const results: { backend: string; variant: string; threads: number; shape: string; gflops: number }[] = [];
  const skipped: { backend: string; reason: string }[] = [];
  for (const name of wanted) {
    const info = available.find((x) => x.name === name);
    if (!info?.available) {
      skipped.push({ backend: name, reason: info?.reason ?? "unknown backend" });
      continue;
    }
    for (const threads of name === "ts" ? [1] : threadCounts) {
      const be = await createBackend(name, { threads });
      const variant = (be as { variant?: string }).variant ?? name;
      for (const s of shapes) {
        const gflops = measure(be, s, Rng.derive(1, s.label));
        results.push({ backend: name, variant, threads, shape: s.label, gflops });
        if (!json) {
          const line = `${name.padEnd(6)} ${variant.padEnd(22)} t=${threads}  ${s.label.padEnd(18)} ${gflops.toFixed(1).padStart(7)} GFLOP/s`;
          console.log(line);
        }
      }
      be.dispose();
    }
  }
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    clock,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  if (json) console.log(JSON.stringify({ machine, results, skipped }, null, 2));
  else {
    for (const s of skipped) console.log(`${s.backend}: skipped (${s.reason})`);
    console.log(
      `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${clock} clock, load ${machine.loadavg.join(" ")}`,
    );
  }
}

await main();
