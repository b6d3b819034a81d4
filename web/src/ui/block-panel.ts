import { BLOCK_COLUMNS, blockCells, normName, rangeParts } from "../../../src/probe/block-format.js";
import type { BlockProbe, NormProbe, Summary } from "../../../src/probe/types.js";
import type { ProbeView } from "../protocol.js";
import { BLOCK_METRICS, type BlockMetric } from "../state.js";
import { append, h, options, replace } from "./dom.js";
import { BLUE, BLUE_LIGHT, fmt, GRID, MUTED, ORANGE } from "./theme.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 320;
const H = 140;
/** Left margin (the decade labels) and bottom margin (the x labels) of the chart. */
const ML = 34;
const MB = 16;

/** One line of the chart: its points (x = block or layer index, y = a positive value or null), colour and dash. */
interface Line {
  label: string;
  ys: (number | null)[];
  color: string;
  dash?: string;
  dots?: boolean;
  /** A range drawn behind the line at each index: [lows, highs] (the smallest and largest unit). */
  band?: [(number | null)[], (number | null)[]];
}

const METRIC_TEXT: Record<BlockMetric, string> = {
  stream: "stream E[x²] and branch Var(αF)",
  ratio: "branch / stream ratio",
  norm: "normalization inputs' variance",
};

/**
 * The per-block view of a residual or normalized network (issue 15): for every residual block
 * x_{b+1} = x_b + alpha F(x_b), the stream's E[x^2] measured beside the theory's q_{b+1} = q_b +
 * alpha^2 V_F(q_b) (src/theory/residual.ts, predicted at step 0 and carried forward), the scaled
 * branch's variance and the branch/stream ratio; for every normalization layer, the per-unit mean
 * and variance of its input and its gamma and beta (mean over units [min, max]). A log-scale chart
 * over blocks (the theory as a dashed line) and the tables of `initlab inspect`, whose cells come
 * from the same function (src/probe/block-format.ts). The numbers are the trainer's probe
 * (src/probe/block-probe.ts), carried in the worker's probe messages: the panel computes nothing.
 */
export class BlockPanel {
  private readonly select: HTMLSelectElement;
  private readonly svg = document.createElementNS(SVG, "svg");
  private readonly legend = h("div", { class: "block-legend" });
  private readonly blockTable = h("table", {
    class: "block-table",
    "data-testid": "block-table",
  });
  private readonly normTable = h("table", { class: "block-table norm-table", "data-testid": "norm-table" });
  private readonly note = h("p", { class: "block-note" });
  private shown: ProbeView | null | undefined = undefined;
  private metric: BlockMetric;
  /** Milliseconds the last update took (the page's per-frame cost of this panel; tests read it). */
  lastDrawMs = 0;

  constructor(
    parent: HTMLElement,
    /** What the network has: residual blocks, normalization layers. */
    private readonly has: { blocks: boolean; norms: boolean },
    metric: BlockMetric | null,
    private readonly onMetric: (m: BlockMetric) => void,
  ) {
    const choices = BLOCK_METRICS.filter((m) => (m === "norm" ? has.norms : has.blocks));
    this.metric = metric && choices.includes(metric) ? metric : choices[0];
    this.select = h("select", { "data-testid": "block-metric", "aria-label": "block chart" });
    this.select.append(...options(choices.map((m) => ({ value: m, text: METRIC_TEXT[m] }))));
    this.select.value = this.metric;
    this.select.addEventListener("change", () => {
      this.metric = this.select.value as BlockMetric;
      this.onMetric(this.metric);
      this.redraw();
    });
    this.svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    this.svg.setAttribute("width", "100%");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Residual blocks: waiting for the first probe");
    this.svg.dataset.testid = "block-chart";
    const wrap = (label: string, table: HTMLTableElement) =>
      h(
        "div",
        { class: "table-wrap block-table-wrap", tabindex: 0, role: "region", "aria-label": label },
        table,
      );
    append(parent, [
      h("label", { class: "block-metric" }, "chart ", this.select),
      this.svg,
      this.legend,
      this.note,
      has.blocks && wrap("residual blocks, measured and predicted", this.blockTable),
      has.norms && wrap("normalization layers", this.normTable),
    ]);
  }

  /** Chooses the chart (a link's or the other column's choice). */
  setMetric(m: BlockMetric): void {
    if (m === this.metric || ![...this.select.options].some((o) => o.value === m)) return;
    this.metric = m;
    this.select.value = m;
    this.redraw();
  }

  update(p: ProbeView | null): void {
    if (p === this.shown) return;
    const t0 = performance.now();
    this.shown = p;
    this.redraw();
    if (this.has.blocks) this.fillBlocks(p);
    if (this.has.norms) this.fillNorms(p);
    this.lastDrawMs = performance.now() - t0;
    this.svg.dataset.drawMs = this.lastDrawMs.toFixed(2);
  }

