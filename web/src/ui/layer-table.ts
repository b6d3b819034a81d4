import type { ProbeView } from "../protocol.js";
import { fmt } from "./theme.js";

/**
 * The per-layer numbers of the latest probe, measured against the theory: Var(z), Var(dL/dz),
 * ||dL/dW||, the gradient relative to the output layer, dead and saturated fractions. Each row
 * carries its raw numbers as data attributes (data-grad-var, data-wgrad, ...) for scripts and tests,
 * and the table the step of its probe (data-step).
 */
export class LayerTable {
  readonly el = document.createElement("table");
  private shown: ProbeView | null = null;

  constructor(parent: HTMLElement) {
    this.el.className = "layer-table";
    parent.append(this.el);
  }

  update(p: ProbeView | null): void {
    if (p === this.shown) return;
    this.shown = p;
    const head =
      "<thead><tr><th>layer</th><th>units</th><th>activation</th><th class=fwd>Var(z)</th><th class=fwd>theory</th>" +
      "<th class=bwd>Var(dL/dz)</th><th class=bwd>theory</th><th class=bwd>‖dL/dW‖</th><th class=bwd>÷ last</th>" +
      "<th>dead</th><th>saturated</th></tr></thead>";
    if (!p) {
      this.el.innerHTML = head;
      return;
    }
    const last = p.layers[p.layers.length - 1];
    const rows = p.layers.map((l) => {
      const rel = l.weightGradNorm / last.weightGradNorm;
      const attrs =
        `data-layer="${l.layer}" data-pre-var="${l.preVar}" data-grad-var="${l.gradVar}" ` +
        `data-wgrad="${l.weightGradNorm}" data-dead="${l.dead}" data-saturated="${l.saturated}"`;
      const warn = (x: number | null) => (x !== null && x >= 0.5 ? " class=warn" : "");
      return (
        `<tr ${attrs}><td>${l.layer === p.layers.length - 1 ? `${l.layer} (out)` : l.layer}</td><td>${l.fanOut}</td>` +
        `<td>${escapeHtml(l.activation)}</td><td class=fwd>${fmt(l.preVar)}</td><td class="fwd theory">${fmt(l.predPreVar)}</td>` +
        `<td class=bwd>${fmt(l.gradVar)}</td><td class="bwd theory">${fmt(l.predGradVar)}</td>` +
        `<td class=bwd>${fmt(l.weightGradNorm)}</td><td class=bwd>${fmt(rel)}</td>` +
        `<td${warn(l.dead)}>${pct(l.dead)}</td><td${warn(l.saturated)}>${pct(l.saturated)}</td></tr>`
      );
    });
    this.el.innerHTML = `${head}<tbody>${rows.join("")}</tbody>`;
    this.el.dataset.step = String(p.step);
  }
}

function pct(x: number | null): string {
  return x !== null && Number.isFinite(x) ? `${Math.round(100 * x)}%` : "–";
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
