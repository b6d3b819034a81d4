/**
 * Plain-text reports of the Jacobian spectrum and the correlation map, as `initlab inspect
 * --jacobian` and `--cmap` print them.
 */
import { formatSignificant } from "../math/format-number.js";
import type { CorrelationMap } from "./correlation-map.js";
import type { JacobianSpectrum } from "./jacobian.js";

const f = (x: number | null | undefined) => formatSignificant(x, 4);

/** A one-line bar per histogram row of log10(singular value), only the rows that hold values. */
function histogramLines(spec: JacobianSpectrum, width = 40): string[] {
  const h = spec.histogram;
  const max = Math.max(1, ...h.counts);
  const lines: string[] = [];
  const first = h.counts.findIndex((c) => c > 0);
  const last = h.counts.length - 1 - [...h.counts].reverse().findIndex((c) => c > 0);
  if (h.under) lines.push(`  s < ${f(10 ** h.edges[0])}: ${h.under}`);
  if (first >= 0) {
    for (let k = first; k <= last; k++) {
      const lo = 10 ** h.edges[k];
      const hi = 10 ** h.edges[k + 1];
      const n = h.counts[k];
      lines.push(
        `  [${f(lo).padStart(8)}, ${f(hi).padStart(8)})  ${"#".repeat(Math.round((n / max) * width)).padEnd(width)} ${n}`,
      );
    }
  }
  if (h.over) lines.push(`  s >= ${f(10 ** h.edges[h.edges.length - 1])}: ${h.over}`);
  return lines;
}

/** The text report of a Jacobian spectrum: what J is, its cost, the moments beside the theory, a histogram. */
export function jacobianText(spec: JacobianSpectrum): string {
  const t = spec.theory;
  const lines = [
    `Jacobian spectrum: J = d(${spec.to === "logits" ? "logits" : `activation of layer ${spec.hi + 1}`})/d(${spec.from === "input" ? "network input" : `activation of layer ${spec.lo}`}), ` +
      `${spec.depth} layer(s), ${spec.rows} x ${spec.cols}, on ${spec.inputs} input(s); exact by backward products ` +
      `(~${spec.flops.toPrecision(2)} flops, ${spec.seconds.toFixed(1)} s)`,
    `  singular values s: ${spec.singularValues.length} pooled, max ${f(spec.max)}, min ${f(spec.min)}`,
    `  mean s^2 (m1 of J J^T) ${f(spec.meanSquare)}   theory ${f(t?.meanSquare)}`,
    `  Var(s^2)               ${f(spec.variance)}   theory ${f(t?.variance)}${t && !t.square ? " (not square: no variance formula)" : ""}`,
  ];
  if (t)
    lines.push(
      `  theory: free probability at initialization (Pennington et al. 2017), from the measured q = ${f(t.q1)} of layer ${spec.lo + 1}, sigma_b^2 = ${f(t.sigmaB2)}`,
    );
  if (spec.nonFinite)
    lines.push(`  ${spec.nonFinite} Jacobian entries were NaN or infinite (those inputs are left out)`);
  lines.push("  histogram of s (log scale):", ...histogramLines(spec));
  return lines.join("\n");
}

/** The text report of a correlation map: c per layer, measured (mean and range over pairs) and predicted. */
export function correlationMapText(map: CorrelationMap): string {
  const lines = [
    `Correlation map: cosine similarity c of the pre-activations of ${map.pairs} pair(s) of inputs, per layer; ` +
      "predicted: mean-field recursion from layer 1 (Poole et al. 2016)",
    "  layer   measured c  [min, max]              predicted c      q",
  ];
  for (const l of map.layers) {
    lines.push(
      `  ${String(l.layer + 1).padStart(5)}   ${f(l.c).padStart(10)}  [${f(l.cMin)}, ${f(l.cMax)}]`.padEnd(
        48,
      ) + `${f(l.predicted).padStart(11)}  ${f(l.q).padStart(9)}`,
    );
  }
  return lines.join("\n");
}
