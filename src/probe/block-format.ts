import type { BlockProbe, NormProbe } from "./types.js";

/*
 * Text of the per-block and per-normalization probes (inspect's output; docs/probes.md).
 */

const g = (x: number | null) => (x === null ? "-" : Number.isFinite(x) ? x.toPrecision(3) : String(x));

/**
 * One line per residual block: alpha, Var of the stream in and out, Var of the scaled branch,
 * their ratio, and the measured E[x^2] of the stream beside the theory's (src/theory/residual.ts).
 */
export function blocksText(blocks: readonly BlockProbe[]): string {
  const head = "block  layers   alpha   Var(x_in)  Var(aF)    ratio     E[x_out^2]  predicted";
  const rows = blocks.map((b) =>
    [
      String(b.block).padEnd(6),
      b.layers.join(",").padEnd(8),
      g(b.alpha).padEnd(7),
      g(b.streamIn.var).padEnd(10),
      g(b.branch.var).padEnd(10),
      g(b.ratio).padEnd(9),
      g(b.streamSecond).padEnd(11),
      g(b.predictedStreamSecond),
    ].join(" "),
  );
  return [
    "residual blocks x_{b+1} = x_b + alpha F(x_b) (docs/architectures.md); predicted: q_{b+1} = q_b + alpha^2 V_F(q_b)",
    head,
    ...rows,
  ].join("\n");
}

/** One line per normalization layer: its input's per-unit means and variances (mean over units, range) and gamma, beta. */
export function normsText(norms: readonly NormProbe[]): string {
  const range = (s: { mean: number; min: number; max: number }) => `${g(s.mean)} [${g(s.min)}, ${g(s.max)}]`;
  return [
    "normalization layers: per-unit statistics of their input over the batch (mean over units [min, max])",
    ...norms.map(
      (n) =>
        `layer ${n.layer} ${n.kind === "batch" ? "BatchNorm" : "LayerNorm"} (${n.place}): input mean ${range(n.inputMean)}, ` +
        `input var ${range(n.inputVar)}, gamma ${range(n.gamma)}, beta ${range(n.beta)}` +
        (n.runningVar ? `, running var ${range(n.runningVar)}` : ""),
    ),
  ].join("\n");
}
