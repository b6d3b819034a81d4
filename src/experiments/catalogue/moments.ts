/**
 * Experiment 5, "moments": the probability the notes' derivation needs, checked by Monte Carlo.
 * Every row: a formula, its exact value, a simulated value from n draws, the error in standard
 * errors (estimated from the sample itself, see monte-carlo.ts) and whether it is within 4 SE.
 * The sigmoid linearization sigma(x) ~ 1/2 + x/4 is checked where it holds and where it breaks.
 */
import { parseInit } from "../../init/index.js";
import { sigmoid } from "../../math/sigmoid.js";
import type { ChartSpec, LineSeries } from "../../report/chart-spec.js";
import { fmt } from "../../report/format.js";
import type { Check } from "../../report/report-types.js";
import { Rng } from "../../tensor/rng.js";
import { activationMoments } from "../../theory/index.js";
import { draw, type SampleStats, sampleStats, TOLERANCE_SE } from "../harness/monte-carlo.js";
import {
  type Experiment,
  type ExperimentContext,
  type ExperimentResult,
  throwIfAborted,
} from "../harness/types.js";
import { check, verdict } from "../harness/verdict.js";

interface Row {
  formula: string;
  exact: number;
  simulated: number;
  se: number;
}

const sigmoidAct = { f: sigmoid, df: (x: number) => sigmoid(x) * (1 - sigmoid(x)) };
const tanhAct = { f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 };

/** What one seed measures. */
export interface MomentsMeasures {
  /** Formula rows whose simulation is within TOLERANCE_SE standard errors of the closed form, of `rows`. */
  within: number;
  rows: number;
  /** Relative error of Var(sigmoid(z)) ~ s^2 / 16 at s = 0.25 and at s = 1. */
  linErr025: number;
  linErr1: number;
  /** |x| where |sigmoid(x) - (1/2 + x/4)| reaches 0.01. */
  xBreak: number;
}

/** The verdict's checks from one seed's measures. */
export function momentsChecks(m: MomentsMeasures): Check[] {
  return [
    check(`rows within ${TOLERANCE_SE} SE (of ${m.rows})`, m.within, ">=", m.rows),
    check("linearization error of Var(sigmoid(z)) at s = 0.25", m.linErr025, "<", 0.05),
    check("linearization error of Var(sigmoid(z)) at s = 1", m.linErr1, ">", 0.2),
    check(
      "|x where the linearization error reaches 0.01| / (0.48)^(1/3) - 1",
      Math.abs(m.xBreak / Math.cbrt(48 * 0.01) - 1),
      "<",
      0.05,
    ),
  ];
}

