import type { ProbeView } from "../protocol.js";
import { h, replace } from "./dom.js";
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
    const th = (text: string, cls?: string) => h("th", { class: cls, scope: "col" }, text);
    const head = h(
      "thead",
      {},
      h(
        "tr",
        {},
        th("layer"),
        th("units"),
        th("activation"),
        th("Var(z)", "fwd"),
        th("theory", "fwd"),
        th("Var(dL/dz)", "bwd"),
        th("theory", "bwd"),
        th("‖dL/dW‖", "bwd"),
        th("÷ last", "bwd"),
        th("dead"),
        th("saturated"),
      ),
    );
    if (!p) {
      replace(this.el, head);
      return;
    }
    const last = p.layers[p.layers.length - 1];
    const rows = p.layers.map((l) => {
      const rel = l.weightGradNorm / last.weightGradNorm;
      const warn = (x: number | null) => (x !== null && x >= 0.5 ? "warn" : undefined);
      return h(
        "tr",
        {
          "data-layer": l.layer,
          "data-pre-var": l.preVar,
          "data-grad-var": l.gradVar,
          "data-wgrad": l.weightGradNorm,
          "data-dead": String(l.dead),
          "data-saturated": String(l.saturated),
        },
        h("td", {}, l.layer === p.layers.length - 1 ? `${l.layer} (out)` : String(l.layer)),
        h("td", {}, l.fanOut),
        h("td", {}, l.activation),
        h("td", { class: "fwd" }, fmt(l.preVar)),
        h("td", { class: "fwd theory" }, fmt(l.predPreVar)),
        h("td", { class: "bwd" }, fmt(l.gradVar)),
        h("td", { class: "bwd theory" }, fmt(l.predGradVar)),
        h("td", { class: "bwd" }, fmt(l.weightGradNorm)),
        h("td", { class: "bwd" }, fmt(rel)),
        h("td", { class: warn(l.dead) }, pct(l.dead)),
        h("td", { class: warn(l.saturated) }, pct(l.saturated)),
      );
    });
    replace(this.el, head, h("tbody", {}, ...rows));
    this.el.dataset.step = String(p.step);
  }
}

function pct(x: number | null): string {
  return x !== null && Number.isFinite(x) ? `${Math.round(100 * x)}%` : "–";
}

/** Kept for the diagnosis panel, which still builds markup with every string escaped. */
export { escapeHtml } from "./dom.js";
