import { listInitializers, parseInit } from "../../../src/init/index.js";
import { parseSpecSyntax } from "../../../src/init/spec.js";
import { h, options, replace } from "./dom.js";
import { fmt } from "./theme.js";

interface NameInfo {
  name: string;
  /** The registry entry (its canonical name) this name resolves to. */
  target: string;
  args: { name: string; default: unknown; choices: string[] | null }[];
  formula: string;
  reference: string;
}

const NAMES: NameInfo[] = listInitializers().flatMap((d) => {
  const args = d.args.map((a) => ({
    name: a.name,
    default: a.default,
    choices: a.type.includes("|") ? a.type.split("|") : null,
  }));
  const mk = (name: string, defaults: Record<string, unknown> = {}) => ({
    name,
    target: d.name,
    args: args.map((a) => (a.name in defaults ? { ...a, default: defaults[a.name] } : a)),
    formula: d.formula,
    reference: d.reference,
  });
  return [mk(d.name), ...d.aliases.map((a) => mk(a, d.aliasDefaults[a]))];
});

/**
 * An initializer spec editor: pick a name, fill its arguments (defaults shown), or type any spec
 * the library accepts; the spec is checked with parseInit and its exact statistics shown for the
 * layer's fans (Var(w) and sigma_w^2 = fan_in Var(w)).
 */
export class InitEditor {
  readonly el = document.createElement("div");
  private readonly select = document.createElement("select");
  private readonly args = document.createElement("div");
  private readonly text = document.createElement("input");
  private readonly note = document.createElement("div");
  private fans = { fanIn: 1, fanOut: 1 };

  /** The spec in use (the last valid one). */
  private applied: string;

  constructor(
    private spec: string,
    private readonly onChange: (spec: string) => void,
    testId: string,
    /** The id of the name picker (its label's `for`) and the setting's name, for screen readers. */
    id = testId,
    label = "initializer",
  ) {
    this.applied = spec;
    this.el.className = "init-editor";
    this.select.append(...options(NAMES.map((n) => n.name)));
    this.select.id = id;
    this.text.setAttribute("aria-label", `${label} spec`);
    this.note.setAttribute("aria-live", "polite");
    this.note.id = `${id}-note`;
    this.text.setAttribute("aria-describedby", this.note.id);
    this.select.dataset.testid = `${testId}-name`;
    this.text.type = "text";
    this.text.spellcheck = false;
    this.text.dataset.testid = testId;
    this.args.className = "init-args";
    this.note.className = "init-note";
    this.el.append(this.select, this.args, this.text, this.note);
    this.select.addEventListener("change", () => this.commit(this.select.value, true));
    this.text.addEventListener("change", () => this.commit(this.text.value.trim(), true));
    this.set(spec);
  }

  /** The fans the statistics line refers to (a hidden-to-hidden layer). */
  setFans(fanIn: number, fanOut: number): void {
    this.fans = { fanIn, fanOut };
    this.describe();
  }

  set(spec: string): void {
    this.spec = spec;
    if (this.valid()) this.applied = spec;
    this.text.value = spec;
    let name = spec;
    let given: Record<string, string> = {};
    try {
      const raw = parseSpecSyntax(spec);
      name = raw.name;
      given = Object.fromEntries(
        raw.args.map((a, i) => [a.key ?? this.info(raw.name)?.args[i]?.name ?? String(i), a.text]),
      );
    } catch {
      // shown as an error by describe()
    }
    const info = this.info(name);
    if (info) this.select.value = info.name;
    this.args.replaceChildren();
    for (const a of info?.args ?? []) {
      const label = h("label", {}, a.name);
      let input: HTMLInputElement | HTMLSelectElement;
      if (a.choices) {
        input = h("select", {}, ...options(a.choices));
        input.value = given[a.name] ?? String(a.default ?? a.choices[0]);
      } else {
        input = document.createElement("input");
        input.type = "text";
        input.placeholder = a.default === null || a.default === undefined ? "required" : String(a.default);
        input.value = given[a.name] ?? "";
      }
      input.dataset.arg = a.name;
      input.addEventListener("change", () => this.fromArgs());
      label.append(input);
      this.args.append(label);
    }
    this.describe();
  }

  private info(name: string): NameInfo | undefined {
    return NAMES.find((n) => n.name === name.toLowerCase());
  }

  private fromArgs(): void {
    const info = this.info(this.select.value);
    if (!info) return;
    const parts: string[] = [];
    for (const input of this.args.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-arg]")) {
      const a = info.args.find((x) => x.name === input.dataset.arg)!;
      const v = input.value.trim();
      if (v !== "" && v !== String(a.default)) parts.push(`${a.name}=${v}`);
    }
    this.commit(parts.length ? `${info.name}(${parts.join(", ")})` : info.name, false);
  }

  private commit(spec: string, rebuild: boolean): void {
    if (rebuild) this.set(spec);
    else {
      this.spec = spec;
      this.text.value = spec;
      this.describe();
    }
    if (this.valid()) {
      this.applied = spec;
      this.onChange(spec);
      return;
    }
    // refused: the note says why, the fields show the spec in use again
    const why = this.note.textContent ?? "";
    this.set(this.applied);
    this.note.classList.add("error");
    this.note.textContent = `${why}; still using ${this.applied}`;
  }

  private valid(): boolean {
    try {
      parseInit(this.spec);
      return true;
    } catch {
      return false;
    }
  }

  private describe(): void {
    try {
      const init = parseInit(this.spec);
      const d = init.describe(this.fans.fanIn, this.fans.fanOut);
      const info = NAMES.find((n) => n.target === init.name);
      this.note.classList.remove("error");
      replace(
        this.note,
        h("code", {}, init.spec),
        h("br"),
        `Var = ${fmt(d.variance, 3)}, fan_in·Var = ${fmt(this.fans.fanIn * (d.variance + d.mean * d.mean), 3)}` +
          ` (fans ${this.fans.fanIn}→${this.fans.fanOut})`,
        info && h("br"),
        info &&
          h("span", { class: "muted" }, `${info.formula}${info.reference ? ` — ${info.reference}` : ""}`),
      );
    } catch (e) {
      this.note.classList.add("error");
      this.note.textContent = (e as Error).message;
    }
  }
}
