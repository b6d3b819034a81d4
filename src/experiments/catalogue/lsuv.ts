/**
 * Experiment 11, "lsuv": LSUV (Mishkin & Matas 2016, arXiv:1511.06422) against He and Xavier on
 * deep MLPs with several activations. LSUV starts from orthonormal weights and rescales each layer
 * on a batch of data until its output variance is 1 (src/init/lsuv.ts); the paper reports test
 * accuracy equal to or better than the standard initializations, on very deep networks.
 */
import { type LsuvLayerResult, lsuvBatch, lsuvInitialize } from "../../init/lsuv.js";
import type { Network } from "../../nn/network.js";
import { CRITICAL_TOLERANCE, fanInSecondMoment } from "../../probe/inspect.js";
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt, pct } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
import { meanField } from "../../theory/index.js";
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
import { check, checkFact, verdict } from "../harness/verdict.js";

const ACTIVATIONS = ["relu", "tanh", "selu"];
const INITS = [
  { name: "LSUV", spec: "orthogonal" },
  { name: "He", spec: "he_normal" },
  { name: "Xavier", spec: "xavier_normal" },
];
const TOL = 0.1;
const MARGIN = 0.02;

/** What one seed measures. */
export interface LsuvMeasures {
  /** Largest |Var(z) - 1| over every layer of the three LSUV networks on LSUV's own batch. */
  worstOwn: number;
  /** Smallest and largest hidden-layer Var(z) of the LSUV networks at step 0 on the probe batch. */
  probeMin: number;
  probeMax: number;
  /** Per activation: LSUV test accuracy minus the best of He and Xavier (a diverged run counts as 0). */
  gap: Record<string, number>;
}

/** The verdict's checks from one seed's measures (the harness combines them over seeds; the gaps are paired). */
export function lsuvChecks(m: LsuvMeasures): Check[] {
  return [
    checkFact(
      `LSUV converged: |Var(z) - 1| < ${TOL} at every layer on its own batch`,
      m.worstOwn < TOL,
      true,
      `largest |Var(z) - 1| ${fmt(m.worstOwn, 3)}`,
    ),
    check("LSUV: smallest hidden-layer Var(z) on the probe batch", m.probeMin, ">=", 0.5),
    check("LSUV: largest hidden-layer Var(z) on the probe batch", m.probeMax, "<=", 2),
    ...ACTIVATIONS.map((a) =>
      check(`${a}: LSUV accuracy minus the best of He and Xavier`, m.gap[a] ?? null, ">=", -MARGIN),
    ),
  ];
}

/** The mean-field phase of an initialized network (before training), from its actual hidden weights. */
export interface NetworkChi {
  /** Median over the hidden layers after the first of fan_in * mean(W^2) (the first sees the data). */
  sigmaW2: number;
  chi1: number;
  qStar: number;
  phase: string;
}

/**
 * sigma_w^2 = fan_in E[W^2] measured on the network's weights (so LSUV's rescaling counts), and
 * chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] at the fixed point q* of the length map with zero bias
 * variance (Poole et al. 2016; Schoenholz et al. 2017); "critical" when |chi_1 - 1| <= the
 * doctor's tolerance (CRITICAL_TOLERANCE).
 */
export function networkChi(net: Network): NetworkChi {
  const hidden = net.layers.slice(1, -1);
  const s2 = hidden.map((l) => fanInSecondMoment(l.W, l.inDim)).sort((a, b) => a - b);
  const sigmaW2 = s2.length ? s2[Math.floor(s2.length / 2)] : Number.NaN;
  const mf = meanField(net.layers[1].activation, sigmaW2, 0, { tol: CRITICAL_TOLERANCE });
  return { sigmaW2, chi1: mf.chi1, qStar: mf.qStar, phase: mf.phase };
}

