import { formatPercent } from "../math/format-number.js";
import { layerHasNonFinite } from "./layer-probe.js";
import type { Finding, LayerProbe, ProbeSnapshot, Recommendation } from "./types.js";

/**
 * Thresholds of the diagnosis rules (docs/probes.md, "Diagnosis"). They are judgement calls, not
 * theorems: a factor 100 in ||dL/dW|| between the first and the last layer is far outside what a
 * well-initialized MLP shows (a few x, from fan ratios), and Karpathy's rule of thumb puts healthy
 * update-to-weight ratios near 1e-3 (CS231n, "Neural Networks Part 3", ratio of weights:updates).
 */
export const DIAGNOSIS_THRESHOLDS = {
  /** ||dL/dW_0|| / ||dL/dW_{L-1}|| below this: vanishing gradient; above 1/this: exploding */
  gradientRatio: 1e-2,
  /** Var(z) of the last hidden layer / Var(z) of layer 0 below this: vanishing signal; above 1/this: exploding */
  signalRatio: 1e-2,
  /** saturated fraction of a sigmoid/tanh/softsign/hard_tanh layer above this */
  saturated: 0.25,
  /** dead fraction of a ReLU-family layer above this (during training) */
  dead: 0.1,
  /**
   * "dead" (zero gradient for every input) is only claimed on a probe batch at least this large:
   * a unit active with probability p is inactive on all B examples by chance with probability
   * (1 - p)^B (0.14% for p = 5%, B = 128)
   */
  deadMinBatch: 128,
  /** at initialization: inactive fraction of a ReLU-family layer above this is named (input correlation) */
  inactiveAtInit: 0.1,
  /**
   * at initialization: above this inactive fraction, more than input correlation explains (measured in
   * PyTorch, 10 x 256 He/ReLU on MNIST, 6 seeds: mean 13%, max 19% at layer 9)
   */
  inactiveExcess: 0.5,
  /** Var(z) of the last hidden layer above this is an explosion whatever layer 0 had (rms > 100) */
  signalHigh: 1e4,
  /** E[x^2] of the input above this (rms > 10): inputs are not normalized */
  inputSecond: 100,
  /** update-to-weight ratio outside [low, high] (a factor ~30 either side of 1e-3) */
  updateLow: 10 ** -4.5,
  updateHigh: 10 ** -1.5,
} as const;

/** "layer 3", "layers 0-4", "layers 0, 2, 5". */
export function layerList(layers: readonly number[]): string {
  if (layers.length === 1) return `layer ${layers[0]}`;
  const contiguous = layers.every((l, i) => i === 0 || l === layers[i - 1] + 1);
  return contiguous ? `layers ${layers[0]}-${layers[layers.length - 1]}` : `layers ${layers.join(", ")}`;
}

/**
 * A factor written as "10^-4.2"; a factor of exactly 0 is "0 (nothing left)" and one that overflowed
 * is "an overflow", never "10^-Infinity".
 */
export function decades(ratio: number): string {
  if (ratio === 0) return "0 (nothing left)";
  if (ratio === Number.POSITIVE_INFINITY) return "an overflow (Infinity)";
  if (!Number.isFinite(ratio)) return "NaN";
  return `10^${Math.log10(ratio).toFixed(1)}`;
}

/** A variance in words: "0 (exactly)", "1.58", "7.8e+21", never "0.00" for a tiny positive number. */
function amount(v: number): string {
  if (v === 0) return "0 (exactly)";
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? Number(v.toPrecision(3)).toString() : v.toExponential(2);
}

const pct = (f: number) => formatPercent(f, f < 0.1 ? 1 : 0);

