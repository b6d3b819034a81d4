import type { LabRun } from "../lab-run.js";
import type { ProbeView } from "../protocol.js";
import { type BlockMetric, isTwoD } from "../state.js";
import { BlockPanel } from "./block-panel.js";
import { BoundaryView } from "./boundary.js";
import { DiagnosisPanel } from "./diagnosis-panel.js";
import { h, replace } from "./dom.js";
import { GradHeatmap } from "./grad-heatmap.js";
import { HistogramRidges } from "./histograms.js";
import { JacobianPanel } from "./jacobian-panel.js";
import { LayerTable } from "./layer-table.js";
import { LossChart } from "./loss-chart.js";
import { NetworkView } from "./network-view.js";
import { Timeline } from "./timeline.js";
import { VarianceChart } from "./variance-chart.js";

function panel(parent: HTMLElement, cls: string, title: string, hint: string): HTMLElement {
  // the panels that scroll can be scrolled from the keyboard (focusable, named by their title)
  const scrolls = cls === "p-diagnosis" || cls === "p-table";
  const body = h("div", {
    class: "body",
    tabindex: scrolls ? 0 : null,
    role: scrolls ? "region" : null,
    "aria-label": scrolls ? title : null,
  });
  parent.append(h("section", { class: `panel ${cls}` }, h("h3", {}, title, h("small", {}, hint)), body));
  return body;
}

/**
 * Every live view of one run: the network coloured by signal scale, the variance flow against
 * theory, loss and accuracy, activation and gradient histograms, the gradient-norm heatmap, the
 * decision boundary (2-D data), the per-layer table and the diagnosis. `update` redraws only what
 * changed; the app calls it once per animation frame.
 */
export class LabView {
  readonly el = document.createElement("div");
  private readonly network: NetworkView;
  private readonly variance: VarianceChart;
  private readonly loss: LossChart;
  private readonly heatmap: GradHeatmap;
  private readonly actHist: HistogramRidges;
  private readonly gradHist: HistogramRidges;
  private readonly table: LayerTable;
  private readonly diagnosis: DiagnosisPanel;
  private readonly jacobian: JacobianPanel;
  /** Residual or normalized networks: the per-block view (null for a plain MLP). */
  readonly blocks: BlockPanel | null;
  private readonly boundary: BoundaryView | null;
  private readonly title: HTMLElement | null;
  private readonly timeline: Timeline;
  private divergedHandled = false;
  private drawnVersion = -1;
  private boundaryShown: LabRun["boundary"] = null;
  private pointsShown = false;
  private sized = false;
  /**
   * One draw function per panel, in the order they take turns, and the least time between two
   * redraws of it while the run trains (the page must keep drawing frames, on two cores shared
   * with the worker); `dirty` marks who has news. Paused or done, every panel redraws at once.
   */
  private readonly painters: { paint: (p: ProbeView | null) => void; every: number; last: number }[];
  private readonly dirty: boolean[];
  private next = 0;

