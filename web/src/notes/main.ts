import katex from "katex";
import "katex/dist/katex.min.css";
import "../style.css";
import "./notes.css";
import original from "../../../docs/notes/notes-vi.txt?raw";
import { findPreset } from "../presets.js";
import { toUrl } from "../state.js";
import { type Child, h } from "../ui/dom.js";
import { LABS, type LiveLab, prefetch } from "./labs.js";
import { SECTIONS } from "./sections.js";

/**
 * The notes page: the study notes section by section, formulas typeset with KaTeX (bundled, with
 * MathML for screen readers), and after each claim a live lab that runs it in the lab's worker
 * and states its verdict, with links to the full lab and the CLI experiment.
 */

/** A TeX formula, inline or displayed. */
function tex(src: string, display: boolean): HTMLElement {
  // a displayed formula scrolls sideways on a narrow screen: focusable, so keys scroll it too
  const el = h(display ? "div" : "span", {
    class: display ? "formula" : "formula-inline",
    tabindex: display ? 0 : null,
  });
  katex.render(src, el, { throwOnError: false, displayMode: display, output: "htmlAndMathml" });
  return el;
}

/** A line of the notes: **bold** and $TeX$ inside text (everything else is text). */
function inline(text: string): Child[] {
  return text
    .split(/(\$[^$]+\$|\*\*[^*]+\*\*)/)
    .filter((part) => part !== "")
    .map((part) => {
      if (part.startsWith("$") && part.endsWith("$") && part.length > 2) return tex(part.slice(1, -1), false);
      if (part.startsWith("**") && part.endsWith("**")) return h("strong", {}, ...inline(part.slice(2, -2)));
      return part;
    });
}

function labLink(lab: LiveLab): string | null {
  const p = lab.preset ? findPreset(lab.preset) : null;
  if (p) return `./?${toUrl(p.state, p.compare ? { ...p.state, ...p.compare } : null, p.id)}`;
  return lab.state ? `./?${toUrl(lab.state, null, null)}` : null;
}

/** One live lab: what it runs, its rule, a Run button and the verdict it reaches. */
function liveLab(lab: LiveLab): { el: HTMLElement; run: () => Promise<void> } {
  const verdict = h("div", {
    class: "verdict",
    role: "status",
    "aria-live": "polite",
    "data-testid": `verdict-${lab.id}`,
  });
  const button = h("button", { type: "button", class: "primary", "data-testid": `run-${lab.id}` }, "Run");
  let input: HTMLInputElement | null = null;
  const inputId = `lab-${lab.id}-input`;
  if (lab.input) {
    input = h("input", {
      id: inputId,
      type: "number",
      min: lab.input.min,
      max: lab.input.max,
      step: 1,
      value: lab.input.value,
      inputmode: "numeric",
    });
  }
  const link = labLink(lab);
  const el = h(
    "aside",
    { class: "live-lab", id: `lab-${lab.id}`, "aria-label": `live lab: ${lab.id}` },
    h("div", { class: "live-head" }, h("b", {}, "Live lab"), h("span", { class: "muted" }, lab.what)),
    h("p", { class: "rule" }, h("b", {}, "Verdict rule: "), lab.rule),
    h(
      "div",
      { class: "live-controls" },
      input && h("label", { for: inputId }, lab.input!.label, " "),
      input,
      button,
      link && h("a", { href: link }, "open the full lab"),
      h("code", { class: "cli" }, `initlab experiment run ${lab.experiment} --quick`),
    ),
    verdict,
  );
  const run = async () => {
    button.disabled = true;
    verdict.dataset.state = "running";
    delete verdict.dataset.pass;
    verdict.replaceChildren("running…");
    const t0 = performance.now();
    try {
      const n = input ? Math.round(Number(input.value)) : 0;
      if (lab.input && !(n >= lab.input.min && n <= lab.input.max)) {
        throw new Error(
          `${lab.input.label} must be an integer from ${lab.input.min} to ${lab.input.max}, got "${input!.value}"`,
        );
      }
      const verdicts = await lab.run(n, `notes-${lab.id}`);
      const pass = verdicts.every((v) => v.pass);
      verdict.dataset.pass = String(pass);
      verdict.dataset.ms = String(Math.round(performance.now() - t0));
      verdict.replaceChildren(
        h("b", { class: pass ? "good" : "bad" }, pass ? "Reproduced. " : "Not reproduced. "),
        ...verdicts.map((v) => h("span", { class: v.pass ? "" : "bad" }, `${v.text} `)),
        h("span", { class: "muted" }, `(${((performance.now() - t0) / 1000).toFixed(1)} s)`),
      );
    } catch (e) {
      verdict.dataset.pass = "false";
      verdict.replaceChildren(h("span", { class: "bad" }, `The lab could not run: ${(e as Error).message}`));
    } finally {
      verdict.dataset.state = "done";
      button.disabled = false;
    }
  };
  button.addEventListener("click", () => void run());
  return { el, run };
}

function render(): void {
  const main = document.querySelector<HTMLElement>("#notes")!;
  const runs: (() => Promise<void>)[] = [];
  const toc = h(
    "nav",
    { class: "toc", "aria-label": "sections" },
    h("ol", {}, ...SECTIONS.map((s) => h("li", {}, h("a", { href: `#${s.id}` }, s.title)))),
  );
  const runAll = h("button", { type: "button", "data-testid": "run-all" }, "Run every live lab");
  runAll.addEventListener("click", async () => {
    runAll.disabled = true;
    for (const r of runs) await r();
    runAll.disabled = false;
  });
  main.append(
    h(
      "header",
      { class: "notes-head" },
      h("h1", {}, "The study notes, live"),
      h(
        "p",
        {},
        "The notes this project grew from, section by section. After each claim a small live lab runs it here, in seconds, with the lab's engine, and says whether it holds. ",
        h("a", { href: "./" }, "Open the lab"),
        ".",
      ),
      h("div", { class: "live-controls" }, runAll),
      toc,
    ),
  );
  for (const s of SECTIONS) {
    const sec = h(
      "section",
      { id: s.id, "aria-labelledby": `${s.id}-title` },
      h("h2", { id: `${s.id}-title` }, s.title),
    );
    let list: HTMLUListElement | null = null;
    for (const b of s.blocks) {
      if (b.startsWith("- ")) {
        list ??= sec.appendChild(h("ul"));
        list.append(h("li", {}, ...inline(b.slice(2))));
        continue;
      }
      if (b.startsWith("$$")) {
        (list?.lastElementChild ?? sec).append(tex(b.slice(2, -2), true));
        continue;
      }
      list = null;
      if (b.startsWith("lab:")) {
        const lab = LABS.find((l) => l.id === b.slice(4))!;
        const w = liveLab(lab);
        runs.push(w.run);
        sec.append(w.el);
      } else sec.append(h("p", {}, ...inline(b)));
    }
    main.append(sec);
  }
  main.append(
    h(
      "details",
      { class: "original" },
      h("summary", {}, "The original notes (Vietnamese, the pictures missing)"),
      h("pre", { lang: "vi" }, original),
    ),
  );
}

render();
// data-ready tells scripts (and the tests) that the labs' data has arrived
void prefetch().then(() => {
  document.body.dataset.ready = "1";
});
