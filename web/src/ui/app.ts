import { torchScript } from "../../../src/interop/torch-export.js";
import { sizesText } from "../../../src/train/setting-kinds.js";
import { LabRun } from "../lab-run.js";
import { findPreset, PRESETS, type Preset } from "../presets.js";
import { UNLIMITED_STEPS } from "../protocol.js";
import {
  type BlockMetric,
  dataShape,
  type LabState,
  type PageView,
  parseUrl,
  sameValue,
  toUrl,
} from "../state.js";
import { toCliCommand, toTrainConfig } from "../state-config.js";
import { ConfigPanel } from "./config-panel.js";
import { CoordCheckPanel } from "./coord-check-panel.js";
import { type Child, h, options, replace } from "./dom.js";
import { LabView } from "./lab-view.js";
import { RunsBrowser } from "./runs-browser.js";
import { fmt } from "./theme.js";

const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;

/**
 * The page: header controls (preset, start/pause, step, reset, compare, link), the settings of
 * one or two configurations, and one LabView per configuration. The URL always holds the whole
 * state (history.replaceState on every change), so a link reproduces the same seeded run.
 */
export class App {
  private a: LabState;
  private b: LabState | null;
  private preset: Preset | null;
  private editing: "a" | "b" = "a";
  /** The page's view options (the block panel's chart): in the link, kept across resets. */
  private view: PageView;
  private views: LabView[] = [];
  private readonly config: ConfigPanel;
  private runs: RunsBrowser | null = null;
  private statusDrawn = "";
  private readonly errorsShown = new WeakSet<LabRun>();