/** The x > 0 where |sigmoid(x) - (1/2 + x/4)| first reaches eps (bisection; the error grows with x on [0, 6]). */
export function linearizationBreak(eps: number): number {
  const err = (x: number) => Math.abs(sigmoid(x) - (0.5 + x / 4));
  let lo = 0;
  let hi = 6;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (err(mid) < eps) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function rowsFor(
  n: number,
  rng: Rng,
  quick: boolean,
): { rows: Row[]; varXY: Float64Array; xavier: Float32Array } {
  const rows: Row[] = [];
  const add = (formula: string, exact: number, s: SampleStats, what: "mean" | "variance" | "second") => {
    const simulated = what === "mean" ? s.mean : what === "variance" ? s.variance : s.second;
    const se = what === "mean" ? s.seMean : what === "variance" ? s.seVariance : s.seSecond;
    rows.push({ formula, exact, simulated, se });
  };
  // Discrete: a fair die, E[X] = sum x P(x) = 3.5, Var = 35/12.
  const die = sampleStats(draw(n, () => 1 + rng.int(6)));
  add("die: E[X] = sum x P(x) = 21/6", 3.5, die, "mean");
  add("die: Var(X) = E[X^2] - E[X]^2 = 91/6 - 49/4", 35 / 12, die, "variance");
  // Uniform U(a, b) with a = -1, b = 3.
  const a = -1;
  const b = 3;
  const u = sampleStats(draw(n, () => rng.uniformRange(a, b)));
  add("U(-1, 3): E[X] = (a + b)/2", (a + b) / 2, u, "mean");
  add("U(-1, 3): E[X^2] = (a^2 + ab + b^2)/3", (a * a + a * b + b * b) / 3, u, "second");
  add("U(-1, 3): Var(X) = (b - a)^2 / 12", (b - a) ** 2 / 12, u, "variance");
  const r = 0.5;
  add(
    "U(-r, r), r = 0.5: Var(X) = r^2 / 3",
    (r * r) / 3,
    sampleStats(draw(n, () => rng.uniformRange(-r, r))),
    "variance",
  );
  // Normal N(2, 3^2).
  const nm = sampleStats(draw(n, () => 2 + 3 * rng.normal()));
  add("N(2, 9): E[X] = mu", 2, nm, "mean");
  add("N(2, 9): Var(X) = sigma^2", 9, nm, "variance");
  // Sums and products of independent X ~ U(-1, 3), Y ~ N(2, 9).
  const ex = 1;
  const vx = 4 / 3;
  const ey = 2;
  const vy = 9;
  add(
    "X ~ U(-1,3), Y ~ N(2,9) indep.: Var(X + Y) = Var X + Var Y",
    vx + vy,
    sampleStats(draw(n, () => rng.uniformRange(a, b) + 2 + 3 * rng.normal())),
    "variance",
  );
  const varXY = draw(n, () => rng.uniformRange(a, b) * (2 + 3 * rng.normal()));
  add(
    "Var(XY) = E[X]^2 Var Y + E[Y]^2 Var X + Var X Var Y",
    ex * ex * vy + ey * ey * vx + vx * vy,
    sampleStats(varXY),
    "variance",
  );
  add(
    "X ~ U(-1,1), Y ~ N(0,4): Var(XY) = Var X Var Y (zero means)",
    (1 / 3) * 4,
    sampleStats(draw(n, () => rng.uniformRange(-1, 1) * 2 * rng.normal())),
    "variance",
  );
  // One unit: z = sum_i w_i x_i with w ~ Xavier uniform, x ~ N(0, 1): Var(z) = n_in Var(w) Var(x).
  const nIn = 100;
  const nOut = 50;
  const bound = Math.sqrt(6 / (nIn + nOut));
  const units = quick ? 20000 : 400000;
  const z = draw(units, () => {
    let s = 0;
    for (let i = 0; i < nIn; i++) s += rng.uniformRange(-bound, bound) * rng.normal();
    return s;
  });
  add(
    "z = sum_{i<=100} w_i x_i, w ~ U(-r, r), r = sqrt(6/(100+50)), x ~ N(0,1): Var(z) = n_in 2/(n_in+n_out)",
    (nIn * 2) / (nIn + nOut),
    sampleStats(z),
    "variance",
  );
  // The project's Xavier initializers on a 256 x 784 layer (fan_in 784, fan_out 256).
  const fanIn = 784;
  const fanOut = 256;
  const shape = { rows: fanOut, cols: fanIn, fanIn, fanOut };
  const xavier = new Float32Array(fanIn * fanOut);
  parseInit("xavier_uniform").fill(xavier, shape, rng);
  add(
    "xavier_uniform, r = sqrt(6/(784+256)): Var(w) = r^2/3 = 2/(n_in + n_out)",
    2 / (fanIn + fanOut),
    sampleStats(xavier),
    "variance",
  );
  const xn = new Float32Array(fanIn * fanOut);
  parseInit("xavier_normal").fill(xn, shape, rng);
  add("xavier_normal: Var(w) = 2/(n_in + n_out)", 2 / (fanIn + fanOut), sampleStats(xn), "variance");
  parseInit("he_normal").fill(xn, shape, rng);
  add("he_normal: Var(w) = 2/n_in", 2 / fanIn, sampleStats(xn), "variance");
  return { rows, varXY, xavier };
}

const STDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4];

