import { formatDuration, ProgressLine } from "../report/progress-line.js";
import type { ExperimentProgress } from "./harness/types.js";

/**
 * Experiment progress on the one progress line (src/report/progress-line.ts): which experiment,
 * which run of how many, which step, and an ETA from the fraction of runs done (shown once 2% is
 * done), e.g. `raw-pixels: run 2/4 relu, raw pixels step 150/300 | 37% eta 1m05s`.
 */
export class ConsoleProgress implements ExperimentProgress {
  private readonly line: ProgressLine;
  private runLabel = "";
  private runIndex = 0;
  private runTotal = 1;

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
    private readonly prefix = "",
    private readonly quiet = false,
  ) {
    this.line = new ProgressLine(write, isTTY, quiet);
  }

  /** Starts a new experiment (resets the clock of the ETA). */
  begin(prefix: string): ConsoleProgress {
    this.end();
    return new ConsoleProgress(this.write, this.isTTY, prefix, this.quiet);
  }

  run(label: string, index: number, total: number): void {
    this.runLabel = label;
    this.runIndex = index;
    this.runTotal = Math.max(1, total);
    if (index === 0) this.line.restart();
    this.print(0, 0, "", true);
  }

  step(done: number, total: number, text = ""): void {
    this.print(done, total, text, false);
  }

  log(text: string): void {
    this.line.log(`${this.prefix ? `${this.prefix}: ` : ""}${text}`);
  }

  /** Ends an in-place line so that the next output starts on a new line. */
  end(): void {
    this.line.end();
  }

  private print(done: number, total: number, text: string, force: boolean): void {
    if (!this.line.due(force)) return;
    const inRun = total > 0 ? Math.min(1, done / total) : 0;
    const frac = (this.runIndex + inRun) / this.runTotal;
    const steps = total > 0 ? ` step ${done}/${total}` : "";
    this.line.show(
      `${this.prefix ? `${this.prefix}: ` : ""}run ${this.runIndex + 1}/${this.runTotal} ${this.runLabel}` +
        `${steps}${text ? ` ${text}` : ""} | ${Math.round(100 * frac)}% eta ${formatDuration(this.line.eta(frac, 0.02))}`,
    );
  }
}

/** Progress that goes nowhere (tests, --quiet). */
export const silentProgress: ExperimentProgress = { run() {}, step() {}, log() {} };
