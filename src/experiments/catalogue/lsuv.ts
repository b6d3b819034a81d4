/**
 * Experiment 11, "lsuv": LSUV (Mishkin & Matas 2016, arXiv:1511.06422) against He and Xavier on
 * deep MLPs with several activations. LSUV starts from orthonormal weights and rescales each layer
 * on a batch of data until its output variance is 1 (src/init/lsuv.ts); the paper reports test
 * accuracy equal to or better than the standard initializations, on very deep networks.
 */
import { type LsuvLayerResult, lsuvBatch, lsuvInitialize } from "../../init/lsuv.js";
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import {
  finalTable,
  layerLineChart,
  lossCurveChart,
  lossSeries,
  METRICS,
  probeSeries,
} from "../harness/run-charts.js";
import { mnistSize, type ProbedRun, runConfiguration, trainRun } from "../harness/train-run.js";
import type { Experiment, ExperimentContext, ExperimentResult } from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

const ACTIVATIONS = ["relu", "tanh", "selu"];
const INITS = [
  { name: "LSUV", spec: "orthogonal" },
  { name: "He", spec: "he_normal" },
  { name: "Xavier", spec: "xavier_normal" },
];
const TOL = 0.1;
const MARGIN = 0.02;

export const lsuvExperiment: Experiment = {
  name: "lsuv",
  order: 11,
  title: "LSUV (layer-sequential unit variance) vs He and Xavier on deep networks",
  claim:
    "LSUV, orthonormal weights rescaled layer by layer on a batch of data until each layer's output variance is 1, makes very deep networks trainable and reaches a test accuracy equal to or better than the standard initializations, whatever the activation.",
  source:
    "Mishkin & Matas 2016, 'All you need is a good init', ICLR, arXiv:1511.06422 (Algorithm 1; Tables 2-4 on FitNets and ResNets).",
  method: `MLPs with D hidden layers of W units on standardized MNIST, zero biases, SGD lr 0.02 momentum 0.9, batch 64; activations ${ACTIVATIONS.join(", ")}; initializations LSUV (orthogonal, then Algorithm 1 with Tol_var = ${TOL}, T_max = 10, on 256 training images drawn with the stream "lsuv", every layer including the output), He normal, Xavier normal. Probes on 256 other fixed training images at step 0 and at the end.`,
  rule: `(1) LSUV reaches |Var(z) - 1| < ${TOL} on its own batch at every layer. (2) On the probe batch (different images), every hidden layer's Var(z) at step 0 lies in [0.5, 2] with LSUV. (3) For each activation, LSUV's test accuracy is at least the best of He and Xavier minus ${100 * MARGIN} points (the paper: "equal or better").`,
  sizes: {
    quick: "D = 20, W = 64, 10,000 training / 2,000 test images, 400 steps per run, 9 runs",
    full: "D = 30, W = 128, 60,000 / 10,000 images, 3 epochs per run, 9 runs",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const depth = ctx.quick ? 20 : 30;
    const width = ctx.quick ? 64 : 128;
    const size = mnistSize(ctx.quick, 400, 3);
    const runs: ProbedRun[] = [];
    const lsuvInfo = new Map<string, LsuvLayerResult[]>();
    let i = 0;
    for (const act of ACTIVATIONS) {
      for (const init of INITS) {
        const label = `${act}, ${init.name}`;
        runs.push(
          await trainRun(
            ctx,
            label,
            i++,
            ACTIVATIONS.length * INITS.length,
            {
              data: "mnist",
              preprocess: "standardize",
              hidden: new Array(depth).fill(width),
              activation: act,
              init: init.spec,
              optimizer: "sgd",
              lr: 0.02,
              momentum: 0.9,
              batchSize: 64,
              seed: ctx.seed,
              lossEvery: 5,
              ...size,
            },
            {
              probeEvery: 0,
              prepare:
                init.name === "LSUV"
                  ? (net, data) =>
                      lsuvInfo.set(
                        act,
                        lsuvInitialize(net, lsuvBatch(data, 256, ctx.seed), 256, { tol: TOL }),
                      )
                  : undefined,
            },
          ),
        );
      }
    }
    const get = (act: string, init: string) => runs.find((r) => r.label === `${act}, ${init}`)!;
    const acc = (r: ProbedRun) => (r.record.final.diverged ? 0 : r.record.final.testAccuracy);
    const show = (r: ProbedRun) =>
      r.record.final.diverged ? `diverged (step ${r.record.final.divergedAtStep})` : pct(acc(r));
    const worstOwn = Math.max(...[...lsuvInfo.values()].flat().map((l) => Math.abs(l.after - 1)));
    const probeRange = ACTIVATIONS.flatMap((a) =>
      get(a, "LSUV")
        .probes[0].layers.slice(0, -1)
        .map((l) => l.preact.var),
    );
    const checks = [
      check("LSUV: max over layers of |Var(z) - 1| on its own batch", worstOwn, "<", TOL),
      check("LSUV: smallest hidden-layer Var(z) on the probe batch", Math.min(...probeRange), ">=", 0.5),
      check("LSUV: largest hidden-layer Var(z) on the probe batch", Math.max(...probeRange), "<=", 2),
      ...ACTIVATIONS.map((a) =>
        check(
          `${a}: LSUV accuracy minus the best of He and Xavier`,
          acc(get(a, "LSUV")) - Math.max(acc(get(a, "He")), acc(get(a, "Xavier"))),
          ">=",
          -MARGIN,
        ),
      ),
    ];
    const charts: ChartSpec[] = [
      ...ACTIVATIONS.map((a) =>
        layerLineChart(
          `var-${a}`,
          `${a}: Var(z) per layer at step 0 (probe batch)`,
          INITS.map((x) => get(a, x.name)),
          METRICS.preactVar,
          "Var(z)",
          {
            log: true,
            caption:
              a === "relu"
                ? "LSUV pins every layer near 1 by construction; Xavier halves Var(z) per ReLU layer."
                : undefined,
          },
        ),
      ),
      {
        kind: "bar",
        id: "accuracy",
        title: `Test accuracy after training, depth ${depth}`,
        categories: ACTIVATIONS,
        xLabel: "activation",
        y: { label: "test accuracy", min: 0, max: 1 },
        series: INITS.map((x) => ({ name: x.name, values: ACTIVATIONS.map((a) => acc(get(a, x.name))) })),
        caption: "A diverged run counts as 0.",
        markLines: [{ axis: "y", value: 0.1, label: "chance" }],
      },
      ...ACTIVATIONS.map((a) =>
        lossCurveChart(
          `loss-${a}`,
          `${a}: training loss`,
          INITS.map((x) => get(a, x.name)),
          { logY: true },
        ),
      ),
    ];
    return {
      verdict: verdict(
        checks,
        `Test accuracy (LSUV / He / Xavier): ${ACTIVATIONS.map((a) => `${a} ${INITS.map((x) => show(get(a, x.name))).join(" / ")}`).join("; ")}; LSUV's own-batch variance error at most ${fmt(worstOwn, 3)}.`,
      ),
      numbers: ACTIVATIONS.map((a) => ({
        label: `${a}: LSUV / He / Xavier`,
        value: INITS.map((x) => show(get(a, x.name))).join(" / "),
      })),
      charts,
      tables: [
        finalTable("final", "Final numbers", runs),
        {
          id: "lsuv-iterations",
          title: "LSUV per layer: Var(z) before and after, and the rescalings it took",
          columns: ["activation", "layer", "Var(z) before", "Var(z) after", "iterations"],
          rows: [...lsuvInfo.entries()].flatMap(([a, info]) =>
            info.map((l) => [a, l.layer + 1, l.before, l.after, l.iterations]),
          ),
        },
      ],
      series: [lossSeries("loss", runs), probeSeries("probes", runs)],
      configurations: runs.map(runConfiguration),
      notes: [
        "LSUV is implemented in src/init/lsuv.ts (also the initializer spec `lsuv`): each layer's weights are divided by sqrt(Var(z)) until |Var(z) - 1| < 0.1, layer by layer from the input.",
        "The paper's evidence is on convolutional networks (FitNets, ResNets on CIFAR-10/100, ImageNet); here the networks are deep MLPs on MNIST.",
        "A single seed per configuration: test accuracies of single short runs differ by a few points from seed to seed.",
      ],
    };
  },
};