  private fillBlocks(p: ProbeView | null): void {
    const th = (text: string) => h("th", { scope: "col" }, text);
    const heads = BLOCK_COLUMNS.map((c) => (c === "predicted" && p && p.step > 0 ? "predicted (init)" : c));
    const head = h("thead", {}, h("tr", {}, ...heads.map(th)));
    const rows = (p?.blocks ?? []).map((b) =>
      h(
        "tr",
        {
          // the raw numbers, for scripts and tests (the cells are inspect's 3 digits)
          "data-block": b.block,
          "data-stream-second": b.streamSecond,
          "data-branch-var": b.branch.var,
          "data-ratio": b.ratio,
          "data-predicted": b.predictedStreamSecond ?? "",
        },
        ...blockCells(b).map((c, i) => h("td", { class: i === 7 ? "theory" : undefined }, c)),
      ),
    );
    this.blockTable.dataset.step = String(p?.step ?? "");
    replace(this.blockTable, head, h("tbody", {}, ...rows));
  }

  private fillNorms(p: ProbeView | null): void {
    const th = (text: string) => h("th", { scope: "col" }, text);
    const norms = p?.norms ?? [];
    const batch = norms.some((n) => n.runningVar !== null);
    // every hidden layer has the same normalization: named once, in the caption
    const names = [...new Set(norms.map(normName))].join(", ");
    // "mean [min, max]" as inspect prints it, the range on a second line (the table fits a panel)
    const cell = (s: Summary | null) => {
      if (!s) return h("td", {}, "-");
      const [mean, range] = rangeParts(s);
      return h("td", {}, mean, h("span", { class: "range" }, ` ${range}`));
    };
    const head = h(
      "thead",
      {},
      h(
        "tr",
        {},
        th("layer"),
        th("input mean"),
        th("input var"),
        th("gamma"),
        th("beta"),
        batch && th("running var"),
      ),
    );
    const rows = norms.map((n) =>
      h(
        "tr",
        { "data-layer": n.layer, "data-norm": normName(n) },
        h("td", {}, String(n.layer)),
        cell(n.inputMean),
        cell(n.inputVar),
        cell(n.gamma),
        cell(n.beta),
        batch && cell(n.runningVar),
      ),
    );
    this.normTable.dataset.step = String(p?.step ?? "");
    replace(
      this.normTable,
      h("caption", {}, `${names || "normalization"}: per unit over the batch, mean over units [min, max]`),
      head,
      h("tbody", {}, ...rows),
    );
  }

  /** The chart of the current metric for the probe shown. */
  private redraw(): void {
    const p = this.shown ?? null;
    const blocks = p?.blocks ?? [];
    const norms = p?.norms ?? [];
    let lines: Line[];
    let what: string;
    if (this.metric === "norm") {
      what = `normalization layers (${norms.map((n) => n.layer).join(", ")})`;
      lines = normLines(norms);
    } else {
      what = `${blocks.length} residual blocks`;
      lines = this.metric === "ratio" ? ratioLines(blocks) : streamLines(blocks);
    }
    this.draw(
      lines,
      this.metric === "norm" ? "layer" : "block",
      this.metric === "norm" ? norms.map((n) => n.layer) : null,
    );
    replace(
      this.legend,
      ...lines.map((l) => {
        const swatch = h("span", { class: l.dash ? "swatch dashed" : "swatch" });
        swatch.style.borderColor = l.color;
        return h(
          "span",
          { class: "key" },
          swatch,
          l.band ? `${l.label} (bar: min to max over units)` : l.label,
        );
      }),
    );
    // a branch at 0 (alpha = 0: ReZero and SkipInit start there; Fixup zeroes the last layer) has no log
    const zeros = lines.some((l) => l.ys.some((y) => y === 0))
      ? " · values of 0 (a branch at 0: ReZero, SkipInit, Fixup at the start) are left off the log scale"
      : "";
    this.note.textContent = p
      ? this.metric === "norm"
        ? "the bars: the smallest and the largest unit's input variance; gamma and beta in the table"
        : `${
            p.step > 0
              ? "theory: the prediction at initialization (step 0), as initlab inspect prints it"
              : "theory: src/theory/residual.ts from this network's weights, as initlab inspect prints it"
          }${zeros}`
      : "waiting for the first probe";
    this.svg.setAttribute(
      "aria-label",
      p
        ? `${METRIC_TEXT[this.metric]} over ${what} at step ${p.step} (log scale): ${lines
            .map((l) => `${l.label} from ${fmt(first(l.ys), 3)} to ${fmt(last(l.ys), 3)}`)
            .join("; ")}. The numbers are in the table below.`
        : "Residual blocks: waiting for the first probe",
    );
  }

