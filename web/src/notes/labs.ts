import { Rng } from "../../../src/tensor/rng.js";
import { findPreset } from "../presets.js";
import type { ProbeView } from "../protocol.js";
import { datasetBytes, wasmBytes } from "../resources.js";
import { DEFAULT_STATE, type LabState, layers } from "../state.js";
import { fmt } from "../ui/theme.js";
import { type RunResult, runToEnd } from "./run.js";

/**
 * The live labs of the notes page: each runs one claim of the study notes in seconds, in the
 * lab's worker, and states the verdict its rule reaches. The rules are fixed here, before any
 * run (they are not tuned to the outcome); each lab names the full lab preset and the CLI
 * experiment that make the complete, slower version of the same check.
 */
export interface Verdict {
  pass: boolean;
  /** What was measured and what the rule asked, in one sentence. */
  text: string;
}

export interface LiveLab {
  id: string;
  /** What the lab runs, in one line. */
  what: string;
  /** The rule of the verdict, stated before running. */
  rule: string;
  /** The full lab: a preset id, or a state. */
  preset: string | null;
  state?: LabState;
  /** `initlab experiment run <name> --quick`. */
  experiment: string;
  /** A number the reader chooses (the Xavier lab's fan-in = fan-out). */
  input?: { label: string; min: number; max: number; value: number };
  run(input: number, column: string): Promise<Verdict[]>;
}

const preset = (id: string): LabState => findPreset(id)!.state;

/** MNIST training examples of every lab here: one data set, fetched once for all of them. */
const MNIST_EXAMPLES = 1000;

/**
 * Fetches what the labs need (the MNIST subset, the WebAssembly kernels) while the reader reads,
 * so a lab's seconds are spent training.
 */
export async function prefetch(): Promise<void> {
  await Promise.all([
    datasetBytes({ ...DEFAULT_STATE, data: "mnist", samples: MNIST_EXAMPLES })?.catch(() => undefined),
    wasmBytes().catch(() => undefined),
  ]);
}

/** ||dL/dW|| of layer 0 over the output layer's, at a probe. */
const gradRatio = (p: ProbeView) => p.layers[0].weightGradNorm / p.layers[p.layers.length - 1].weightGradNorm;

/** Var(z) of the last hidden layer over the first's. */
const varFall = (p: ProbeView) => p.layers[p.layers.length - 2].preVar / p.layers[0].preVar;

