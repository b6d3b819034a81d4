import uPlot from "uplot";
import type { ProbeSnapshot } from "../../../src/probe/types.js";
import type { RunSummary, StoredRun, SweepListing } from "../../../src/store/run-store.js";
import { apiFetch } from "../api.js";
import { toProbeView, withInitialBlockTheory } from "../probe-convert.js";
import { RunSeries } from "../series.js";
import { toUrl } from "../state.js";
import { fromTrainConfig } from "../state-config.js";
import { BlockPanel } from "./block-panel.js";
import { append, h, options, replace } from "./dom.js";
import { GradHeatmap } from "./grad-heatmap.js";
import { HistogramRidges } from "./histograms.js";
import { LayerTable } from "./layer-table.js";
import { fmt, GRID, INK, MUTED } from "./theme.js";
import { VarianceChart } from "./variance-chart.js";

interface RunList {
  runs: RunSummary[];
  sweeps: SweepListing[];
  total: number;
  note?: string;
}

/**
 * The run store (runs of `initlab train --store`, sweeps, experiments), read through the server's
 * API: a table of runs, filterable by sweep; a click opens the run's charts (loss curve, variance
 * flow at the first and last probe against the theory, gradient-norm heatmap, histograms,
 * findings) and offers to open its configuration in the lab.
 */
export class RunsBrowser {
  private readonly list = document.createElement("div");
  private readonly detail = document.createElement("div");
  private sweep = "";
  private selected: string | null = null;

  constructor(parent: HTMLElement) {
    this.list.className = "panel runs-list";
    this.detail.className = "runs-detail";
    replace(this.detail, h("div", { class: "panel muted" }, "Choose a run to see its charts."));
    parent.append(this.list, this.detail);
  }

  async refresh(): Promise<void> {
    replace(this.list, h("p", { class: "muted" }, "loading…"));
    try {
      const r = await apiFetch(`api/runs?limit=1000`);
      const data = (await r.json()) as RunList & { error?: string };
      if (!r.ok) throw new Error(data.error ?? `HTTP ${r.status}`);
      this.renderList(data);
    } catch (e) {
      replace(this.list, h("p", { class: "bad" }, `Cannot read the run store: ${(e as Error).message}`));
    }
  }