export const momentsExperiment: Experiment = {
  name: "moments",
  order: 5,
  title: "The probability behind the derivation, by Monte Carlo",
  claim:
    "E and Var of uniform and normal variables, Var(X+Y) = Var X + Var Y and Var(XY) = E[X]^2 Var Y + E[Y]^2 Var X + Var X Var Y for independent X, Y; the Xavier bound r = sqrt(6/(n_in+n_out)) gives Var(w) = 2/(n_in+n_out); sigmoid(x) ~ 1/2 + x/4 near 0, and it stops holding away from 0.",
  source:
    "The study notes, 'The probability the derivation needs' and 'Xavier / Glorot initialization' (Glorot & Bengio 2010, AISTATS, eq. 12-16).",
  method:
    "Draw n samples of each random variable with the seeded RNG (and the project's initializers for the weight rows); compare the sample mean / variance / second moment with the closed form. Var(sigmoid(z)) for z ~ N(0, s^2) is simulated and compared with Gauss quadrature (exact) and with the linearization s^2/16.",
  rule: `Every row is within ${TOLERANCE_SE} standard errors of its exact value (SE from the sample's own fourth moment). The sigmoid linearization Var(sigmoid(z)) ~ s^2/16 is within 5% of the simulated value at s = 0.25 and off by more than 20% at s = 1 (where it stops holding); the point where |sigmoid(x) - (1/2 + x/4)| reaches 0.01 is within 5% of the first neglected Maclaurin term's prediction x^3/48 = 0.01.`,
  sizes: {
    quick: "200,000 draws per row (20,000 units of fan-in 100)",
    full: "5,000,000 draws per row (400,000 units)",
  },
  async run(ctx: ExperimentContext): Promise<ExperimentResult> {
    const n = ctx.quick ? 200000 : 5000000;
    const rng = Rng.derive(ctx.seed, "moments");
    ctx.progress.run("closed forms vs samples", 0, 2);
    const { rows, varXY, xavier } = rowsFor(n, rng, ctx.quick);
    throwIfAborted(ctx);

    ctx.progress.run("activations of N(0, s^2)", 1, 2);
    const sig = STDS.map((s, i) => {
      ctx.progress.step(i, STDS.length, `s = ${s}`);
      const zs = draw(n, () => s * rng.normal());
      const st = sampleStats(zs.map(sigmoid));
      const th = sampleStats(zs.map(Math.tanh));
      return {
        s,
        sim: st.variance,
        se: st.seVariance,
        meanSim: st.mean,
        meanSe: st.seMean,
        exact: activationMoments(sigmoidAct, 0, s * s).variance,
        linear: (s * s) / 16,
        tanhSim: th.variance,
        tanhExact: activationMoments(tanhAct, 0, s * s).variance,
      };
    });
    for (const p of sig) {
      rows.push({
        formula: `z ~ N(0, ${p.s}^2): E[sigmoid(z)] = 1/2 (symmetry)`,
        exact: 0.5,
        simulated: p.meanSim,
        se: p.meanSe,
      });
      rows.push({
        formula: `z ~ N(0, ${p.s}^2): Var(sigmoid(z)) (Gauss quadrature)`,
        exact: p.exact,
        simulated: p.sim,
        se: p.se,
      });
    }
    throwIfAborted(ctx);

    const zScores = rows.map((r) => Math.abs(r.simulated - r.exact) / r.se);
    const within = zScores.filter((zs) => zs <= TOLERANCE_SE).length;
    const at025 = sig.find((p) => p.s === 0.25)!;
    const at1 = sig.find((p) => p.s === 1)!;
    const linErr = (p: (typeof sig)[number]) => Math.abs(p.linear - p.sim) / p.sim;
    const xBreak = linearizationBreak(0.01);
    const xTaylor = Math.cbrt(48 * 0.01);
    const checks = momentsChecks({
      within,
      rows: rows.length,
      linErr025: linErr(at025),
      linErr1: linErr(at1),
      xBreak,
    });
    const worst = Math.max(...zScores);

    const charts: ChartSpec[] = [
      {
        kind: "line",
        id: "sigmoid-linearization",
        title: "sigmoid(x) and its linearization 1/2 + x/4; tanh(x) and x",
        caption: `The linearization error |sigmoid(x) - (1/2 + x/4)| reaches 0.01 at |x| = ${fmt(xBreak)} (dotted lines); x^3/48 = 0.01 predicts ${fmt(xTaylor)}.`,
        x: { label: "x" },
        y: { label: "value", min: -1.5, max: 1.5 },
        series: [
          { name: "sigmoid(x)", group: "sigmoid", points: grid(-6, 6, 121, sigmoid), markers: false },
          {
            name: "1/2 + x/4",
            group: "sigmoid",
            role: "theory",
            points: grid(-6, 6, 121, (x) => 0.5 + x / 4),
          },
          { name: "tanh(x)", group: "tanh", points: grid(-6, 6, 121, Math.tanh), markers: false },
          { name: "x", group: "tanh", role: "theory", points: grid(-6, 6, 121, (x) => x) },
        ],
        markLines: [
          { axis: "x", value: xBreak, label: `+${fmt(xBreak, 3)}` },
          { axis: "x", value: -xBreak, label: `-${fmt(xBreak, 3)}` },
        ],
      },
      {
        kind: "line",
        id: "activation-variance",
        title: "Var(phi(z)) for z ~ N(0, s^2): simulated, exact, linearized",
        caption:
          "Where the dots leave the dashed line the linearization stops holding: sigmoid near s = 0.5, tanh near s = 0.3.",
        x: { label: "s (std of z)", log: true },
        y: { label: "Var(phi(z))", log: true },
        series: [
          { name: "sigmoid: simulated", group: "sigmoid", points: sig.map((p) => [p.s, p.sim]) },
          {
            name: "sigmoid: quadrature",
            group: "sigmoid",
            role: "reference",
            points: sig.map((p) => [p.s, p.exact]),
          },
          {
            name: "sigmoid: s^2/16",
            group: "sigmoid",
            role: "theory",
            points: sig.map((p) => [p.s, p.linear]),
          },
          { name: "tanh: simulated", group: "tanh", points: sig.map((p) => [p.s, p.tanhSim]) },
          {
            name: "tanh: quadrature",
            group: "tanh",
            role: "reference",
            points: sig.map((p) => [p.s, p.tanhExact]),
          },
          { name: "tanh: s^2", group: "tanh", role: "theory", points: sig.map((p) => [p.s, p.s * p.s]) },
        ],
      },
      convergenceChart(varXY, 26 + 1 / 3),
      xavierHistogram(xavier, Math.sqrt(6 / (784 + 256))),
      {
        kind: "bar",
        id: "errors-in-se",
        title: "Simulation error of every row, in standard errors",
        caption: `Each bar is |simulated - exact| / SE; the rule allows up to ${TOLERANCE_SE}. About 1 row in 3 exceeds 1 SE by chance alone.`,
        categories: rows.map((_, i) => String(i + 1)),
        xLabel: "row of the table",
        y: { label: "|error| / SE", min: 0 },
        series: [{ name: "|error| / SE", values: zScores }],
        markLines: [{ axis: "y", value: TOLERANCE_SE, label: "tolerance" }],
      },
    ];

    return {
      verdict: verdict(
        checks,
        `${within} of ${rows.length} formulas agree with ${fmt(n)} draws within ${TOLERANCE_SE} SE (worst ${fmt(worst, 3)} SE); ` +
          `sigmoid ~ 1/2 + x/4 holds to 0.01 for |x| < ${fmt(xBreak, 3)}, and Var(sigmoid(z)) ~ s^2/16 is off by ${fmt(100 * linErr(at025), 2)}% at s = 0.25 but ${fmt(100 * linErr(at1), 3)}% at s = 1.`,
      ),
      numbers: [
        { label: "draws per row", value: n },
        { label: "rows within tolerance", value: `${within}/${rows.length}` },
        { label: "worst error", value: worst, unit: "SE" },
        { label: "sigmoid linearization breaks (0.01) at |x| =", value: xBreak },
      ],
      charts,
      tables: [
        {
          id: "moments",
          title: "Formulas: exact vs simulated",
          caption: `n = ${n} draws per row (rows with z: ${ctx.quick ? 20000 : 400000} units). Tolerance: ${TOLERANCE_SE} standard errors.`,
          columns: ["#", "formula", "exact", "simulated", "error", "SE", "|error|/SE", "within tolerance"],
          rows: rows.map((r, i) => [
            i + 1,
            r.formula,
            r.exact,
            r.simulated,
            r.simulated - r.exact,
            r.se,
            zScores[i],
            zScores[i] <= TOLERANCE_SE,
          ]),
        },
        {
          id: "linearization",
          title: "Where sigmoid ~ 1/2 + x/4 stops holding: Var(sigmoid(z)) vs s^2/16",
          columns: [
            "s",
            "Var(sigmoid(z)) simulated",
            "exact (quadrature)",
            "s^2/16",
            "linearization error",
            "within 5%",
          ],
          rows: sig.map((p) => [p.s, p.sim, p.exact, p.linear, linErr(p), linErr(p) < 0.05]),
        },
      ],
      series: [],
      configurations: [
        {
          label: "Monte Carlo",
          settings: { draws: n, seed: ctx.seed, stds: STDS, tolerance: `${TOLERANCE_SE} SE` },
        },
      ],
      notes: [
        "The standard errors come from each sample's own moments, never from the exact value, so a wrong formula cannot hide behind a tolerance computed from it.",
        "E[X^2] - E[X]^2 = Var(X): the table checks E[X^2] of U(-1, 3) and Var(X) separately, from the same draws.",
        "Var(sigmoid(z)) uses Gauss quadrature of the theory module (src/theory) as the exact value; the simulated value comes from the Monte Carlo draws.",
      ],
    };
  },
};

