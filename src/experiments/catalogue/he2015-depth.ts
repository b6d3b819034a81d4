/**
 * Experiment 9, "he2015-depth": very deep ReLU MLPs (22 and 30 hidden layers) with Xavier vs He
 * initialization. He et al. 2015 ("Delving Deep into Rectifiers", arXiv:1502.01852, Sec. 2.2 and
 * Figures 2-3): Xavier's Var(w) = 1/n halves the signal's variance at every ReLU layer, so a
 * 30-layer network stalls, while Var(w) = 2/n keeps it and converges. Their figures are on
 * convolutional networks (22 and 30 conv layers on ImageNet); here the same depths are MLPs.
 */
import type { ChartSpec } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
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

const LN10 = Math.log(10);
const DEPTHS = [22, 30];
const INITS = [
  { name: "Xavier", spec: "xavier_normal" },
  { name: "He", spec: "he_normal" },
];

/** Mean batch loss over the last `steps` steps of a run (NaN-free points only; Infinity if none). */
export function tailLoss(r: ProbedRun, steps = 50): number {
  const c = r.record.lossCurve;
  const last = c.length ? c[c.length - 1].step : 0;
  const pts = c.filter((p) => p.step > last - steps && p.loss !== null).map((p) => p.loss as number);
  return pts.length ? pts.reduce((a, b) => a + b, 0) / pts.length : Number.POSITIVE_INFINITY;
}

/** The final training losses (tailLoss) of one seed's four runs. */
export interface HeDepthLosses {
  xavier22: number;
  he22: number;
  xavier30: number;
  he30: number;
}

/**
 * The verdict's checks from one seed's losses; the harness turns each into a mean over seeds with
 * its t interval (the differences are paired: both initializations run on the same seeds).
 */
export function he2015Checks(l: HeDepthLosses): Check[] {
  return [
    check("30 layers, Xavier: final training loss (stalls)", l.xavier30, ">", 0.95 * LN10),
    check("30 layers, He: final training loss (converges)", l.he30, "<", 0.8 * LN10),
    check("22 layers, He: final training loss (converges)", l.he22, "<", 0.8 * LN10),
    check("22 layers: He minus Xavier final training loss", l.he22 - l.xavier22, "<", 0),
  ];
}

export const he2015DepthExperiment: Experiment = {
  name: "he2015-depth",
  order: 9,
  title: "He et al. 2015: very deep ReLU networks stall with Xavier and converge with He",
  claim:
    "For ReLU networks, Xavier's Var(w) = 1/n halves the variance at every layer; at 30 layers the signal and the gradients have shrunk by 2^-30 and training stalls, while He's Var(w) = 2/n keeps them and the network converges. At 22 layers both can train, He earlier.",
  source:
    "He, Zhang, Ren & Sun 2015, 'Delving Deep into Rectifiers', arXiv:1502.01852, Sec. 2.2, Figure 2 (22 layers) and Figure 3 (30 layers). Their networks are convolutional (ImageNet); ours are MLPs of the same depth on MNIST.",
  method:
    "ReLU MLPs with 22 and 30 hidden layers of 128 units on standardized MNIST, zero biases, SGD lr 0.02 momentum 0.9, batch 64; Xavier normal (Var = 2/(n_in + n_out) = 1/n for square layers) vs He normal (2/n_in). Probes (256 images) at step 0 and at the end.",
  rule: `Training loss = mean batch loss over the last 50 steps; "stalls" = above 0.95 ln 10 = ${fmt(0.95 * LN10, 3)} (no better than a constant guess), "converges" = below 0.8 ln 10 = ${fmt(0.8 * LN10, 3)}. Per seed, then over seeds with 95% t intervals (He and Xavier run on the same seeds: the differences are paired). (1) 30 layers: Xavier stalls and He converges (which implies He below Xavier on that seed). (2) 22 layers: He converges, and He minus Xavier < 0. A run that diverges has loss +Infinity over its last steps (it neither converges nor counts as a finite loss).`,
  sizes: {
    quick: "10,000 training / 2,000 test images, 400 steps per run, 4 runs",
    full: "60,000 / 10,000 images, 3 epochs per run, 4 runs",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const size = mnistSize(ctx.quick, 400, 3);
    const runs: ProbedRun[] = [];
    let i = 0;
    for (const d of DEPTHS) {
      for (const init of INITS) {
        runs.push(
          await trainRun(
            ctx,
            `${d} layers, ${init.name}`,
            i++,
            DEPTHS.length * INITS.length,
            {
              data: "mnist",
              preprocess: "standardize",
              hidden: new Array(d).fill(128),
              activation: "relu",
              init: init.spec,
              optimizer: "sgd",
              lr: 0.02,
              momentum: 0.9,
              batchSize: 64,
              seed: ctx.seed,
              lossEvery: 5,
              ...size,
            },
            { probeEvery: 0 },
          ),
        );
      }
    }
    const [x22, h22, x30, h30] = runs;
    const checks = he2015Checks({
      xavier22: tailLoss(x22),
      he22: tailLoss(h22),
      xavier30: tailLoss(x30),
      he30: tailLoss(h30),
    });
    const charts: ChartSpec[] = [
      lossCurveChart(
        "loss-30",
        "30 hidden layers: training loss, Xavier vs He (cf. He et al. 2015, Fig. 3)",
        [x30, h30],
        {
          caption: "Xavier's curve stays at ln 10 = 2.30 (a constant guess); He's falls.",
        },
      ),
      lossCurveChart("loss-22", "22 hidden layers: training loss, Xavier vs He (cf. Fig. 2)", [x22, h22]),
      layerLineChart("preact-var", "Var(z) per layer at step 0", runs, METRICS.preactVar, "Var(z)", {
        log: true,
        caption:
          "Xavier halves Var(z) at every ReLU layer (2^-30 ~ 1e-9 after 30 layers); He keeps it level.",
      }),
      layerLineChart(
        "grad-norm",
        "||dL/dW|| per layer at step 0",
        runs,
        METRICS.weightGradNorm,
        "||dL/dW||",
        { log: true },
      ),
    ];
    return {
      verdict: verdict(
        checks,
        `30 layers: Xavier ends at loss ${fmt(tailLoss(x30), 3)} (ln 10 = 2.303), He at ${fmt(tailLoss(h30), 3)}; 22 layers: Xavier ${fmt(tailLoss(x22), 3)}, He ${fmt(tailLoss(h22), 3)}.`,
      ),
      numbers: runs.map((r) => ({ label: `final training loss, ${r.label}`, value: tailLoss(r) })),
      charts,
      tables: [
        finalTable("final", "Final numbers", runs),
        {
          id: "var-depth",
          title: "Var(z) of the last hidden layer at step 0",
          columns: ["run", "Var(z_1)", "Var(z_last hidden)", "ratio"],
          rows: runs.map((r) => {
            const L = r.probes[0].layers;
            return [
              r.label,
              L[0].preact.var,
              L[L.length - 2].preact.var,
              L[L.length - 2].preact.var / L[0].preact.var,
            ];
          }),
        },
      ],
      series: [lossSeries("loss", runs), probeSeries("probes", runs)],
      configurations: runs.map(runConfiguration),
      notes: [
        "He et al.'s Figures 2 and 3 are on convolutional networks trained on ImageNet; this experiment transfers their argument (Sec. 2.2: the variance is multiplied by n Var(w) / 2 per ReLU layer) to MLPs. Their 22-layer Xavier network also converges, later than theirs; in our short quick run it may not have started yet.",
      ],
    };
  },
};
