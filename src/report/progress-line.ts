/**
 * The one progress line of the command line (training, sweeps, the demo, experiments): a line of
 * text on a stream (stderr in the CLI), redrawn in place on a terminal at most every 100 ms, and
 * printed as a new line at most every 5 s otherwise, so that logs stay short. It writes through the
 * function it is given, so it has no Node dependency.
 */
export class ProgressLine {
  private t0: number;
  private lastPrint = 0;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
    private readonly quiet = false,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.t0 = clock();
  }

  /** Restarts the clock of the ETA. */
  restart(): void {
    this.t0 = this.clock();
  }

  /**
   * Seconds left when `fraction` of the work is done, extrapolating the time since the start:
   * elapsed (1 - f) / f; NaN (printed "?") until more than `minFraction` is done.
   */
  eta(fraction: number, minFraction = 0): number {
    if (!(fraction > minFraction)) return Number.NaN;
    return ((this.clock() - this.t0) / 1000) * ((1 - fraction) / fraction);
  }

  /** A counter: `[#########...........] 45/100 text eta 1m05s`; the last update always shows. */
  update(done: number, total: number, text: string): void {
    if (!this.due(done >= total)) return;
    const frac = total > 0 ? done / total : 0;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    this.show(`${bar} ${done}/${total} ${text} eta ${formatDuration(this.eta(frac))}`);
  }

  /**
   * Whether a line is due now (not quiet, and the last one was shown long enough ago; `force`
   * skips the wait), counting it as shown: callers compose their line only when it is due.
   */
  due(force = false): boolean {
    if (this.quiet) return false;
    const now = this.clock();
    if (!force && now - this.lastPrint < (this.isTTY ? 100 : 5000)) return false;
    this.lastPrint = now;
    return true;
  }

  /** Shows `line`: in place on a terminal (the first 160 characters), as a new line otherwise. */
  show(line: string): void {
    if (this.isTTY) {
      this.write(`\r\x1b[2K${line.slice(0, 160)}`);
      this.drawn = true;
    } else this.write(`${line}\n`);
  }

  /** A line of commentary, on its own line below the progress line. */
  log(text: string): void {
    if (this.quiet) return;
    this.end();
    this.write(`${text}\n`);
  }

  /** Ends an in-place line (on a terminal) so that the next output starts on a new line. */
  end(): void {
    if (this.drawn) this.write("\n");
    this.drawn = false;
  }
}

/** A duration for people, rounded to the second: "42s", "3m07s", "2h05m" (rounded to the minute); "?" when unknown. */
export function formatDuration(seconds: number): string {
  if (!(seconds >= 0 && seconds < Number.POSITIVE_INFINITY)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