function hiddenName(layers: readonly LayerProbe[]): string {
  const names = new Set(layers.slice(0, -1).map((l) => l.activation.replace(/\(.*$/, "")));
  return names.size === 1 ? [...names][0] : "hidden";
}

/** Why a gradient shrinks (or grows) through layers of this activation, in one clause. */
function gradientCause(act: string, vanishing: boolean): string {
  if (act === "sigmoid") {
    return vanishing
      ? "sigmoid layers multiply dL/dz by sigma'(z) <= 1/4 each, so unless the weights make up for it (4x Xavier's bound) the gradient shrinks geometrically"
      : "the weights are large enough to outweigh sigma'(z) <= 1/4";
  }
  if (act === "tanh" || act === "softsign" || act === "hard_tanh") {
    return vanishing
      ? `${act}'(z) <= 1, and it is much smaller where units saturate, so each layer with fan_out Var(W) <= 1 shrinks the gradient`
      : `each layer multiplies Var(dL/dz) by fan_out Var(W) E[${act}'(z)^2] > 1`;
  }
  if (act === "relu" || act === "leaky_relu" || act === "prelu") {
    return vanishing
      ? "a ReLU layer multiplies Var(dL/dz) by fan_out Var(W) / 2, so a weight variance below 2 / fan shrinks it every layer"
      : "a ReLU layer multiplies Var(dL/dz) by fan_out Var(W) / 2, so a weight variance above 2 / fan grows it every layer";
  }
  return vanishing
    ? "each layer multiplies Var(dL/dz) by fan_out Var(W) E[phi'(z)^2] < 1"
    : "each layer multiplies Var(dL/dz) by fan_out Var(W) E[phi'(z)^2] > 1";
}

const tryInit = (rec: Recommendation | null | undefined) =>
  rec && !rec.inUse ? `; try --init ${rec.init}` : "";

function gradientRule(s: ProbeSnapshot, rec: Recommendation | null | undefined): Finding[] {
  const L = s.layers.length;
  if (L < 2) return [];
  const first = s.layers[0].weightGradNorm;
  const last = s.layers[L - 1].weightGradNorm;
  if (!(last > 0 && Number.isFinite(first))) return [];
  if (first === 0 && s.layers[L - 1].weightNorm === 0) {
    // a zero read-out (--readout-zero, muP's option) blocks the backward pass until its first update
    return [
      {
        kind: "vanishing_gradient",
        message:
          `no gradient reaches layers 0-${L - 2} yet: the read-out weights (layer ${L - 1}) are all zero (a zero read-out ` +
          "init such as --readout-zero), so dL/da of the last hidden layer is 0; the first update gives the read-out " +
          "nonzero weights and the gradient flows from the next step on",
        layers: s.layers.map((l) => l.index),
        value: 0,
      },
    ];
  }
  const ratio = first / last;
  const t = DIAGNOSIS_THRESHOLDS.gradientRatio;
  const vanishing = ratio < t;
  if (!vanishing && !(ratio > 1 / t)) return [];
  const act = hiddenName(s.layers);
  const perLayer = ratio > 0 ? ratio ** (1 / (L - 1)) : 0;
  const theory = theoryGradientNote(s);
  const message =
    `${vanishing ? "gradient vanishes" : "gradient explodes"}: ||dL/dW|| ${vanishing ? "falls" : "grows"} by ` +
    `${ratio > 0 ? decades(ratio) : "a factor 0 (no gradient reaches layer 0)"} from layer ${L - 1} (output) to layer 0` +
    `${ratio > 0 ? ` (x${perLayer.toPrecision(2)} per layer)` : ""}${theory}; ${gradientCause(act, vanishing)}${tryInit(rec)}`;
  return [
    {
      kind: vanishing ? "vanishing_gradient" : "exploding_gradient",
      message,
      layers: s.layers.map((l) => l.index),
      value: ratio,
    },
  ];
}

/** ", theory predicts Var(dL/dz) x10^a vs measured x10^b" when the snapshot has predictions. */
function theoryGradientNote(s: ProbeSnapshot): string {
  const L = s.layers.length;
  const p0 = s.layers[0].predicted?.gradVar;
  const pL = s.layers[L - 1].predicted?.gradVar;
  const m0 = s.layers[0].grad.var;
  const mL = s.layers[L - 1].grad.var;
  if (!(p0 && pL && m0 > 0 && mL > 0)) return "";
  return `; Var(dL/dz) from layer ${L - 1} to 0: measured x${decades(m0 / mL)}, theory x${decades(p0 / pL)}`;
}

/**
 * Vanishing: Var(z) of the last hidden layer below signalRatio times layer 0's AND below 1 (a
 * signal that shrank from 1e24 to 7.8e21 has not vanished). Exploding: above 1/signalRatio times
 * layer 0's, or above signalHigh whatever layer 0 had.
 */
function signalRule(s: ProbeSnapshot, rec: Recommendation | null | undefined): Finding[] {
  const L = s.layers.length;
  if (L < 3) return [];
  const v0 = s.layers[0].preact.var;
  const vh = s.layers[L - 2].preact.var;
  if (!(v0 > 0 && Number.isFinite(vh))) return [];
  const ratio = vh / v0;
  const t = DIAGNOSIS_THRESHOLDS.signalRatio;
  const vanishing = ratio < t && vh < 1;
  const exploding = !vanishing && (ratio > 1 / t || vh > DIAGNOSIS_THRESHOLDS.signalHigh);
  if (!vanishing && !exploding) return [];
  if (exploding && !(ratio > 1 / t)) {
    // huge at every depth (raw inputs, large weights), not growing from layer 0: say that
    const message =
      `signal is far too large: Var(z) is ${amount(v0)} at layer 0 and ${amount(vh)} at layer ${L - 2} (rms above ` +
      `${Math.sqrt(DIAGNOSIS_THRESHOLDS.signalHigh)}); every layer works far outside the activation's useful range${tryInit(rec)}`;
    return [
      { kind: "exploding_signal", message, layers: s.layers.slice(0, -1).map((l) => l.index), value: ratio },
    ];
  }
  const message =
    `${vanishing ? "signal vanishes" : "signal explodes"}: Var(z) goes from ${amount(v0)} at layer 0 to ` +
    `${amount(vh)} at layer ${L - 2} (${ratio === 0 ? "nothing left" : `x${decades(ratio)}`}); ` +
    (vanishing
      ? vh === 0
        ? "no signal reaches the deep layers: every example gives them the same input"
        : "deep layers see almost the same input for every example"
      : "deep layers work far outside the activation's useful range") +
    tryInit(rec);
  return [
    {
      kind: vanishing ? "vanishing_signal" : "exploding_signal",
      message,
      layers: s.layers.slice(0, -1).map((l) => l.index),
      value: ratio,
    },
  ];
}

function saturationRule(s: ProbeSnapshot): Finding[] {
  const hit = s.layers.filter(
    (l) => l.saturatedFraction !== null && l.saturatedFraction > DIAGNOSIS_THRESHOLDS.saturated,
  );
  if (hit.length === 0) return [];
  const worst = Math.max(...hit.map((l) => l.saturatedFraction ?? 0));
  const act = hit[0].activation;
  const message =
    `saturation: up to ${pct(worst)} of the ${act} units of ${layerList(hit.map((l) => l.index))} have |phi'(z)| below ` +
    `5% of its maximum (Var(z) up to ${amount(Math.max(...hit.map((l) => l.preact.var)))}), so almost no gradient ` +
    "passes them; normalize the input (--preprocess standardize) or scale the weights down";
  return [{ kind: "saturation", message, layers: hit.map((l) => l.index), value: worst }];
}

/**
 * ReLU-family units inactive (z <= 0) on every example of the batch. At initialization (step 0)
 * this is named for what it is: in a deep ReLU network the examples' representations grow alike
 * with depth (the ReLU correlation map has its stable fixed point at c = 1), so some units see a
 * negative z for every example; no update has happened, nothing has "died", and the units move as
 * soon as the layers below do (a constant negative bias makes it much worse). During training, a
 * unit with phi' = 0 on every example of a large batch (B >= deadMinBatch) is dead on that batch:
 * its weights get no gradient while it lasts.
 */
function unitRule(s: ProbeSnapshot, ctx: DiagnoseContext): Finding[] {
  if (s.step === 0) {
    const t = DIAGNOSIS_THRESHOLDS.inactiveAtInit;
    const hit = s.layers.filter((l) => l.inactiveFraction !== null && l.inactiveFraction > t);
    if (hit.length === 0) return [];
    const worst = Math.max(...hit.map((l) => l.inactiveFraction ?? 0));
    const where = layerList(hit.map((l) => l.index));
    const shift = ctx.biasMean ?? 0;
    const excess = worst > DIAGNOSIS_THRESHOLDS.inactiveExcess;
    const cause =
      shift < 0
        ? `the constant bias ${shift} shifts every pre-activation below 0, so units see z <= 0 for every example ` +
          "and the signal fades layer by layer; use a zero (or small positive) bias"
        : excess
          ? "far more than input correlation gives in a deep ReLU network at initialization (PyTorch, 10 x 256 " +
            "He/ReLU: mean 13%, max 19%); check the weight scale and the bias init"
          : "this is input correlation, not dying: with depth the examples' representations grow alike (the " +
            "ReLU correlation map's fixed point is c = 1), so some units see z <= 0 for every example " +
            "(PyTorch, 10 x 256 He/ReLU on MNIST, 6 seeds: mean 13%, max 19% at layer 9); no update has happened, " +
            "and the units move as soon as the layers below do";
    const message =
      `inactive at initialization: up to ${pct(worst)} of the units of ${where} have z <= 0 for every example ` +
      `of the batch (B = ${s.batch}); ${cause}`;
    return [{ kind: "inactive_units", message, layers: hit.map((l) => l.index), value: worst }];
  }
  const hit = s.layers.filter((l) => l.deadFraction !== null && l.deadFraction > DIAGNOSIS_THRESHOLDS.dead);
  if (hit.length === 0) return [];
  const worst = Math.max(...hit.map((l) => l.deadFraction ?? 0));
  const where = layerList(hit.map((l) => l.index));
  if (s.batch < DIAGNOSIS_THRESHOLDS.deadMinBatch) {
    return [
      {
        kind: "inactive_units",
        message:
          `inactive units: up to ${pct(worst)} of the units of ${where} output 0 for every example of the probe ` +
          `batch, but B = ${s.batch} is too small to call them dead (a larger --probe-batch decides)`,
        layers: hit.map((l) => l.index),
        value: worst,
      },
    ];
  }
  const message =
    `dead ReLU units: up to ${pct(worst)} of the units of ${where} have zero gradient for every example of the ` +
    `batch (B = ${s.batch}), so their weights do not move while that lasts; they come back only if the layers below ` +
    "change what they see. Check the learning rate and the bias init, or use leaky_relu / prelu " +
    "(a nonzero negative slope always passes some gradient)";
  return [{ kind: "dead_units", message, layers: hit.map((l) => l.index), value: worst }];
}

function updateRule(s: ProbeSnapshot): Finding[] {
  const { updateLow, updateHigh } = DIAGNOSIS_THRESHOLDS;
  const rated = s.layers.filter((l) => l.updateRatio !== null && Number.isFinite(l.updateRatio));
  const high = rated.filter((l) => (l.updateRatio ?? 0) > updateHigh);
  const low = rated.filter((l) => (l.updateRatio ?? 0) < updateLow);
  const out: Finding[] = [];
  if (high.length) {
    const worst = Math.max(...high.map((l) => l.updateRatio ?? 0));
    out.push({
      kind: "update_ratio",
      message:
        `updates are large: ||update of W|| / ||W|| up to ${worst.toExponential(1)} at ${layerList(high.map((l) => l.index))} ` +
        "(healthy: ~1e-3); the weights change too fast - lower the learning rate",
      layers: high.map((l) => l.index),
      value: worst,
    });
  }
  if (low.length) {
    const worst = Math.min(...low.map((l) => l.updateRatio ?? 0));
    out.push({
      kind: "update_ratio",
      message:
        `updates are tiny: ||update of W|| / ||W|| down to ${worst.toExponential(1)} at ${layerList(low.map((l) => l.index))} ` +
        "(healthy: ~1e-3); these layers barely learn - raise the learning rate, or look for a vanishing gradient",
      layers: low.map((l) => l.index),
      value: worst,
    });
  }
  return out;
}

function nonFiniteRule(s: ProbeSnapshot): Finding[] {
  const hit = s.layers.filter(layerHasNonFinite);
  if (hit.length === 0) return [];
  const where = hit.map((l) => {
    const parts = Object.entries(l.nonFinite)
      .filter(([, c]) => c > 0)
      .map(([k]) => k);
    return `${l.index} (${parts.join(", ")})`;
  });
  const total = hit.reduce((a, l) => a + Object.values(l.nonFinite).reduce((x, y) => x + y, 0), 0);
  return [
    {
      kind: "nonfinite",
      message:
        `NaN/Inf in layer ${where.join("; ")}: the numbers overflowed; lower the learning rate, clip gradients ` +
        "(--clip-norm), normalize the input or use a smaller init",
      layers: hit.map((l) => l.index),
      value: total,
    },
  ];
}

function inputRule(s: ProbeSnapshot): Finding[] {
  if (!(s.inputSecond > DIAGNOSIS_THRESHOLDS.inputSecond)) return [];
  return [
    {
      kind: "input_scale",
      message:
        `inputs are not normalized: E[x^2] = ${s.inputSecond.toPrecision(3)} (rms ${Math.sqrt(s.inputSecond).toPrecision(3)}); ` +
        "every initializer assumes inputs of order 1, and a ReLU network passes this scale straight through " +
        "(the notes: ReLU on raw pixels does not learn); use --preprocess standardize (or unit)",
      layers: [0],
      value: s.inputSecond,
    },
  ];
}

/** What the rules may know about the network beyond the snapshot. */
export interface DiagnoseContext {
  /** mean of the bias initializer (a constant bias); names the cause of inactive units at init */
  biasMean?: number;
}

/**
 * Runs every diagnosis rule on one snapshot (docs/probes.md, "Diagnosis"): non-finite values,
 * input scale, vanishing/exploding gradient (||dL/dW|| of layer 0 vs the output layer),
 * vanishing/exploding signal (Var(z) of the last hidden layer vs layer 0), saturation, inactive
 * units at initialization / dead units in training, update-to-weight ratio. `rec` (optional) adds
 * "try --init ..." to the flow findings unless it is already in use. `inspect` composes this with
 * the recommendation and the phase; call that instead.
 */
export function diagnose(
  snapshot: ProbeSnapshot,
  rec?: Recommendation | null,
  ctx: DiagnoseContext = {},
): Finding[] {
  if (snapshot.nonFinite) return [...nonFiniteRule(snapshot), ...inputRule(snapshot)];
  return [
    ...inputRule(snapshot),
    ...gradientRule(snapshot, rec),
    ...signalRule(snapshot, rec),
    ...saturationRule(snapshot),
    ...unitRule(snapshot, ctx),
    ...updateRule(snapshot),
  ];
}
