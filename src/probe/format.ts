import { formatPercent as pct, formatScientific as sci } from "../math/format-number.js";
import type { DepthSweep } from "./depth-sweep.js";
import type { NetworkPhase } from "./inspect.js";
import type { InstanceBand, InstancesReport } from "./instances.js";
import type { Finding, LayerProbe, ProbeSnapshot, Recommendation } from "./types.js";

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/**
 * Log-scale bars for one column: the largest value gets `width` characters, and every decade
 * below it takes `perDecade` characters off (eighth-block resolution, so 2 chars per decade
 * resolve a factor 10^(1/16) ~ 1.15). A column spanning more decades than fit is squeezed to fit
 * (its smallest value gets an empty bar). Zero, negative or non-finite values get an empty bar.
 */
export function logBars(values: readonly (number | null)[], width = 8, perDecade = 2): string[] {
  const logs = values.map((v) => (v !== null && v > 0 && Number.isFinite(v) ? Math.log10(v) : Number.NaN));
  const finite = logs.filter((l) => !Number.isNaN(l));
  const top = Math.max(...finite);
  const span = top - Math.min(...finite);
  const scale = span * perDecade > width ? width / span : perDecade;
  return logs.map((l) => {
    if (Number.isNaN(l) || !Number.isFinite(top)) return " ".repeat(width);
    const eighths = Math.max(0, Math.round((width - (top - l) * scale) * 8));
    const bar = "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
    return bar.padEnd(width);
  });
}

function pad(s: string, n: number, left = false): string {
  return left ? s.padStart(n) : s.padEnd(n);
}

/**
 * The init doctor's per-layer table: fans, weight std, Var(z) measured vs predicted, Var(a),
 * Var(dL/dz) measured vs predicted, ||dL/dW||, dead and saturated fractions, with log-scale bars
 * for Var(z), Var(dL/dz) and ||dL/dW|| (each column scaled to its own largest value).
 */
export function layerTable(layers: readonly LayerProbe[]): string {
  const zBars = logBars(layers.map((l) => l.preact.var));
  const gBars = logBars(layers.map((l) => l.grad.var));
  const wBars = logBars(layers.map((l) => l.weightGradNorm));
  const head =
    `${pad("layer", 5, true)}  ${pad("activation", 12)} ${pad("fan-in", 6, true)} ${pad("fan-out", 7, true)} ${pad("w std", 8, true)}  ` +
    `${pad("Var(z) meas / pred", 27)}  ${pad("Var(a)", 8, true)}  ${pad("Var(dL/dz) meas / pred", 27)}  ` +
    `${pad("||dL/dW||", 18)} ${pad("dead", 6, true)} ${pad("sat", 6, true)}`;
  const rows = layers.map((l, i) => {
    const p = l.predicted;
    return (
      `${pad(String(l.index), 5, true)}  ${pad(l.activation, 12)} ${pad(String(l.fanIn), 6, true)} ` +
      `${pad(String(l.fanOut), 7, true)} ${pad(sci(l.weightStd), 8, true)}  ` +
      `${pad(sci(l.preact.var), 8, true)} ${pad(sci(p?.preactVar), 8, true)} ${zBars[i]}  ${pad(sci(l.act.var), 8, true)}  ` +
      `${pad(sci(l.grad.var), 8, true)} ${pad(sci(p?.gradVar), 8, true)} ${gBars[i]}  ` +
      `${pad(sci(l.weightGradNorm), 9, true)} ${wBars[i]} ${pad(pct(l.deadFraction), 6, true)} ${pad(pct(l.saturatedFraction), 6, true)}`
    );
  });
  return [head, ...rows].join("\n");
}

/** "diagnosis:" with one bullet per finding, or the all-clear with the measured spread. */
export function diagnosisText(findings: readonly Finding[], snapshot: ProbeSnapshot): string {
  if (findings.length > 0) return ["diagnosis:", ...findings.map((f) => `  - ${f.message}`)].join("\n");
  const L = snapshot.layers.length;
  const g0 = snapshot.layers[0].weightGradNorm;
  const gL = snapshot.layers[L - 1].weightGradNorm;
  const zs = snapshot.layers.map((l) => l.preact.var);
  return (
    `diagnosis: no problem found - Var(z) stays between ${sci(Math.min(...zs))} and ${sci(Math.max(...zs))}, and ` +
    `||dL/dW|| of layer 0 is ${sci(g0 / gL)} times that of layer ${L - 1}`
  );
}

/** "recommended init: X because ..." or, when the network already has it, "init: keep X because ...". */
export function recommendationText(rec: Recommendation): string {
  return rec.inUse
    ? `init: keep ${rec.init} (already in use)\n  because ${rec.reason}.`
    : `recommended init: ${rec.init}\n  because ${rec.reason}.`;
}

/**
 * One line: the mean-field phase of the initialization with its numbers; "dead" first when a hidden
 * layer has every unit dead on the batch (`Inspection.deadLayer`): then it is never called critical.
 */