  private renderList(data: RunList): void {
    const sweeps = data.sweeps ?? [];
    const runs = data.runs;
    const sweepSel =
      sweeps.length > 0 &&
      h(
        "select",
        { "data-testid": "runs-sweep", "aria-label": "show the runs of a sweep" },
        ...options([
          { value: "", text: `all runs (${data.total})` },
          ...sweeps.map((s) => ({
            value: s.name,
            text: `${s.name} (${s.ok} ok, ${s.diverged} diverged, ${s.failed} failed)`,
          })),
        ]),
      );
    const rows = runs.map((r) => {
      const c = r.config;
      const acc = r.final ? `${(100 * r.final.testAccuracy).toFixed(1)}%` : "–";
      return h(
        "tr",
        { class: `run-row${r.id === this.selected ? " active" : ""}`, "data-id": r.id, tabindex: 0 },
        h("td", {}, r.storedAt.slice(0, 16).replace("T", " ")),
        h("td", {}, c.data),
        h("td", {}, `${c.hidden.length}×${c.hidden[0] ?? 0}`),
        h("td", {}, c.activation),
        h("td", {}, c.init),
        h("td", {}, c.lr),
        h("td", { class: `status-${r.status}` }, r.status),
        h("td", {}, acc),
      );
    });
    const th = (t: string) => h("th", { scope: "col" }, t);
    replace(
      this.list,
      h("h3", {}, "Runs ", h("small", {}, data.note ?? `${runs.length} of ${data.total}`)),
      sweepSel,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          {},
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ...["stored", "data", "hidden", "activation", "init", "lr", "status", "test acc"].map(th),
            ),
          ),
          h("tbody", {}, ...rows),
        ),
      ),
    );
    const sel = this.list.querySelector("select");
    if (sel) {
      sel.value = this.sweep;
      sel.addEventListener("change", () => {
        this.sweep = sel.value;
        this.filter();
      });
      this.filter();
    }
    for (const tr of this.list.querySelectorAll<HTMLTableRowElement>("tr.run-row")) {
      tr.addEventListener("click", () => this.open(tr.dataset.id!));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          this.open(tr.dataset.id!);
        }
      });
    }
  }

  /** Shows only the runs planned by the chosen sweep. */
  private async filter(): Promise<void> {
    const rows = this.list.querySelectorAll<HTMLTableRowElement>("tr.run-row");
    if (!this.sweep) {
      for (const tr of rows) tr.hidden = false;
      return;
    }
    const r = await apiFetch(`api/sweeps/${encodeURIComponent(this.sweep)}`);
    if (!r.ok) return;
    const sweep = (await r.json()) as { runs: { id: string }[] };
    const members = new Set(sweep.runs.map((x) => x.id));
    for (const tr of rows) tr.hidden = !members.has(tr.dataset.id!);
  }

  private async open(id: string): Promise<void> {
    this.selected = id;
    for (const tr of this.list.querySelectorAll<HTMLTableRowElement>("tr.run-row"))
      tr.classList.toggle("active", tr.dataset.id === id);
    replace(
      this.detail,
      h("div", { class: "panel" }, h("p", { class: "muted" }, `loading ${id.slice(0, 12)}…`)),
    );
    const r = await apiFetch(`api/runs/${encodeURIComponent(id)}`);
    const run = (await r.json()) as StoredRun & { error?: string };
    if (!r.ok) {
      replace(
        this.detail,
        h("div", { class: "panel" }, h("p", { class: "bad" }, run.error ?? `HTTP ${r.status}`)),
      );
      return;
    }
    this.renderRun(run);
  }

  private renderRun(run: StoredRun): void {
    const c = run.config;
    const rec = run.record;
    const lab = fromTrainConfig(c);
    const link = lab
      ? `?${toUrl({ ...lab.state, steps: rec?.final.steps || lab.state.steps }, null, null)}`
      : null;
    const f = run.final;
    this.detail.replaceChildren();
    const head = section(this.detail, "Run", run.id.slice(0, 16));
    append(head, [
      h(
        "p",
        {},
        h("b", {}, c.data),
        ` (${c.preprocess}), hidden ${c.hidden.join(",") || "none"} ${c.activation}, ` +
          `init ${c.init}, bias ${c.biasInit}, ${c.optimizer} lr ${c.lr}, batch ${c.batchSize}, seed ${c.seed}`,
      ),
      h(
        "p",
        {},
        `${run.status}${run.error ? `: ${run.error}` : ""}` +
          (f
            ? ` · ${f.steps} steps · test accuracy ${(100 * f.testAccuracy).toFixed(2)}% · test loss ${fmt(f.testLoss, 3)}${f.diverged ? ` · diverged at step ${f.divergedAtStep}` : ""}`
            : "") +
          (run.meta ? ` · ${run.meta.backend}, initlab ${run.meta.initlab}` : "") +
          (run.sweeps.length ? ` · sweeps: ${run.sweeps.join(", ")}` : ""),
      ),
      link !== null &&
        h(
          "p",
          {},
          h("a", { href: link, "data-testid": "open-in-lab" }, "Open this configuration in the lab"),
          lab?.dropped.length
            ? h("span", { class: "muted" }, ` (not shown there: ${lab.dropped.join("; ")})`)
            : null,
        ),
    ]);
    if (!rec) return;
    if (rec.lossCurve.length)
      lossPlot(section(this.detail, "Loss", "batch loss (as recorded)"), rec.lossCurve);
    const probes = (rec.probes as ProbeSnapshot[]).filter((p) => p && Array.isArray(p.layers));
    if (probes.length === 0) {
      section(this.detail, "Probes", "").append(
        h("p", { class: "muted" }, "This run has no probes (train with --probe-every N to record them)."),
      );
      return;
    }
    const views = probes.map((p) =>
      toProbeView(p, { testLoss: null, testAccuracy: null, diagnosis: [], recommendations: [] }),
    );
    const first = views[0];
    const last = views[views.length - 1];
    if (first.layers.some((l) => l.predPreVar !== null)) {
      for (const l of last.layers) {
        const p = first.layers[l.layer];
        l.predPreVar = p?.predPreVar ?? null;
        l.predGradVar = p?.predGradVar ?? null;
      }
    }
    new VarianceChart(section(this.detail, "Variance flow", `first probe (step ${first.step})`), 200).update(
      first,
    );
    if (views.length > 1)
      new VarianceChart(
        section(this.detail, "Variance flow", `last probe (step ${last.step}), theory of step ${first.step}`),
        200,
      ).update(last);
    const series = new RunSeries();
    for (const v of views) series.addProbe(v);
    new GradHeatmap(
      section(this.detail, "Gradient norm", "log10 ‖dL/dW‖, layer × probe"),
      series,
      180,
    ).update();
    const hists = section(this.detail, "Histograms", `step ${last.step}`);
    hists.classList.add("two-col");
    const a = document.createElement("div");
    const g = document.createElement("div");
    hists.append(a, g);
    new HistogramRidges(a, "act", 220).update(last);
    new HistogramRidges(g, "grad", 220).update(last);
    new LayerTable(section(this.detail, "Layers", `step ${last.step}`)).update(last);
    if (last.blocks || last.norms) {
      // residual or normalized: the lab's block panel for the last probe, beside the first's theory
      if (views.length > 1 && first.step === 0)
        last.blocks = withInitialBlockTheory(
          last.blocks,
          first.blocks?.map((b) => b.predictedStreamSecond) ?? null,
        );
      const blocksHint = `step ${last.step}${last !== first ? `, theory of step ${first.step}` : ""}`;
      new BlockPanel(
        section(this.detail, last.blocks ? "Residual blocks" : "Normalization layers", blocksHint),
        { blocks: last.blocks !== null, norms: last.norms !== null },
        null,
        () => undefined,
      ).update(last);
    }
    const findings = (rec.findings as { message?: string; step?: number }[]).filter(
      (x) => x && typeof x.message === "string",
    );
    if (findings.length) {
      section(this.detail, "Findings", "as they appeared during training").append(
        h(
          "ul",
          {},
          ...findings.map((x) =>
            h("li", {}, `${x.step !== undefined ? `step ${x.step}: ` : ""}${x.message}`),
          ),
        ),
      );
    }
  }
}

function section(parent: HTMLElement, title: string, hint: string): HTMLElement {
  const body = h("div", { class: "body" });
  parent.append(h("section", { class: "panel" }, h("h3", {}, title, h("small", {}, hint)), body));
  return body;
}

function lossPlot(parent: HTMLElement, curve: { step: number; loss: number | null }[]): void {
  const axis = {
    stroke: MUTED,
    grid: { stroke: GRID, width: 1 },
    ticks: { stroke: GRID },
    font: "11px system-ui",
  };
  const xs = curve.map((p) => p.step);
  const ys = curve.map((p) => (p.loss !== null && p.loss > 0 ? p.loss : null));
  new uPlot(
    {
      width: Math.max(300, parent.clientWidth),
      height: 180,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { ...axis, label: "step" },
        { ...axis, size: 46 },
      ],
      series: [{ label: "step" }, { label: "loss", stroke: INK, width: 1.5, points: { show: false } }],
      legend: { show: false },
    },
    [xs, ys],
    parent,
  );
}
