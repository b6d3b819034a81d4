// Microseconds of the normalization kernels (Backend.normForward / normBackward) for one
// rows x cols batch, per backend at one thread, beside the forward product of a cols -> cols dense
// layer on the same batch (gemm rows x cols x cols, nt) for scale.
// Usage: node --import tsx bench/norm.ts [--json] [--backends=ts,wasm,native] [--shape=128x256]
// Each figure is the best of 30 repetitions of 10 calls (the best, not the median: on a shared
// machine it is the figure least disturbed by other processes).
import { loadavg } from "node:os";
import type { Backend, BackendName } from "../src/kernels/backend.js";
import { createBackend, listBackends } from "../src/kernels/registry.js";
import { Rng } from "../src/tensor/rng.js";

function option(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

function filled(be: Backend, n: number, rng: Rng, fill?: number): Float32Array {
  const x = be.alloc(n);
  for (let i = 0; i < n; i++) x[i] = fill ?? 2 * rng.uniform() - 1;
  return x;
}

/** Best time in microseconds of one call of each kernel. */
function measure(be: Backend, rows: number, cols: number): Record<string, number> {
  const rng = Rng.derive(1, "bench norm");
  const n = rows * cols;
  const [x, y, xhat, dy, dx, w, c] = [n, n, n, n, n, cols * cols, n].map((k) => filled(be, k, rng));
  const [gamma, beta, dGamma, dBeta] = [1, 0, 0, 0].map((v) => filled(be, cols, rng, v));
  const [meanF, invF] = [filled(be, rows, rng, 0), filled(be, rows, rng, 0)];
  const [meanB, invB] = [filled(be, cols, rng, 0), filled(be, cols, rng, 0)];
  const kernels: [string, () => void][] = [
    [
      "layernorm forward",
      () => be.normForward(x, y, xhat, gamma, beta, rows, cols, "features", 1e-5, meanF, invF, false),
    ],
    [
      "layernorm backward",
      () => be.normBackward(dy, xhat, gamma, invF, dx, dGamma, dBeta, rows, cols, "features"),
    ],
    [
      "batchnorm forward",
      () => be.normForward(x, y, xhat, gamma, beta, rows, cols, "batch", 1e-5, meanB, invB, false),
    ],
    [
      "batchnorm backward",
      () => be.normBackward(dy, xhat, gamma, invB, dx, dGamma, dBeta, rows, cols, "batch"),
    ],
    ["gemm forward (scale)", () => be.gemm(false, true, rows, cols, cols, 1, x, w, 0, c)],
  ];
  const best: Record<string, number> = {};
  const reps = be.name === "ts" ? 3 : 30;
  for (let r = 0; r < reps; r++)
    for (const [name, f] of kernels) {
      const t = performance.now();
      for (let i = 0; i < 10; i++) f();
      const us = ((performance.now() - t) * 1000) / 10;
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, us);
    }
  return best;
}

const [rows, cols] = (option("shape") ?? "128x256").split("x").map(Number);
if (!(Number.isInteger(rows) && rows > 0 && Number.isInteger(cols) && cols > 0)) {
  console.error(`bench/norm: bad --shape "${option("shape")}": expected ROWSxCOLS, e.g. 128x256`);
  process.exit(2);
}
const available = listBackends()
  .filter((b) => b.available)
  .map((b) => b.name);
const wanted = (option("backends")?.split(",") ?? available) as BackendName[];
const results: { backend: string; us: Record<string, number> }[] = [];
for (const name of wanted.filter((b) => available.includes(b))) {
  const be = await createBackend(name, { threads: 1 });
  try {
    results.push({ backend: name, us: measure(be, rows, cols) });
  } finally {
    be.dispose();
  }
}
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ rows, cols, loadavg: loadavg()[0], results }, null, 2));
} else {
  console.log(
    `normalization kernels, ${rows} x ${cols}, 1 thread, best of 30 x 10 calls (load ${loadavg()[0].toFixed(1)})`,
  );
  for (const r of results) {
    const scale = r.us["gemm forward (scale)"];
    const cells = Object.entries(r.us).map(
      ([k, v]) => `${k} ${v.toFixed(1)} us (${(v / scale).toFixed(2)}x)`,
    );
    console.log(`${r.backend}: ${cells.join(", ")}`);
  }
}
