import type { CoordCheckResult, CoordVerdict } from "../../../src/train/coord-check.js";
import { type CoordAnswer, type CoordRequest, LAB_COORD } from "../coord-protocol.js";
import { datasetBytes } from "../resources.js";
import type { LabState } from "../state.js";
import { h, replace } from "./dom.js";
import { BLUE, CLASS_COLORS, GRID, MUTED, ORANGE } from "./theme.js";

const SVG = "http://www.w3.org/2000/svg";
const LINE_COLORS = [BLUE, ORANGE, ...CLASS_COLORS];

/**
 * The coordinate check of the `mup` package in the lab (docs/parametrizations.md): on request,
 * networks of the lab's data, activation, initializer, optimizer and rate at the widths of
 * LAB_COORD are trained a few steps in a worker of their own, and the panel draws the mean |z|
 * of every layer after the last step against width (log-log), one chart per parametrization, with
 * the fitted width exponents and the verdicts: flat lines under muP, logits climbing under SP.
 */
export class CoordCheckPanel {
  readonly el: HTMLDetailsElement;
  private readonly body: HTMLElement;
  private worker: Worker | null = null;
  private request = 0;

  constructor(
    parent: HTMLElement,
    private readonly state: () => LabState,
  ) {
    const button = h(
      "button",
      { type: "button", "data-testid": "coord-run" },
      `Run on widths ${LAB_COORD.widths.join(", ")}`,
    );
    this.body = h("div", { class: "coord-body", "data-testid": "coord-body", "aria-live": "polite" });
    this.el = h(
      "details",
      { class: "settings coord-check", "data-testid": "coord-check" },
      h("summary", {}, "Coordinate check (width)"),
      h(
        "p",
        { class: "muted" },
        `The mup package's diagnostic: ${LAB_COORD.steps} SGD steps at each width (this run's data, activation, init and rate; ` +
          `a plain MLP of up to ${LAB_COORD.maxDepth} hidden layers, zero readout, base width ${LAB_COORD.widths[0]}), then mean |z| per layer. ` +
          "Under muP every line is flat; under SP the logits climb with width.",
      ),
      button,
      this.body,
    );
    button.addEventListener("click", () => {
      this.start().catch((e: unknown) =>
        this.show(`The check cannot run: ${(e as Error)?.message ?? String(e)}`),
      );
    });
    parent.append(this.el);
  }

  private async start(): Promise<void> {
    const id = ++this.request;
    const state = { ...this.state(), samples: Math.min(this.state().samples, LAB_COORD.maxSamples) };
    this.show("computing in a worker…");
    const bytes = await (datasetBytes(state) ?? Promise.resolve(null));
    if (id !== this.request) return;
    if (!this.worker) {
      this.worker = new Worker(new URL("../worker/coord-worker.ts", import.meta.url), { type: "module" });
      this.worker.onmessage = (ev: MessageEvent<CoordAnswer>) => this.receive(ev.data);
      this.worker.onerror = (ev) => {
        this.show(`The check failed: ${ev.message || "worker error"}`);
        this.worker?.terminate();
        this.worker = null;
      };
    }
    const msg: CoordRequest = { type: "coord-check", id, state, dataBytes: bytes };
    this.worker.postMessage(msg, bytes ? [bytes] : []);
  }

  private receive(m: CoordAnswer): void {
    if (m.id !== this.request) return;
    if (m.type === "coord-error") this.show(`The check failed: ${m.message}`);
    else this.render(m.result, m.verdicts, m.seconds);
  }

  private show(text: string): void {
    replace(this.body, h("p", { class: "muted" }, text));
  }

  private render(r: CoordCheckResult, verdicts: CoordVerdict[], seconds: number): void {
    const params = [...new Set(r.series.map((s) => s.parametrization))];
    const L = r.options.depth + 1;
    const name = (l: number) => (l === L - 1 ? "logits" : `hidden ${l}`);
    const charts = params.map((p) => {
      const lines = Array.from({ length: L }, (_, l) =>
        r.options.widths.map((w) => {
          const mine = r.series.filter((s) => s.parametrization === p && s.width === w);
          const mean = mine.reduce((a, s) => a + s.activation[r.options.steps][l], 0) / mine.length;
          return [Math.log2(w), Math.log2(mean)] as [number, number];
        }),
      );
      const svg = chart(lines);
      svg.setAttribute("aria-label", `${p}: log2 mean |z| of each layer against log2 width`);
      return h("figure", { class: "coord-chart" }, svg, h("figcaption", {}, p.toUpperCase()));
    });
    const legend = h(
      "p",
      { class: "muted" },
      ...Array.from({ length: L }, (_, l) =>
        h("span", { style: `color:${LINE_COLORS[l % LINE_COLORS.length]}` }, `■ ${name(l)} `),
      ),
      "· x: log2 width, y: log2 mean |z| after the last step",
    );
    const rows = r.exponents
      .filter((e) => e.what === "activation")
      .map((e) =>
        h(
          "tr",
          {},
          h("td", {}, e.parametrization),
          h("td", {}, name(e.layer)),
          h("td", {}, `${e.mean.toFixed(2)} [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]`),
        ),
      );
    replace(
      this.body,
      h("div", { class: "coord-charts" }, ...charts),
      legend,
      h(
        "table",
        { class: "coord-exponents", "data-testid": "coord-exponents" },
        h("tr", {}, h("th", {}, "param"), h("th", {}, "layer"), h("th", {}, "width exponent [95%]")),
        ...rows,
      ),
      ...verdicts.map((v) => h("p", { "data-verdict": v.verdict }, h("b", {}, `${v.verdict}: `), v.claim)),
      h(
        "p",
        { class: "muted" },
        `${r.options.seeds.length} seeds, ${r.options.optimizer} lr ${r.options.lr}, ${seconds.toFixed(1)} s. The CLI: initlab param coord-check.`,
      ),
    );
  }
}

/** A small log-log line chart (already in log2 units) as SVG. */
function chart(lines: [number, number][][]): SVGSVGElement {
  const W = 150;
  const H = 110;
  const pad = 14;
  const xs = lines.flat().map((p) => p[0]);
  const ys = lines
    .flat()
    .map((p) => p[1])
    .filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // at least 2 units (a factor 4) of y range, so flat lines look flat
  const mid = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(1, (Math.max(...ys) - Math.min(...ys)) / 2);
  const [y0, y1] = [mid - half, mid + half];
  const X = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const Y = (y: number) => H - pad - ((y - y0) / (y1 - y0)) * (H - 2 * pad);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  const frame = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries({ x: pad, y: pad, width: W - 2 * pad, height: H - 2 * pad }))
    frame.setAttribute(k, String(v));
  frame.setAttribute("fill", "none");
  frame.setAttribute("stroke", GRID);
  svg.append(frame);
  lines.forEach((pts, i) => {
    const path = document.createElementNS(SVG, "polyline");
    path.setAttribute(
      "points",
      pts
        .filter((p) => Number.isFinite(p[1]))
        .map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`)
        .join(" "),
    );
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", LINE_COLORS[i % LINE_COLORS.length]);
    path.setAttribute("stroke-width", "1.5");
    svg.append(path);
  });
  const label = document.createElementNS(SVG, "text");
  label.setAttribute("x", String(pad));
  label.setAttribute("y", String(H - 2));
  label.setAttribute("font-size", "8");
  label.setAttribute("fill", MUTED);
  label.textContent = `y range ${(y1 - y0).toFixed(1)} (log2)`;
  svg.append(label);
  return svg;
}