  /** Log-scale lines over indices 0..n-1 (labels: the x names), axes at whole decades. */
  private draw(lines: Line[], xName: string, xLabels: number[] | null): void {
    this.svg.replaceChildren();
    const add = (tag: string, attrs: Record<string, string | number>) => {
      const el = document.createElementNS(SVG, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
      this.svg.append(el);
      return el;
    };
    const text = (x: number, y: number, s: string, anchor = "middle") => {
      const t = add("text", { x, y, "font-size": 10, fill: MUTED, "text-anchor": anchor });
      t.textContent = s;
    };
    const n = Math.max(0, ...lines.map((l) => l.ys.length));
    const logs = lines.flatMap((l) => [l.ys, ...(l.band ?? [])].flat().filter(positive));
    if (n === 0 || logs.length === 0) {
      text(
        W / 2,
        H / 2,
        !this.shown
          ? "waiting for the first probe"
          : "every value is 0 or not finite: nothing on a log scale",
      );
      return;
    }
    let lo = Math.floor(Math.log10(Math.min(...logs)));
    let hi = Math.ceil(Math.log10(Math.max(...logs)));
    if (hi - lo < 1) {
      lo -= 1;
      hi += 1;
    }
    const xOf = (i: number) => ML + (n === 1 ? (W - ML - 6) / 2 : (i / (n - 1)) * (W - ML - 6));
    const yOf = (v: number) => 4 + (1 - (Math.log10(v) - lo) / (hi - lo)) * (H - MB - 8);
    const step = Math.max(1, Math.ceil((hi - lo) / 5));
    for (let d = lo; d <= hi; d += step) {
      add("line", { x1: ML, y1: yOf(10 ** d), x2: W - 4, y2: yOf(10 ** d), stroke: GRID });
      text(ML - 3, yOf(10 ** d) + 3, d === 0 ? "1" : `1e${d}`, "end");
    }
    const xl = (i: number) => String(xLabels ? xLabels[i] : i);
    text(xOf(0), H - 3, `${xName} ${xl(0)}`, n === 1 ? "middle" : "start");
    if (n > 1) text(xOf(n - 1), H - 3, xl(n - 1), "end");
    for (const l of lines) {
      if (l.band) {
        const [lows, highs] = l.band;
        for (let i = 0; i < n; i++) {
          const a = lows[i];
          const b = highs[i];
          if (positive(a) && positive(b))
            add("line", {
              x1: xOf(i),
              y1: yOf(a),
              x2: xOf(i),
              y2: yOf(b),
              stroke: BLUE_LIGHT,
              "stroke-width": 6,
            });
        }
      }
      let d = "";
      l.ys.forEach((y, i) => {
        if (!positive(y)) return;
        d += `${d ? "L" : "M"}${xOf(i).toFixed(1)} ${yOf(y).toFixed(1)} `;
      });
      if (d)
        add("path", {
          d,
          fill: "none",
          stroke: l.color,
          "stroke-width": l.dash ? 1.5 : 2,
          ...(l.dash ? { "stroke-dasharray": l.dash } : {}),
        });
      if (l.dots && n <= 60)
        l.ys.forEach((y, i) => {
          if (positive(y)) add("circle", { cx: xOf(i), cy: yOf(y), r: 2.2, fill: l.color });
        });
    }
  }
}

/** A value the log scale can draw. */
const positive = (y: number | null | undefined): y is number =>
  typeof y === "number" && y > 0 && Number.isFinite(y);
const first = (ys: (number | null)[]) => ys.find((y) => y !== null) ?? null;
const last = (ys: (number | null)[]) => [...ys].reverse().find((y) => y !== null) ?? null;

function streamLines(blocks: readonly BlockProbe[]): Line[] {
  const lines: Line[] = [
    { label: "stream E[x²]", ys: blocks.map((b) => b.streamSecond), color: BLUE, dots: true },
    { label: "branch Var(αF)", ys: blocks.map((b) => b.branch.var), color: ORANGE, dots: true },
  ];
  if (blocks.some((b) => b.predictedStreamSecond !== null))
    lines.splice(1, 0, {
      label: "theory E[x²]",
      ys: blocks.map((b) => b.predictedStreamSecond),
      color: MUTED,
      dash: "5 3",
    });
  return lines;
}

function ratioLines(blocks: readonly BlockProbe[]): Line[] {
  return [{ label: "Var(αF) / Var(x_in)", ys: blocks.map((b) => b.ratio), color: ORANGE, dots: true }];
}

function normLines(norms: readonly NormProbe[]): Line[] {
  return [
    {
      label: "input var, mean over units",
      ys: norms.map((n) => n.inputVar.mean),
      color: BLUE,
      dots: true,
      band: [norms.map((n) => n.inputVar.min), norms.map((n) => n.inputVar.max)],
    },
  ];
}
