import type { JacobianView } from "../protocol.js";
import { BLUE, fmt, GRID, MUTED } from "./theme.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;

/**
 * The Jacobian-spectrum panel: a histogram of the singular values s of the input-output Jacobian
 * of the hidden stack (log scale, one bar per 0.05 decade, the line at s = 1), its mean s^2,
 * Var(s^2) and range beside the free-probability moments of the initialization (Pennington et al.
 * 2017). Dynamical isometry: every bar at 1. Computed in the worker at probes (worker/jacobian-view.ts).
 */
export class JacobianPanel {
  private readonly svg = document.createElementNS(SVG, "svg");
  private readonly text = document.createElement("div");
  private shown: JacobianView | null | undefined = undefined;

  constructor(parent: HTMLElement) {
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    this.svg.setAttribute("width", "100%");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Jacobian singular values: waiting for the first probe");
    this.text.className = "jacobian-moments";
    this.text.style.fontSize = "12px";
    parent.append(this.svg, this.text);
  }

  update(v: JacobianView | null): void {
    if (v === this.shown) return;
    this.shown = v;
    this.svg.replaceChildren();
    if (!v || v.skipped) {
      this.text.textContent = v?.skipped ?? "waiting for the first probe";
      return;
    }
    const counts = v.counts;
    let first = counts.findIndex((c) => c > 0);
    let last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
    if (first < 0) {
      first = 0;
      last = counts.length - 1;
    }
    // always show s = 1 (log10 = 0) and a little room around the values
    const one = v.edges.findIndex((e) => e > 0) - 1;
    first = Math.max(0, Math.min(first, one) - 2);
    last = Math.min(counts.length - 1, Math.max(last, one) + 2);
    const n = last - first + 1;
    const max = Math.max(1, ...counts.slice(first, last + 1));
    const bw = W / n;
    const add = (tag: string, attrs: Record<string, string | number>) => {
      const el = document.createElementNS(SVG, tag);
      for (const [k, val] of Object.entries(attrs)) el.setAttribute(k, String(val));
      this.svg.append(el);
      return el;
    };
    add("line", { x1: 0, y1: H - 14, x2: W, y2: H - 14, stroke: GRID });
    for (let k = first; k <= last; k++) {
      const hgt = ((H - 20) * counts[k]) / max;
      if (counts[k] > 0)
        add("rect", {
          x: (k - first) * bw + 0.5,
          y: H - 14 - hgt,
          width: Math.max(1, bw - 1),
          height: hgt,
          fill: BLUE,
        });
    }
    const xOf = (log10: number) => ((log10 - v.edges[first]) / (v.edges[last + 1] - v.edges[first])) * W;
    add("line", { x1: xOf(0), y1: 0, x2: xOf(0), y2: H - 14, stroke: MUTED, "stroke-dasharray": "4 3" });
    const label = (x: number, s: string) => {
      const t = add("text", { x, y: H - 2, "font-size": 10, fill: MUTED, "text-anchor": "middle" });
      t.textContent = s;
    };
    label(Math.max(12, Math.min(W - 12, xOf(0))), "s = 1");
    label(14, fmt(10 ** v.edges[first], 2));
    label(W - 14, fmt(10 ** v.edges[last + 1], 2));
    this.svg.setAttribute(
      "aria-label",
      `Jacobian singular values at step ${v.step}: ${v.size} values from ${fmt(v.min, 3)} to ${fmt(v.max, 3)}`,
    );
    const t = v.theory;
    this.text.textContent =
      `step ${v.step}: J of layers ${v.lo + 1}..${v.hi + 1} (${v.depth} layers, ${v.size} singular values, one example) · ` +
      `mean s² ${fmt(v.meanSquare, 3)}${t ? ` (theory at init ${fmt(t.meanSquare, 3)})` : ""} · ` +
      `Var(s²) ${fmt(v.variance, 3)}${t ? ` (theory ${fmt(t.variance, 3)})` : ""} · s in [${fmt(v.min, 3)}, ${fmt(v.max, 3)}]`;
  }
}