  constructor() {
    const parsed = parseUrl(location.search);
    this.a = parsed.a;
    this.b = parsed.b;
    this.preset = findPreset(parsed.preset);
    this.view = parsed.view;
    if (parsed.problems.length) this.notice(`The link had problems: ${parsed.problems.join("; ")}`);
    this.config = new ConfigPanel(this.a, (s) => this.edited(s));
    $("#config").append(this.config.el);
    new CoordCheckPanel($(".side"), () => (this.editing === "b" && this.b ? this.b : this.a));
    // the settings fold away on narrow screens (the charts come first there), open on wide ones
    const narrow = matchMedia("(max-width: 900px)");
    const fold = () => {
      $<HTMLDetailsElement>("#settings").open = !narrow.matches;
    };
    fold();
    narrow.addEventListener("change", fold);
    this.buildHeader();
    this.renderPresetBox();
    this.renderEditTabs();
    this.reset();
    const frame = () => {
      for (const v of this.views) v.update();
      this.renderStatus();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  private buildHeader(): void {
    const presetSel = $<HTMLSelectElement>("#preset");
    presetSel.replaceChildren(
      ...options([
        { value: "", text: "— choose an experiment —" },
        ...PRESETS.map((p) => ({ value: p.id, text: p.title })),
      ]),
    );
    presetSel.value = this.preset?.id ?? "";
    presetSel.addEventListener("change", () => this.applyPreset(findPreset(presetSel.value)));
    $("#btn-play").addEventListener("click", () => this.togglePlay());
    $("#btn-step").addEventListener("click", () => this.stepOnce());
    $("#btn-reset").addEventListener("click", () => this.reset());
    const unlimited = $<HTMLInputElement>("#unlimited");
    unlimited.addEventListener("change", () => {
      for (const v of this.views) v.run.setUnlimited(unlimited.checked);
      this.statusDrawn = "";
    });
    const cmp = $<HTMLInputElement>("#compare");
    cmp.checked = this.b !== null;
    cmp.addEventListener("change", () => {
      this.b = cmp.checked ? { ...this.a } : null;
      this.editing = "a";
      this.changed(true);
    });
    $("#btn-link").addEventListener("click", () => {
      navigator.clipboard?.writeText(location.href).catch(() => undefined);
      this.notice("Link copied: it reproduces this exact run (same seed, same numbers).", 3000);
    });
    $("#btn-cli").addEventListener("click", () => {
      const lines = [`# A\n${toCliCommand(this.a)}`];
      if (this.b) lines.push(`# B\n${toCliCommand(this.b)}`);
      this.notice(h("pre", { "data-testid": "cli-command" }, lines.join("\n")), 0);
    });
    $("#btn-torch").addEventListener("click", () => this.showTorchExport());
    for (const btn of document.querySelectorAll<HTMLButtonElement>("[data-tab]")) {
      btn.addEventListener("click", () => this.showTab(btn.dataset.tab!));
    }
    document.addEventListener("keydown", (e) => {
      // keys typed into a control (or Space/Enter on a focused button or link) belong to it
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if ((e.target as HTMLElement).closest("input, select, textarea, button, a, summary, [contenteditable]"))
        return;
      if (e.key === " ") {
        e.preventDefault();
        this.togglePlay();
      } else if (e.key === "s") this.stepOnce();
      else if (e.key === "r") this.reset();
    });
  }

  /**
   * The PyTorch script of configuration A (src/interop/torch-export.ts: the module, the exact
   * initialization, the optimizer and the loop), to download, and the `initlab export torch`
   * command that writes it together with its data file (initlab's split and batch order).
   */
  private showTorchExport(): void {
    const config = toTrainConfig(this.a);
    const { inputDim: inputs, numClasses } = dataShape(this.a.data, config.features);
    let script: string;
    try {
      script = torchScript(config, { sizes: [inputs, ...config.hidden, numClasses] });
    } catch (e) {
      // what the export cannot write yet (a regression set, L1) is said, not thrown
      this.notice(`No PyTorch script for this run: ${(e as Error).message}`);
      return;
    }
    const url = URL.createObjectURL(new Blob([script], { type: "text/x-python" }));
    const command = `${toCliCommand(this.a).replace("npx initlab train", "npx initlab export torch")} --out run.py --data-out initlab-data.safetensors`;
    this.notice(
      h(
        "div",
        { "data-testid": "torch-export" },
        h(
          "p",
          {},
          "The same run in PyTorch (configuration A). ",
          h("a", { href: url, download: "run.py" }, "Download run.py"),
          ". Its data file (this split, this batch order) and the script together:",
        ),
        h("pre", {}, command),
        h("p", {}, "then: python3 run.py (docs/interop.md)."),
      ),
      0,
    );
  }

  private showTab(tab: string): void {
    for (const btn of document.querySelectorAll<HTMLButtonElement>("[data-tab]"))
      btn.classList.toggle("active", btn.dataset.tab === tab);
    $("#tab-lab").hidden = tab !== "lab";
    $("#tab-runs").hidden = tab !== "runs";
    if (tab === "runs") {
      this.runs ??= new RunsBrowser($("#tab-runs"));
      this.runs.refresh();
    }
  }

  private stepOnce(): void {
    for (const v of this.views) v.run.stepOnce();
  }

  private togglePlay(): void {
    const running = this.views.some((v) => v.run.status === "running");
    for (const v of this.views) {
      if (running) v.run.pause();
      else v.run.play();
    }
  }

  private applyPreset(p: Preset | null): void {
    this.preset = p;
    if (p) {
      this.a = { ...p.state };
      this.b = p.compare ? { ...p.state, ...p.compare } : null;
      $<HTMLInputElement>("#compare").checked = this.b !== null;
    }
    this.editing = "a";
    this.changed(true);
  }

  private edited(s: LabState): void {
    if (this.editing === "b" && this.b) this.b = s;
    else {
      // in compare mode, B follows A on the settings it has not changed
      if (this.b) {
        const prev = this.a;
        const b = { ...this.b } as Record<string, unknown>;
        for (const k of Object.keys(s) as (keyof LabState)[]) if (sameValue(this.b[k], prev[k])) b[k] = s[k];
        this.b = b as unknown as LabState;
      }
      this.a = s;
    }
    this.changed(false);
  }

  /** Writes the URL, refreshes the side panel, restarts the runs. */
  private changed(rebuildForm: boolean): void {
    this.writeUrl();
    $<HTMLSelectElement>("#preset").value = this.preset?.id ?? "";
    if (rebuildForm)
      this.config.set(this.editing === "b" && this.b ? this.b : this.a, this.editing === "b" ? this.a : null);
    this.renderPresetBox();
    this.renderEditTabs();
    this.reset();
  }

  private writeUrl(): void {
    history.replaceState(null, "", `?${toUrl(this.a, this.b, this.preset?.id ?? null, this.view)}`);
  }

  /** A new block chart chosen in one column: the other column follows, and the link keeps it. */
  private blockMetric(m: BlockMetric): void {
    this.view = { ...this.view, blockMetric: m };
    for (const v of this.views) v.blocks?.setMetric(m);
    this.writeUrl();
  }

  private renderEditTabs(): void {
    const tabs = $("#edit-tabs");
    tabs.hidden = this.b === null;
    const tab = (id: "a" | "b") =>
      h(
        "button",
        {
          type: "button",
          "data-edit": id,
          class: this.editing === id ? "active" : "",
          "aria-pressed": String(this.editing === id),
        },
        id.toUpperCase(),
      );
    if (this.b)
      replace(tabs, tab("a"), tab("b"), h("span", { class: "muted" }, "B differs from A where marked"));
    else replace(tabs);
    for (const btn of tabs.querySelectorAll<HTMLButtonElement>("[data-edit]")) {
      btn.addEventListener("click", () => {
        this.editing = btn.dataset.edit as "a" | "b";
        this.config.set(
          this.editing === "b" && this.b ? this.b : this.a,
          this.editing === "b" ? this.a : null,
        );
        this.renderEditTabs();
      });
    }
  }

  private renderPresetBox(): void {
    const box = $("#preset-box");
    const p = this.preset;
    box.hidden = !p;
    if (!p) return;
    replace(
      box,
      h("h2", {}, p.title),
      h("p", { class: "claim" }, p.claim),
      h("p", {}, h("b", {}, "Look for:"), ` ${p.lookFor}`),
      p.tryNext.length > 0 &&
        h(
          "div",
          { class: "try" },
          "Try: ",
          ...p.tryNext.map((t, i) => h("button", { type: "button", "data-try": i }, t.label)),
        ),
    );
    for (const btn of box.querySelectorAll<HTMLButtonElement>("[data-try]")) {
      btn.addEventListener("click", () => {
        const change = p.tryNext[Number(btn.dataset.try)].change;
        if (this.editing === "b" && this.b) this.b = { ...this.b, ...change };
        else this.a = { ...this.a, ...change };
        this.changed(true);
      });
    }
  }

  /** New runs for the current configurations, paused at step 0 (the initial probe is shown at once). */
  private reset(): void {
    for (const v of this.views) v.dispose();
    const host = $("#views");
    host.className = this.b ? "views compare" : "views";
    const redraw = () => undefined;
    const unlimited = $<HTMLInputElement>("#unlimited").checked;
    const blockView = { metric: this.view.blockMetric, onMetric: (m: BlockMetric) => this.blockMetric(m) };
    this.views = [
      new LabView(
        new LabRun(this.a, redraw, unlimited, "a"),
        this.b !== null,
        this.b ? "a" : null,
        blockView,
      ),
    ];
    if (this.b)
      this.views.push(new LabView(new LabRun(this.b, redraw, unlimited, "b"), true, "b", blockView));
    for (const v of this.views) host.append(v.el);
  }

  private renderStatus(): void {
    const parts = this.views.map((v, i) => {
      const r = v.run;
      const name = this.views.length > 1 ? `${i ? "B" : "A"}: ` : "";
      const speed = r.samplesPerSecond > 0 ? ` · ${fmt(r.samplesPerSecond, 2)} samples/s` : "";
      const what =
        r.status === "error" ? `error: ${r.error}` : r.status === "loading" ? "loading…" : r.status;
      const limit = r.limit === UNLIMITED_STEPS ? "no limit" : String(r.limit);
      const stop = r.canContinue ? "step limit (Continue trains on)" : what;
      return `${name}step ${r.step} / ${limit} · ${stop}${speed}${r.info ? ` · ${r.info.backend}` : ""}`;
    });
    const text = parts.join("   ");
    if (text !== this.statusDrawn) {
      this.statusDrawn = text;
      const el = $("#status");
      el.textContent = text;
      const r0 = this.views[0]?.run;
      el.dataset.step = String(r0?.step ?? 0);
      el.dataset.status = this.views.map((v) => v.run.status).join(",");
      // exact numbers for scripts and tests: the last batch loss and the trainer's speeds
      el.dataset.loss = String(
        r0?.series.losses.length ? r0.series.losses.data[r0.series.losses.length - 1] : "",
      );
      el.dataset.sps = String(r0?.samplesPerSecond ?? 0);
      el.dataset.wallSps = String(r0?.wallSamplesPerSecond ?? 0);
      el.dataset.workerRun = String(r0?.info?.runInWorker ?? "");
    }
    for (const v of this.views) {
      if (v.run.status === "error" && !this.errorsShown.has(v.run)) {
        this.errorsShown.add(v.run);
        this.notice(`This run cannot start: ${v.run.error ?? "unknown error"}`, 0);
      }
    }
    const running = this.views.some((v) => v.run.status === "running");
    const btn = $<HTMLButtonElement>("#btn-play");
    const more = !running && this.views.some((v) => v.run.canContinue);
    const label = running ? "Pause" : more ? "Continue" : "Start";
    if (btn.textContent !== label) btn.textContent = label;
    btn.disabled = this.views.every(
      (v) =>
        (v.run.status === "done" && !v.run.canContinue) ||
        v.run.status === "error" ||
        v.run.status === "loading",
    );
    $<HTMLButtonElement>("#btn-step").disabled =
      !this.views.every((v) => v.run.status === "paused" || v.run.status === "ready" || v.run.canContinue) ||
      !this.views[0]?.run.canPause;
    for (const [i, v] of this.views.entries()) {
      if (this.views.length > 1) v.setTitle(i ? "B" : "A", summary(v.run.state));
    }
  }

  /**
   * Shows a message under the top bar, in the page's flow (it pushes the panels down instead of
   * covering them), each with its own close button; ms = 0 keeps it until closed. The content is
   * text or nodes, never markup: a link's problems are shown as they were typed.
   */
  private notice(content: Child, ms = 8000): void {
    const el = $("#notice");
    const close = h("button", { type: "button", class: "close", "aria-label": "close this message" }, "×");
    const item = h(
      "div",
      { class: "notice-item", role: "status" },
      h("div", { class: "notice-text" }, content),
      close,
    );
    const remove = () => {
      item.remove();
      if (!el.firstElementChild) el.hidden = true;
    };
    close.addEventListener("click", remove);
    el.append(item);
    el.hidden = false;
    if (ms > 0) setTimeout(remove, ms);
  }
}

function summary(s: LabState): string {
  return `${s.data} · ${sizesText(s.hidden)} ${s.activation} · ${s.init} · ${s.optimizer} lr ${s.lr}`;
}