  constructor(
    readonly run: LabRun,
    compact: boolean,
    label: string | null,
    /** The block panel's chart (the link's) and who hears of a new choice (the app: the link). */
    blockView: { metric: BlockMetric | null; onMetric: (m: BlockMetric) => void } = {
      metric: null,
      onMetric: () => undefined,
    },
  ) {
    this.el.className = compact ? "lab-view compact" : "lab-view";
    this.el.dataset.testid = label ? `lab-${label}` : "lab";
    this.title = label ? document.createElement("div") : null;
    if (this.title) {
      this.title.className = "lab-title";
      this.el.append(this.title);
    }
    this.timeline = new Timeline(run.series, () => this.dirty.fill(true));
    this.el.append(this.timeline.el);
    const twoD = isTwoD(run.state.data);
    if (twoD) this.el.classList.add("two-d");
    this.network = new NetworkView(
      panel(this.el, "p-network", "Network", "blue: forward scale · orange: gradient scale"),
    );
    this.diagnosis = new DiagnosisPanel(
      panel(this.el, "p-diagnosis", "Diagnosis", "mean-field phase · inspect"),
      () => this.run,
    );
    this.variance = new VarianceChart(
      panel(this.el, "p-variance", "Variance flow", "measured (solid) vs theory (dashed)"),
    );
    this.loss = new LossChart(
      panel(this.el, "p-loss", "Loss and accuracy", "batch loss, test loss, test accuracy"),
      run.series,
    );
    this.boundary = twoD
      ? new BoundaryView(panel(this.el, "p-boundary", "Decision boundary", "test points"))
      : null;
    this.actHist = new HistogramRidges(
      panel(this.el, "p-acthist", "Activations per layer", "Glorot & Bengio 2010, Fig. 6"),
      "act",
    );
    this.gradHist = new HistogramRidges(
      panel(this.el, "p-gradhist", "Gradients per layer", "dL/dz, Fig. 7"),
      "grad",
    );
    this.heatmap = new GradHeatmap(
      panel(this.el, "p-heatmap", "Gradient norm", "log10 ‖dL/dW‖, layer × step"),
      run.series,
    );
    this.table = new LayerTable(panel(this.el, "p-table", "Layers", "the latest probe, measured vs theory"));
    this.jacobian = new JacobianPanel(
      panel(
        this.el,
        "p-jacobian",
        "Jacobian spectrum",
        "singular values of the hidden stack, Pennington et al. 2017",
      ),
    );
    const has = { blocks: run.state.residual > 0, norms: run.state.norm !== "none" };
    this.blocks =
      has.blocks || has.norms
        ? new BlockPanel(
            panel(
              this.el,
              "p-blocks",
              has.blocks ? "Residual blocks" : "Normalization layers",
              has.blocks ? "stream and branch per block, measured vs theory" : "their inputs and gamma, beta",
            ),
            has,
            blockView.metric,
            blockView.onMetric,
          )
        : null;
    const every = (ms: number, paint: (p: ProbeView | null) => void) => ({ paint, every: ms, last: -1e9 });
    this.painters = [
      every(200, (p) => this.network.update(p, this.run.units)),
      every(100, () => this.loss.update()),
      every(200, (p) => this.variance.update(p)),
      every(250, (p) => this.actHist.update(p)),
      every(250, (p) => this.gradHist.update(p)),
      every(300, (p) => this.heatmap.update(this.timeline.following ? null : (p?.step ?? null))),
      every(200, () => this.updateBoundary()),
      every(400, (p) => this.table.update(p)),
      every(400, (p) => this.diagnosis.update(p)),
      every(500, () => this.jacobian.update(this.run.jacobian)),
      every(400, (p) => this.blocks?.update(p)),
    ];
    this.dirty = this.painters.map(() => true);
  }

  private updateBoundary(): void {
    const run = this.run;
    if (!this.boundary) return;
    if (run.info?.points && !this.pointsShown) {
      this.pointsShown = true;
      this.boundary.setPoints(run.info.points);
    }
    if (run.boundary && run.boundary !== this.boundaryShown) {
      this.boundaryShown = run.boundary;
      this.boundary.update(run.boundary.n, run.boundary.classes, run.boundary.confidence);
    }
  }

  /**
   * Redraws what changed since the last call, spending at most `budgetMs` of this frame: the
   * panels take turns, so a probe that changes every panel is drawn over a few frames instead
   * of one long one (the page must keep drawing frames while the worker trains).
   */
  update(budgetMs = 6): void {
    const run = this.run;
    if (run.version !== this.drawnVersion) {
      if (run.diverged && run.status === "done" && !this.divergedHandled) {
        // a diverged run's last probe is mostly NaN: show the last one that is not
        this.divergedHandled = true;
        const ok = run.series.probes.filter((q) =>
          q.layers.every((l) => Number.isFinite(l.preVar) && Number.isFinite(l.gradVar)),
        );
        if (ok.length) this.timeline.pick(ok[ok.length - 1].step);
      }
      this.timeline.sync();
      this.drawnVersion = run.version;
      if (run.info && !this.sized) {
        this.sized = true;
        this.network.setSizes(run.info.sizes, run.info.neuronView, run.state.activation);
      }
      this.dirty.fill(true);
    }
    const p = this.timeline.shown();
    const t0 = performance.now();
    const live = run.status === "running";
    const n = this.painters.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      const painter = this.painters[i];
      if (!this.dirty[i] || (live && t0 - painter.last < painter.every)) continue;
      this.dirty[i] = false;
      painter.last = t0;
      painter.paint(p);
      if (performance.now() - t0 > budgetMs) {
        this.next = (i + 1) % n;
        return;
      }
    }
  }

  /** The title of a compared run: its name (A, B) in bold and a summary of its settings. */
  setTitle(name: string, text: string): void {
    if (this.title && this.title.textContent !== `${name} ${text}`)
      replace(this.title, h("b", {}, name), ` ${text}`);
  }

  dispose(): void {
    this.run.dispose();
    this.el.remove();
  }
}