function grid(a: number, b: number, n: number, f: (x: number) => number): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const x = a + ((b - a) * i) / (n - 1);
    return [x, f(x)] as [number, number];
  });
}

/** |running estimate of Var(XY) - exact| against n, with the standard error curve. */
function convergenceChart(x: Float64Array, exact: number): ChartSpec {
  const measured: [number, number][] = [];
  const se: [number, number][] = [];
  let next = 100;
  for (let i = 0; i < x.length; i++) {
    const n = i + 1;
    if (n === next || n === x.length) {
      const st = sampleStats(x.subarray(0, n));
      measured.push([n, Math.abs(st.variance - exact)]);
      se.push([n, st.seVariance]);
      next = Math.ceil(next * 1.5);
    }
  }
  const series: LineSeries[] = [
    { name: "|Var(XY) estimate - exact|", points: measured },
    { name: "standard error", role: "theory", points: se },
  ];
  return {
    kind: "line",
    id: "convergence",
    title: "Monte Carlo error of Var(XY) shrinks like 1/sqrt(n)",
    caption:
      "X ~ U(-1, 3), Y ~ N(2, 9), exact Var(XY) = 26.33. The error stays within a few standard errors of 0.",
    x: { label: "draws n", log: true },
    y: { label: "absolute error", log: true },
    series,
  };
}