export const lsuvExperiment: Experiment = {
  name: "lsuv",
  order: 11,
  title: "LSUV (layer-sequential unit variance) vs He and Xavier on deep networks",
  claim:
    "LSUV, orthonormal weights rescaled layer by layer on a batch of data until each layer's output variance is 1, makes very deep networks trainable and reaches a test accuracy equal to or better than the standard initializations, whatever the activation.",
  source:
    "Mishkin & Matas 2016, 'All you need is a good init', ICLR, arXiv:1511.06422 (Algorithm 1; Tables 2-4 on FitNets and ResNets).",
  method: `MLPs with D hidden layers of W units on standardized MNIST, zero biases, SGD lr 0.02 momentum 0.9, batch 64; activations ${ACTIVATIONS.join(", ")}; initializations LSUV (orthogonal, then Algorithm 1 with Tol_var = ${TOL}, T_max = 10, on 256 training images drawn with the stream "lsuv", every layer including the output), He normal, Xavier normal. Probes on 256 other fixed training images at step 0 and at the end.`,
  rule: `Per seed, then over seeds with 95% t intervals (the accuracy gaps are paired differences over the same seeds). (1) LSUV reaches |Var(z) - 1| < ${TOL} on its own batch at every layer (on every seed). (2) On the probe batch (different images), every hidden layer's Var(z) at step 0 lies in [0.5, 2] with LSUV. (3) For each activation, LSUV's test accuracy is at least the best of He and Xavier minus ${100 * MARGIN} points (the paper: "equal or better").`,
  sizes: {
    quick: "D = 20, W = 64, 10,000 training / 2,000 test images, 400 steps per run, 9 runs",
    full: "D = 30, W = 128, 60,000 / 10,000 images, 3 epochs per run, 9 runs",
  },
  // CPU seconds of one quick seed (experiment run lsuv --quick --seeds 1 --jobs 1 --threads 1): orders the pool's queue.
  seedCost: 10,
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const depth = ctx.quick ? 20 : 30;
    const width = ctx.quick ? 64 : 128;
    const size = mnistSize(ctx.quick, 400, 3);
    const runs: ProbedRun[] = [];
    const lsuvInfo = new Map<string, LsuvLayerResult[]>();
    const chis = new Map<string, NetworkChi>();
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
              prepare: (net, data) => {
                if (init.name === "LSUV")
                  lsuvInfo.set(act, lsuvInitialize(net, lsuvBatch(data, 256, ctx.seed), 256, { tol: TOL }));
                chis.set(label, networkChi(net));
              },
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
    const checks = lsuvChecks({
      worstOwn,
      probeMin: Math.min(...probeRange),
      probeMax: Math.max(...probeRange),
      gap: Object.fromEntries(
        ACTIVATIONS.map((a) => [a, acc(get(a, "LSUV")) - Math.max(acc(get(a, "He")), acc(get(a, "Xavier")))]),
      ),
    });
    const chiOf = (act: string, init: string) => chis.get(`${act}, ${init}`)!;
    const phaseText = (act: string, init: string) => {
      const c = chiOf(act, init);
      return `${act} + ${init}: sigma_w^2 = ${fmt(c.sigmaW2, 3)}, chi_1 = ${fmt(c.chi1, 3)} (${c.phase})`;
    };
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
      numbers: [
        ...ACTIVATIONS.map((a) => ({
          label: `${a}: LSUV / He / Xavier`,
          value: INITS.map((x) => show(get(a, x.name))).join(" / "),
        })),
        ...ACTIVATIONS.flatMap((a) =>
          INITS.map((x) => ({ label: `chi_1, ${a} + ${x.name}`, value: chiOf(a, x.name).chi1 })),
        ),
      ],
      charts,
      tables: [
        {
          id: "phase",
          title: "Where each initialization puts the network: sigma_w^2, chi_1 and the mean-field phase",
          caption: `sigma_w^2 = fan_in E[W^2] (median over the hidden layers after the first, measured on the initialized weights, so LSUV's rescaling counts); chi_1 = sigma_w^2 E[phi'(sqrt(q*) z)^2] at the length map's fixed point q* with sigma_b^2 = 0 (Poole et al. 2016; Schoenholz et al. 2017); critical when |chi_1 - 1| <= ${CRITICAL_TOLERANCE}.`,
          columns: ["activation", "init", "sigma_w^2", "q*", "chi_1", "phase"],
          rows: ACTIVATIONS.flatMap((a) =>
            INITS.map((x) => {
              const c = chiOf(a, x.name);
              return [a, x.name, c.sigmaW2, c.qStar, c.chi1, c.phase];
            }),
          ),
        },
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
        `The mean-field phase of each initialization (seed ${ctx.seed}): ${ACTIVATIONS.flatMap((a) => INITS.map((x) => phaseText(a, x.name))).join("; ")}. LSUV fixes Var(z) = 1, not chi_1 = 1: with tanh, Var(z) = 1 needs sigma_w^2 = 1 / E[tanh(z)^2] ~ 2.5, which puts the network on the chaotic side (chi_1 ~ 1.18), while ReLU's unit variance is exactly its critical point sigma_w^2 = 2.`,
        "Test accuracies of single short runs differ by a few points from seed to seed: every check is a mean over the seeds with its 95% interval, and the accuracy gaps are paired (LSUV, He and Xavier run on the same seeds).",
      ],
    };
  },
};
