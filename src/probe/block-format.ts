import type { BlockProbe, NormProbe, Summary } from "./types.js";

/*
 * Text of the per-block and per-normalization probes (inspect's output; docs/probes.md). The
 * browser lab's block panel (web/src/ui/block-panel.ts) shows the same cells.
 */

/** A probe number as inspect prints it: 3 significant digits, "-" for none. */
export const probeNumber = (x: number | null): string =>
  x === null ? "-" : Number.isFinite(x) ? x.toPrecision(3) : String(x);

/** The columns of `blockCells`, as inspect's table heads them. */
export const BLOCK_COLUMNS = [
  "block",
  "layers",
  "alpha",
  "Var(x_in)",
  "Var(aF)",
  "ratio",
  "E[x_out^2]",
  "predicted",
] as const;

/**
 * One residual block's cells: index, dense layers, alpha, Var of the stream in, Var of the scaled
 * branch, their ratio, and the measured E[x^2] of the stream out beside the theory's.
 */
export function blockCells(b: BlockProbe): string[] {
  return [
    String(b.block),
    b.layers.join(","),
    probeNumber(b.alpha),
    probeNumber(b.streamIn.var),
    probeNumber(b.branch.var),
    probeNumber(b.ratio),
    probeNumber(b.streamSecond),
    probeNumber(b.predictedStreamSecond),
  ];
}

/**
 * One line per residual block: alpha, Var of the stream in and out, Var of the scaled branch,
 * their ratio, and the measured E[x^2] of the stream beside the theory's (src/theory/residual.ts).
 */
export function blocksText(blocks: readonly BlockProbe[]): string {
  const widths = [6, 8, 7, 10, 10, 9, 11, 0];
  const head = "block  layers   alpha   Var(x_in)  Var(aF)    ratio     E[x_out^2]  predicted";
  const rows = blocks.map((b) =>
    blockCells(b)
      .map((c, i) => c.padEnd(widths[i]))
      .join(" "),
  );
  return [
    "residual blocks x_{b+1} = x_b + alpha F(x_b) (docs/architectures.md); predicted: q_{b+1} = q_b + alpha^2 V_F(q_b)",
    head,
    ...rows,
  ].join("\n");
}

/** The two parts of `rangeText`: the mean over units and "[min, max]". */
export function rangeParts(s: Summary): [string, string] {
  return [probeNumber(s.mean), `[${probeNumber(s.min)}, ${probeNumber(s.max)}]`];
}

/** A statistic over units as inspect prints it: "mean [min, max]". */
export function rangeText(s: Summary): string {
  return rangeParts(s).join(" ");
}

/** A normalization layer's name as inspect prints it: "BatchNorm (pre)". */
export function normName(n: NormProbe): string {
  return `${n.kind === "batch" ? "BatchNorm" : "LayerNorm"} (${n.place})`;
}

/** One line per normalization layer: its input's per-unit means and variances (mean over units, range) and gamma, beta. */
export function normsText(norms: readonly NormProbe[]): string {
  return [
    "normalization layers: per-unit statistics of their input over the batch (mean over units [min, max])",
    ...norms.map(
      (n) =>
        `layer ${n.layer} ${normName(n)}: input mean ${rangeText(n.inputMean)}, ` +
        `input var ${rangeText(n.inputVar)}, gamma ${rangeText(n.gamma)}, beta ${rangeText(n.beta)}` +
        (n.runningVar ? `, running var ${rangeText(n.runningVar)}` : ""),
    ),
  ].join("\n");
}