export function phaseText(p: NetworkPhase, deadLayer: number | null = null): string {
  if (deadLayer !== null)
    return (
      `phase: dead - every unit of layer ${deadLayer} is dead on the batch, so no signal or gradient passes it ` +
      `(the initialization's mean field gave ${p.phase}, chi_1 = ${p.chi1.toPrecision(4)}, for ${p.activation} with ` +
      `sigma_w^2 = ${p.sigmaW2.toPrecision(4)})`
    );
  const bias =
    p.biasMean !== 0
      ? `bias mean ${p.biasMean} (a deterministic shift), spread sigma_b^2 = ${sci(p.sigmaB2)}`
      : `sigma_b^2 = ${sci(p.sigmaB2)}`;
  const crit = Number.isFinite(p.criticalSigmaW2)
    ? `; critical sigma_w^2 = ${p.criticalSigmaW2.toPrecision(4)}`
    : "";
  const depth = Number.isFinite(p.trainableDepth)
    ? `; trainable to depth ~${p.trainableDepth.toPrecision(2)} (6 xi_c)`
    : p.trainableDepth === Number.POSITIVE_INFINITY
      ? "; no depth limit from the correlation (xi_c = Infinity)"
      : "";
  return (
    `phase at initialization: ${p.phase} (chi_1 = ${p.chi1.toPrecision(4)}; critical means |chi_1 - 1| <= ${p.tolerance}) ` +
    `for ${p.activation} layer ${p.layer} with sigma_w^2 = ${p.sigmaW2.toPrecision(4)}, ${bias}, q* = ${sci(p.qStar)}${crit}${depth}` +
    (p.scope ? `\n  (not a plain MLP: ${p.scope})` : "")
  );
}

/** Depths shown in the sweep table: 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, ... and the deepest. */
function shownDepths(max: number): Set<number> {
  const s = new Set<number>();
  for (let p = 1; p <= max; p *= 2) {
    s.add(p);
    if (p >= 2 && Math.round(p * 1.5) <= max) s.add(Math.round(p * 1.5));
  }
  s.add(max);
  return s;
}

export function depthSweepText(sweep: DepthSweep): string {
  const show = shownDepths(sweep.rows.length);
  const rows = sweep.rows.filter((r) => show.has(r.depth));
  const bars = logBars(
    rows.map((r) => r.measured),
    16,
    2,
  );
  const mf = sweep.meanField;
  return [
    `depth sweep: Var(z) at the last hidden layer of ${sweep.activation} networks of width ${sweep.width}, ${sweep.init}`,
    `${pad("depth", 5, true)}  ${pad("measured", 9, true)} ${pad("predicted", 9, true)}`,
    ...rows.map(
      (r, i) =>
        `${pad(String(r.depth), 5, true)}  ${pad(sci(r.measured), 9, true)} ${pad(sci(r.predicted), 9, true)} ${bars[i]}`,
    ),
    `mean field (sigma_w^2 = ${mf.sigmaW2.toPrecision(3)}, sigma_b^2 = ${mf.sigmaB2.toPrecision(3)}): q* = ${sci(mf.qStar)} ` +
      `(${mf.qStatus}), chi_1 = ${mf.chi1.toPrecision(3)} (${mf.phase}), depth scales xi_q = ${sci(mf.xiQ)}, xi_c = ${sci(mf.xiC)}`,
  ].join("\n");
}

/** One compact line per layer for the per-epoch training log (from the latest probe). */
export function compactLayerLines(s: ProbeSnapshot): string[] {
  return s.layers.map((l) => {
    const parts = [
      `  probe step ${s.step} layer ${l.index} ${l.activation}:`,
      `Var(z) ${sci(l.preact.var)}`,
      `Var(dL/dz) ${sci(l.grad.var)}`,
      `||dW|| ${sci(l.weightGradNorm)}`,
      `update/W ${sci(l.updateRatio)}`,
    ];
    if (l.deadFraction !== null) parts.push(`dead ${pct(l.deadFraction)}`);
    if (l.saturatedFraction !== null) parts.push(`sat ${pct(l.saturatedFraction)}`);
    if (l.slopes) parts.push(`slope ${l.slopes.mean.toFixed(3)}`);
    return parts.join(" ");
  });
}

/** Relative spread sd / mean as a percentage, "-" when undefined. */
const relPct = (sd: number, mean: number) =>
  Number.isFinite(sd) && mean !== 0 ? `${((100 * sd) / Math.abs(mean)).toFixed(1)}%` : "-";

/**
 * The table of `inspect --instances K`: per layer, Var(z) over the instances (mean, relative sd,
 * the band of single instances, the 95% t interval of the mean), the theory's value and the
 * verdict (inside / outside the band); then the same verdicts for Var(dL/dz) in one line.
 */
export function instancesText(r: InstancesReport): string {
  const head =
    `${pad("layer", 5, true)}  ${pad("activation", 12)} ${pad("theory", 9, true)} ${pad("mean", 9, true)} ${pad("sd", 6, true)}  ` +
    `${pad("band (mean +- 2 sd)", 21)} ${pad("95% CI of the mean", 21)} verdict`;
  const verdict = (b: InstanceBand) => (b.inside === null ? "-" : b.inside ? "inside" : "OUTSIDE");
  const rows = r.layers.map((l) => {
    const b = l.preactVar;
    return (
      `${pad(String(l.index), 5, true)}  ${pad(l.activation, 12)} ${pad(sci(b.theory), 9, true)} ${pad(sci(b.mean), 9, true)} ` +
      `${pad(relPct(b.sd, b.mean), 6, true)}  ${pad(`${sci(b.band[0])} .. ${sci(b.band[1])}`, 21)} ` +
      `${pad(`${sci(b.ci95[0])} .. ${sci(b.ci95[1])}`, 21)} ${verdict(b)}`
    );
  });
  const hidden = r.layers.slice(0, -1);
  const inside = hidden.filter((l) => l.preactVar.inside === true).length;
  const grads = r.layers.map((l) => `${l.index}: ${verdict(l.gradVar)}`).join(", ");
  return [
    `instances: ${r.count} networks initialized with seeds ${r.seeds.join(", ")} (derived from --seed); Var(z) per layer, ` +
      `band = ${r.band}; theory = the mean of the instances' predictions`,
    head,
    ...rows,
    `Var(z): the theory's value is inside the band at ${inside} of ${hidden.length} hidden layers; ` +
      `Var(dL/dz) (anchored at each instance's output gradient): ${grads}`,
  ].join("\n");
}