const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(1)}%`);

/** The largest dead fraction of the hidden layers at a probe. */
const mostDead = (p: ProbeView) => Math.max(0, ...p.layers.slice(0, -1).map((l) => l.dead ?? 0));

const column = (base: string, k: number) => `${base}-${k}`;

export const LABS: readonly LiveLab[] = [
  {
    id: "raw-pixels",
    what: "MNIST (1000 training examples), 2 x 64 ReLU, He init, SGD lr 0.05, 80 steps: raw pixels 0..255, standardized pixels, and sigmoid (Xavier) on raw pixels.",
    rule: "Reproduced when ReLU on raw pixels ends at most 20% test accuracy while ReLU on standardized pixels reaches at least 80%; sigmoid on raw pixels is compared with ReLU on raw pixels.",
    preset: "relu-raw-pixels",
    experiment: "raw-pixels",
    async run(_input, col) {
      const base = {
        ...preset("relu-raw-pixels"),
        samples: MNIST_EXAMPLES,
        hidden: layers(2, 64),
        steps: 80,
        probeEvery: 40,
      };
      const [raw, std, sig] = await Promise.all([
        runToEnd(base, column(col, 0)),
        runToEnd({ ...base, preprocess: "standardize" }, column(col, 1)),
        runToEnd({ ...base, activation: "sigmoid", init: "xavier_normal" }, column(col, 2)),
      ]);
      const acc = (r: RunResult) => r.last.testAccuracy ?? 0;
      return [
        {
          pass: acc(raw) <= 0.2 && acc(std) >= 0.8,
          text: `ReLU, raw pixels: ${pct(acc(raw))} test accuracy; ReLU, standardized: ${pct(acc(std))}.`,
        },
        {
          pass: acc(sig) > acc(raw),
          text: `Sigmoid on the same raw pixels: ${pct(acc(sig))} (ReLU: ${pct(acc(raw))}): the squashed output keeps it trainable.`,
        },
      ];
    },
  },
  {
    id: "vanishing",
    what: "MNIST, sigmoid, N(0, 0.05^2)-like small weights of the notes' preset, 5 and 8 hidden layers, the gradients at initialization.",
    rule: "Reproduced when layer 0's ||dL/dW|| relative to the output layer's is smaller with 8 layers than with 5, and below 1/100 with 8.",
    preset: "sigmoid-8-layers",
    experiment: "vanishing-depth",
    async run(_input, col) {
      const base = { ...preset("sigmoid-8-layers"), samples: MNIST_EXAMPLES };
      const [five, eight] = await Promise.all([
        runToEnd({ ...base, hidden: base.hidden.slice(0, 5) }, column(col, 0), 0),
        runToEnd(base, column(col, 1), 0),
      ]);
      const r5 = gradRatio(five.first);
      const r8 = gradRatio(eight.first);
      return [
        {
          pass: r8 < r5 && r8 <= 1e-2,
          text: `Layer 0's gradient is ${fmt(r5, 2)} of the output layer's with 5 sigmoid layers and ${fmt(r8, 2)} with 8.`,
        },
      ];
    },
  },
  {
    id: "exploding",
    what: "MNIST, 6 x 64 ReLU, W ~ N(0, 1), SGD lr 0.5 (the notes' large weights and large rate), 20 steps; then He normal.",
    rule: "Reproduced when N(0, 1) weights diverge (loss or gradient NaN or infinite) within 20 steps while He normal weights do not.",
    preset: "exploding",
    experiment: "exploding",
    async run(_input, col) {
      const base = { ...preset("exploding"), samples: MNIST_EXAMPLES, steps: 20, probeEvery: 5 };
      const [big, he] = await Promise.all([
        runToEnd(base, column(col, 0)),
        runToEnd({ ...base, init: "he_normal", lr: 0.01 }, column(col, 1)),
      ]);
      return [
        {
          pass: big.diverged && !he.diverged,
          text: big.diverged
            ? `N(0, 1): diverged at step ${big.divergedAtStep}; Var(z) of the last hidden layer was ${fmt(big.first.layers[big.first.layers.length - 2].preVar)} at step 0. He normal (lr 0.01): ${he.diverged ? "diverged too" : `trained ${he.steps} steps`}.`
            : `N(0, 1): no divergence in ${big.steps} steps.`,
        },
      ];
    },
  },
  {
    id: "dying-relu",
    what: "Spiral, 6 x 32, biases at -1, He weights, SGD, 600 steps: ReLU and PReLU.",
    rule: "Reproduced when some hidden ReLU layer has at least half its units dead at the end while the PReLU network reaches a higher test accuracy.",
    preset: "dying-relu-prelu",
    experiment: "dying-relu",
    async run(_input, col) {
      const base = { ...preset("dying-relu-prelu"), steps: 600, probeEvery: 100 };
      const [relu, prelu] = await Promise.all([
        runToEnd(base, column(col, 0)),
        runToEnd({ ...base, activation: "prelu" }, column(col, 1)),
      ]);
      const dead = mostDead(relu.last);
      return [
        {
          pass: dead >= 0.5 && (prelu.last.testAccuracy ?? 0) > (relu.last.testAccuracy ?? 0),
          text: `ReLU: up to ${pct(dead)} of a layer's units dead, test accuracy ${pct(relu.last.testAccuracy)}; PReLU: ${pct(prelu.last.testAccuracy)}.`,
        },
      ];
    },
  },
  {
    id: "moments",
    what: "Monte Carlo, 200 000 draws: Var of U(-r, r) with r = sqrt(3), and Var(XY) of independent X ~ N(0, 4), Y ~ N(0, 1/4).",
    rule: "Reproduced when each estimate is within 4 standard errors of the formula: r^2/3 = 1 and Var(X) Var(Y) = 1.",
    preset: null,
    experiment: "moments",
    async run() {
      const n = 200_000;
      const rng = Rng.derive(1, "notes-moments");
      const r = Math.sqrt(3);
      let su = 0;
      let sp = 0;
      for (let i = 0; i < n; i++) {
        const u = rng.uniformRange(-r, r);
        su += u * u;
        const xy = 2 * rng.normal() * 0.5 * rng.normal();
        sp += xy * xy;
      }
      const vu = su / n;
      const vp = sp / n;
      // standard errors of a mean of squares: sqrt((E[v^4] - E[v^2]^2) / n); E[u^4] = r^4/5, E[(XY)^4] = 9
      const seU = Math.sqrt((r ** 4 / 5 - 1) / n);
      const seP = Math.sqrt((9 - 1) / n);
      return [
        {
          pass: Math.abs(vu - 1) <= 4 * seU,
          text: `Var(U(-r, r)) = ${vu.toFixed(4)} (formula 1, standard error ${seU.toFixed(4)}).`,
        },
        {
          pass: Math.abs(vp - 1) <= 4 * seP,
          text: `Var(XY) = ${vp.toFixed(4)} (formula Var(X) Var(Y) = 1, standard error ${seP.toFixed(4)}).`,
        },
      ];
    },
  },
  {
    id: "xavier",
    what: "Spiral, 10 tanh layers of the width you choose (fan-in = fan-out = n), at initialization: Xavier normal, Var(w) = 2/(n + n) = 1/n, against N(0, 0.01^2).",
    rule: "Reproduced when with Xavier Var(z) of the last hidden layer is within a factor 10 of the second layer's (the flow holds) while N(0, 0.01^2) loses more than a factor 100; and the measured Var(z) of every hidden Xavier layer of width n (layers 1 to 9) is within a factor 2 of the theory's.",
    preset: null,
    state: { ...DEFAULT_STATE, hidden: layers(10, 64), init: "xavier_normal", steps: 300 },
    experiment: "variance-flow",
    input: { label: "fan-in = fan-out n", min: 4, max: 512, value: 64 },
    async run(n, col) {
      const base: LabState = { ...DEFAULT_STATE, hidden: layers(10, n), activation: "tanh", probeBatch: 256 };
      const [xavier, small] = await Promise.all([
        runToEnd({ ...base, init: "xavier_normal" }, column(col, 0), 0),
        runToEnd({ ...base, init: "normal(std=0.01)" }, column(col, 1), 0),
      ]);
      // from layer 1: layer 0's fan-in is the 2 inputs, not n
      const flow = (p: ProbeView) => p.layers[p.layers.length - 2].preVar / p.layers[1].preVar;
      const fx = flow(xavier.first);
      const fs = flow(small.first);
      // measured against the theory on the hidden layers of width n (the derivation's layers)
      const off = xavier.first.layers
        .slice(1, -1)
        .filter((l) => l.predPreVar !== null)
        .map((l) => ({ layer: l.layer, x: Math.max(l.preVar / l.predPreVar!, l.predPreVar! / l.preVar) }));
      const worst = off.reduce((a, b) => (b.x > a.x ? b : a), { layer: -1, x: 1 });
      const offTheory = worst.x;
      return [
        {
          pass: fx >= 0.1 && fx <= 10 && fs < 1e-2 && offTheory <= 2,
          text:
            `n = ${n}: Var(w) = ${fmt(1 / n, 3)}; Var(z) from layer 1 to 9 changes by x${fmt(fx, 2)} with Xavier, ` +
            `x${fmt(fs, 2)} with N(0, 0.01^2); measured vs theory within x${fmt(offTheory, 2)} (worst: layer ${worst.layer}).`,
        },
      ];
    },
  },
  {
    id: "he",
    what: "MNIST, 30 ReLU layers of 64, at initialization: Xavier normal (Var(w) = 1/n) against He normal (Var(w) = 2/n).",
    rule: "Reproduced when Var(z) of the last hidden layer over the first's is below 1e-5 with Xavier and between 0.1 and 10 with He.",
    preset: "xavier-vs-he-30",
    experiment: "he2015-depth",
    async run(_input, col) {
      const base = { ...preset("xavier-vs-he-30"), samples: MNIST_EXAMPLES };
      const [xavier, he] = await Promise.all([
        runToEnd(base, column(col, 0), 0),
        runToEnd({ ...base, init: "he_normal" }, column(col, 1), 0),
      ]);
      const fx = varFall(xavier.first);
      const fh = varFall(he.first);
      return [
        {
          pass: fx < 1e-5 && fh > 0.1 && fh < 10,
          text: `Var(z) of layer 29 over layer 0: ${fmt(fx, 2)} with Xavier (halved at every ReLU), ${fmt(fh, 2)} with He.`,
        },
      ];
    },
  },
];
