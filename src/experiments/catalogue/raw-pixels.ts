/**
 * Experiment 1, "raw-pixels": MNIST with raw (0..255) vs standardized pixels x ReLU vs sigmoid,
 * same architecture, initialization and optimizer. The notes' claims 1 and 2: ReLU on raw pixels
 * does not learn (flat loss or divergence), sigmoid does (its output is squashed into (0, 1)),
 * and ReLU on standardized data learns best.
 */
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import {
  finalTable,
  layerBarChart,
  lossCurveChart,
  lossSeries,
  METRICS,
  probeSeries,
} from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, checkFact, verdict } from "../harness/verdict.js";

const FAIL_ACCURACY = 0.3;
/** "Learns": five times chance (10 classes). */
const LEARN_ACCURACY = 0.5;

export const rawPixelsExperiment: Experiment = {
  name: "raw-pixels",
  order: 1,
  title: "ReLU on raw pixels does not learn; sigmoid does; ReLU on standardized data learns best",
  claim:
    "An MLP on MNIST with pixel values left in 0..255 does not learn with ReLU (the loss stays flat or diverges: activations and gradients are huge) but learns with sigmoid (its output is squashed into (0, 1)); standardizing the input fixes ReLU, which then learns best.",
  source: "The study notes, experimental results 1 and 2.",
  method:
    "Four runs on MNIST, identical but for the preprocessing (raw 0..255 or standardized with the training-set mean and std) and the hidden activation (ReLU or sigmoid): 784-128-128-10, He normal weights, zero biases, softmax cross-entropy, SGD lr 0.05 momentum 0.9, batch 64, seed shared. Per-layer statistics are probed on a fixed batch of 256 training images at step 0 and every 50 steps.",
  rule: `ReLU/raw does not learn: it diverges (NaN loss) or ends below ${pct(FAIL_ACCURACY)} test accuracy (chance is 10%). Sigmoid/raw learns: no divergence and above ${pct(LEARN_ACCURACY)} test accuracy (five times chance). ReLU/standardized learns (above ${pct(LEARN_ACCURACY)}) and its test accuracy is the highest of the four runs.`,
  sizes: {
    quick: "10,000 training / 2,000 test images, 300 steps per run",
    full: "60,000 / 10,000 images, 2 epochs (1,876 steps) per run",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const base = {
      data: "mnist",
      hidden: [128, 128],
      init: "he_normal",
      biasInit: "zeros",
      optimizer: "sgd" as const,
      lr: 0.05,
      momentum: 0.9,
      batchSize: 64,
      seed: ctx.seed,
      lossEvery: 5,
      ...mnistSize(ctx.quick, 300, 2),
    };
    const plan = [
      { label: "ReLU, raw", preprocess: "raw" as const, activation: "relu" },
      { label: "sigmoid, raw", preprocess: "raw" as const, activation: "sigmoid" },
      { label: "ReLU, standardized", preprocess: "standardize" as const, activation: "relu" },
      { label: "sigmoid, standardized", preprocess: "standardize" as const, activation: "sigmoid" },
    ];
    const runs: ProbedRun[] = [];
    for (const [i, p] of plan.entries()) {
      const { label, ...cfg } = p;
      runs.push(await trainRun(ctx, label, i, plan.length, { ...base, ...cfg }, { probeEvery: 50 }));
    }
    const [reluRaw, sigRaw, reluStd, sigStd] = runs;
    const acc = (r: ProbedRun) => r.record.final.testAccuracy;
    const reluRawFails = reluRaw.record.final.diverged || acc(reluRaw) < FAIL_ACCURACY;
    const best = Math.max(...runs.map(acc));
    const checks = [
      checkFact(
        "ReLU on raw pixels does not learn (diverged, or accuracy < 30%)",
        reluRawFails,
        true,
        reluRaw.record.final.diverged
          ? `diverged at step ${reluRaw.record.final.divergedAtStep}`
          : `test accuracy ${pct(acc(reluRaw))}`,
      ),
      checkFact("sigmoid on raw pixels does not diverge", !sigRaw.record.final.diverged),
      check("test accuracy, sigmoid on raw pixels", acc(sigRaw), ">", LEARN_ACCURACY),
      check("test accuracy, ReLU on standardized pixels", acc(reluStd), ">", LEARN_ACCURACY),
      check("ReLU/standardized minus the best of the four", acc(reluStd) - best, ">=", 0),
    ];
    const s0 = (r: ProbedRun) => r.probes[0].layers[0];
    const step0 = (r: ProbedRun) =>
      `${r.label}: Var(z1) = ${fmt(s0(r).preact.var)}, ||dL/dW1|| = ${fmt(s0(r).weightGradNorm)}`;
    const reluRawText = reluRaw.record.final.diverged
      ? `diverged at step ${reluRaw.record.final.divergedAtStep}`
      : `reached ${pct(acc(reluRaw))}`;
    const charts: ChartSpec[] = [
      lossCurveChart("loss-curves", "Training loss: raw vs standardized pixels, ReLU vs sigmoid", runs, {
        logY: true,
        caption:
          "The ReLU/raw curve is flat at a high value or ends at a NaN (dotted line); the others fall.",
      }),
      layerBarChart("step0-preact-var", "Var(z) per layer at step 0", runs, METRICS.preactVar, "Var(z)", {
        log: true,
        caption:
          "On raw pixels E[x^2] is about 10^4 times larger than after standardizing, and so is Var(z) of the first layer; ReLU passes it on unchanged, sigmoid squashes it.",
      }),
      layerBarChart(
        "step0-act-var",
        "Var(a) (activations) per layer at step 0",
        runs,
        METRICS.actVar,
        "Var(a)",
        {
          log: true,
          hiddenOnly: true,
        },
      ),
      layerBarChart(
        "final-inactive",
        "Inactive ReLU units per layer after training",
        [reluRaw, reluStd],
        METRICS.inactiveFraction,
        "fraction of units with z <= 0 on every probe image",
        {
          step: Number.POSITIVE_INFINITY,
          hiddenOnly: true,
          caption:
            "After the first huge steps on raw pixels the ReLU units sit on their flat side for every input: no gradient reaches them again, and the output is constant (the loss is stuck at ln 10 = 2.303).",
        },
      ),
      layerBarChart(
        "step0-grad-norm",
        "||dL/dW|| per layer at step 0",
        runs,
        METRICS.weightGradNorm,
        "||dL/dW||",
        {
          log: true,
          caption:
            "The gradient of the first layer is proportional to its input: with raw pixels it is hundreds of times larger, so one SGD step of lr 0.05 moves the weights far too much.",
        },
      ),
    ];
    return {
      verdict: verdict(
        checks,
        `ReLU on raw pixels ${reluRawText}; sigmoid on raw pixels ${pct(acc(sigRaw))}; ReLU standardized ${pct(acc(reluStd))}; sigmoid standardized ${pct(acc(sigStd))}.`,
      ),
      numbers: [
        ...runs.map((r) => ({
          label: `test accuracy, ${r.label}`,
          value: r.record.final.diverged ? `diverged (step ${r.record.final.divergedAtStep})` : pct(acc(r)),
        })),
        {
          label: "Var(z1) at step 0, raw / standardized",
          value: s0(reluRaw).preact.var / s0(reluStd).preact.var,
        },
      ],
      charts,
      tables: [finalTable("final", "Final numbers", runs), step0Table(runs)],
      series: [lossSeries("loss", runs), probeSeries("probes", runs)],
      configurations: runs.map(runConfiguration),
      notes: [
        ...runs.map(step0),
        "Accuracy is on the test images after the last step; 'diverged' means the batch loss or the gradient norm became NaN or infinite, at which point training stops.",
      ],
    };
  },
};

function step0Table(runs: ProbedRun[]) {
  return {
    id: "step0",
    title: "Per-layer scale at step 0 (fixed batch of 256 training images)",
    columns: ["run", "layer", "Var(z)", "Var(a)", "Var(dL/dz)", "||dL/dW||", "saturated", "inactive"],
    rows: runs.flatMap((r) =>
      r.probes[0].layers.map((l) => [
        r.label,
        l.index === r.probes[0].layers.length - 1 ? "out" : l.index + 1,
        l.preact.var,
        l.act.var,
        l.grad.var,
        l.weightGradNorm,
        l.saturatedFraction,
        l.inactiveFraction,
      ]),
    ),
  };
}
