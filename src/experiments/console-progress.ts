import type { ExperimentProgress } from "./harness/types.js";

/**
 * Experiment progress as one line of text on a stream (stderr in the CLI): which experiment,
 * which run of how many, which step, and an ETA from the fraction of runs done. Redrawn in place
 * on a terminal (every 100 ms at most), printed every few seconds otherwise.
 */
export class ConsoleProgress implements ExperimentProgress {
  private runLabel = "";
  private runIndex = 0;
  private runTotal = 1;
  private t0 = performance.now();
  private lastPrint = 0;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
    private readonly prefix = "",
    private readonly quiet = false,
  ) {}

  /** Starts a new experiment (resets the clock of the ETA). */
  begin(prefix: string): ConsoleProgress {
    this.end();
    return new ConsoleProgress(this.write, this.isTTY, prefix, this.quiet);
  }

  run(label: string, index: number, total: number): void {
    this.runLabel = label;
    this.runIndex = index;
    this.runTotal = Math.max(1, total);
    if (index === 0) this.t0 = performance.now();
    this.print(0, 0, "", true);
  }

  step(done: number, total: number, text = ""): void {
    this.print(done, total, text, false);
  }

  log(text: string): void {
    if (this.quiet) return;
    this.end();
    this.write(`${this.prefix ? `${this.prefix}: ` : ""}${text}\n`);
  }

  /** Ends an in-place line so that the next output starts on a new line. */
  end(): void {
    if (this.drawn) this.write("\n");
    this.drawn = false;
  }

  private print(done: number, total: number, text: string, force: boolean): void {
    if (this.quiet) return;
    const now = performance.now();
    if (!force && now - this.lastPrint < (this.isTTY ? 100 : 5000)) return;
    this.lastPrint = now;
    const inRun = total > 0 ? Math.min(1, done / total) : 0;
    const frac = (this.runIndex + inRun) / this.runTotal;
    const elapsed = (now - this.t0) / 1000;
    const eta = frac > 0.02 ? (elapsed * (1 - frac)) / frac : Number.NaN;
    const steps = total > 0 ? ` step ${done}/${total}` : "";
    const line =
      `${this.prefix ? `${this.prefix}: ` : ""}run ${this.runIndex + 1}/${this.runTotal} ${this.runLabel}` +
      `${steps}${text ? ` ${text}` : ""} | ${Math.round(100 * frac)}% eta ${formatEta(eta)}`;
    if (this.isTTY) {
      this.write(`\r\x1b[2K${line.slice(0, 160)}`);
      this.drawn = true;
    } else this.write(`${line}\n`);
  }
}

function formatEta(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/** Progress that goes nowhere (tests, --quiet). */
export const silentProgress: ExperimentProgress = { run() {}, step() {}, log() {} };
