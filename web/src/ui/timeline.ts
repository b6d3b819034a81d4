import type { ProbeView } from "../protocol.js";
import type { RunSeries } from "../series.js";

/**
 * Which probe the views show: the latest one (following the run), or one picked on a slider, to
 * replay the histograms and per-layer numbers step by step, for instance the initialization of a
 * run that has since diverged. The choice is kept as a step, so it survives the thinning of old
 * probes.
 */
export class Timeline {
  readonly el = document.createElement("div");
  private readonly slider = document.createElement("input");
  private readonly label = document.createElement("span");
  private readonly latest = document.createElement("button");
  /** The step picked, or null to follow the latest probe. */
  private picked: number | null = null;
  private count = -1;

  constructor(
    private readonly series: RunSeries,
    private readonly onChange: () => void,
  ) {
    this.el.className = "timeline";
    this.slider.type = "range";
    this.slider.min = "0";
    this.slider.step = "1";
    this.slider.dataset.testid = "timeline";
    this.slider.title = "replay the probes: pick a step";
    this.slider.setAttribute("aria-label", "probe shown (replay the probes step by step)");
    this.latest.textContent = "latest";
    this.latest.title = "follow the latest probe";
    const name = document.createElement("span");
    name.className = "muted";
    name.textContent = "probe";
    this.el.append(name, this.slider, this.label, this.latest);
    this.slider.addEventListener("input", () => {
      const p = this.series.probes[Number(this.slider.value)];
      this.pick(p && Number(this.slider.value) < this.series.probes.length - 1 ? p.step : null);
    });
    this.latest.addEventListener("click", () => this.pick(null));
  }

  pick(step: number | null): void {
    this.picked = step;
    this.count = -1;
    this.sync();
    this.onChange();
  }

  get following(): boolean {
    return this.picked === null;
  }

  /** The probe to show. */
  shown(): ProbeView | null {
    const probes = this.series.probes;
    if (probes.length === 0) return null;
    if (this.picked === null) return probes[probes.length - 1];
    let best = probes[0];
    for (const p of probes) if (p.step <= this.picked) best = p;
    return best;
  }

  /** Moves the slider to the shown probe (cheap when nothing changed). */
  sync(): void {
    const probes = this.series.probes;
    if (probes.length === this.count) return;
    this.count = probes.length;
    const shown = this.shown();
    this.slider.max = String(Math.max(0, probes.length - 1));
    this.slider.value = String(shown ? probes.indexOf(shown) : 0);
    this.slider.disabled = probes.length < 2;
    this.label.textContent = shown ? `step ${shown.step}` : "";
    this.latest.disabled = this.picked === null;
  }
}
