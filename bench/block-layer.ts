// Microseconds of the kernels one hidden layer of the bench's workloads calls per training step
// (batch 128, 256 -> 256, ReLU), per backend at one thread: the plain layer of mlp-256x8 (three
// products, bias + relu, relu', bias gradient) and the residual + LayerNorm block layer of
// residual-layernorm (docs/architectures.md), once through the fused kernels Dense calls
// (biasResidualForward, normActivationForward, normActivationBackward) and once through the
// separate kernels they replace. The ratio plain / block is issue 15's bar for one layer (the whole
// step adds the input layer, the loss and the optimizer, which both networks share).
// Usage: node --import tsx bench/block-layer.ts [--json] [--backends=wasm,native]
// Each figure is the best of 300 repetitions of 5 calls (the figure least disturbed by other processes).
import { loadavg } from "node:os";
import type { Backend, BackendName } from "../src/kernels/backend.js";
import { createBackend, listBackends } from "../src/kernels/registry.js";
import { Rng } from "../src/tensor/rng.js";

const ROWS = 128;
const COLS = 256;

function option(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

/** Best time in microseconds of each sequence of kernel calls. */
function measure(be: Backend): Record<string, number> {
  const rng = Rng.derive(1, "bench block layer");
  const filled = (n: number, v?: number) => {
    const x = be.alloc(n);
    for (let i = 0; i < n; i++) x[i] = v ?? 2 * rng.uniform() - 1;
    return x;
  };
  const n = ROWS * COLS;
  const [X, Z, S, src, Y, xhat, H, dH, dU, dS, dZ, dX, skip] = Array.from({ length: 13 }, () => filled(n));
  const [W, dW] = [filled(COLS * COLS), filled(COLS * COLS)];
  const [b, gamma, beta, dGamma, dBeta, zero, db] = [0.1, 1, 0, 0, 0, 0, 0].map((v) => filled(COLS, v));
  const [mean, invStd] = [filled(ROWS, 0), filled(ROWS, 1)];
  const products = () => {
    be.gemm(false, true, ROWS, COLS, COLS, 1, X, W, 0, Z);
    be.gemm(true, false, COLS, COLS, ROWS, 1, dZ, X, 0, dW);
    be.gemm(false, false, ROWS, COLS, COLS, 1, dZ, W, 0, dX);
    be.sumRows(dZ, ROWS, COLS, db, 0);
  };
  const sequences: [string, () => void][] = [
    [
      "plain layer",
      () => {
        products();
        be.biasActivation(Z, b, H, ROWS, COLS, "relu", 0);
        be.activationBackward(Z, H, dH, dZ, n, "relu", 0);
      },
    ],
    [
      "block layer, fused kernels",
      () => {
        products();
        be.biasResidualForward(src, Z, b, 1, S, ROWS, COLS);
        be.normActivationForward(
          S,
          Y,
          xhat,
          gamma,
          beta,
          ROWS,
          COLS,
          "features",
          1e-5,
          mean,
          invStd,
          false,
          H,
          "relu",
          0,
        );
        be.normActivationBackward(
          dH,
          Y,
          H,
          "relu",
          0,
          dU,
          xhat,
          gamma,
          invStd,
          dS,
          dGamma,
          dBeta,
          ROWS,
          COLS,
          "features",
          skip,
        );
      },
    ],
    [
      "block layer, separate kernels",
      () => {
        products();
        be.addRowVector(Z, b, ROWS, COLS);
        be.residualForward(src, Z, 1, S, n);
        be.normForward(S, Y, xhat, gamma, beta, ROWS, COLS, "features", 1e-5, mean, invStd, false);
        be.biasActivation(Y, zero, H, ROWS, COLS, "relu", 0);
        be.activationBackward(Y, H, dH, dU, n, "relu", 0);
        be.normBackward(dU, xhat, gamma, invStd, dS, dGamma, dBeta, ROWS, COLS, "features");
        be.residualBackward(dS, skip, Z, 1, dZ, n);
      },
    ],
  ];
  const best: Record<string, number> = {};
  const reps = be.name === "ts" ? 3 : 300;
  for (let r = 0; r < reps; r++)
    for (const [name, f] of sequences) {
      const t = performance.now();
      for (let i = 0; i < 5; i++) f();
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ((performance.now() - t) * 1000) / 5);
    }
  return best;
}

const available = listBackends()
  .filter((b) => b.available && b.name !== "ts")
  .map((b) => b.name);
const wanted = (option("backends")?.split(",") ?? available) as BackendName[];
const results: { backend: string; variant: string; us: Record<string, number> }[] = [];
for (const name of wanted.filter((b) => available.includes(b) || b === "ts")) {
  const be = await createBackend(name, { threads: 1 });
  try {
    results.push({ backend: name, variant: process.env.INITLAB_NATIVE_ISA ?? "", us: measure(be) });
  } finally {
    be.dispose();
  }
}
if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ rows: ROWS, cols: COLS, loadavg: loadavg()[0], results }, null, 2));
} else {
  console.log(
    `one hidden layer's kernels, ${ROWS} x ${COLS} -> ${COLS}, relu, 1 thread, best of 300 x 5 (load ${loadavg()[0].toFixed(1)})`,
  );
  for (const r of results) {
    const plain = r.us["plain layer"];
    const cells = Object.entries(r.us).map(
      ([k, v]) =>
        `${k} ${v.toFixed(0)} us${k === "plain layer" ? "" : ` (plain / this ${(plain / v).toFixed(2)})`}`,
    );
    console.log(`${r.backend}${r.variant ? ` ${r.variant}` : ""}: ${cells.join(", ")}`);
  }
}