function xavierHistogram(w: Float32Array, r: number): ChartSpec {
  const bins = 40;
  const edges = Array.from({ length: bins + 1 }, (_, i) => -1.25 * r + (2.5 * r * i) / bins);
  const counts = new Array(bins).fill(0);
  for (let i = 0; i < w.length; i++) {
    const k = Math.floor(((w[i] + 1.25 * r) / (2.5 * r)) * bins);
    if (k >= 0 && k < bins) counts[k]++;
  }
  // Expected counts of U(-r, r): n * |bin intersect [-r, r]| / (2r).
  const expected = edges.slice(0, -1).map((e, i) => {
    const lo = Math.max(e, -r);
    const hi = Math.min(edges[i + 1], r);
    return hi > lo ? (w.length * (hi - lo)) / (2 * r) : 0;
  });
  return {
    kind: "histogram",
    id: "xavier-histogram",
    title: "xavier_uniform weights of a 256 x 784 layer vs U(-r, r), r = sqrt(6/1040)",
    caption: `r = ${fmt(r)}: no weight falls outside [-r, r]; the density is flat at 1/(2r) = ${fmt(1 / (2 * r))}.`,
    xLabel: "weight",
    edges,
    series: [
      { name: "sampled", counts },
      { name: "U(-r, r)", counts: expected },
    ],
  };
}
