import type { CliIO } from "./io.js";

/**
 * A progress line on stderr: redrawn in place on a terminal, printed at most every few
 * seconds otherwise (so logs stay short). Never writes to stdout.
 */
export class Progress {
  private lastPrint = 0;
  private readonly t0 = performance.now();
  private drawn = false;

  constructor(
    private readonly io: CliIO,
    private readonly quiet = false,
  ) {}

  update(done: number, total: number, text: string): void {
    if (this.quiet) return;
    const now = performance.now();
    const interval = this.io.isTTY ? 100 : 5000;
    if (now - this.lastPrint < interval && done < total) return;
    this.lastPrint = now;
    const frac = total > 0 ? done / total : 0;
    const elapsed = (now - this.t0) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Number.NaN;
    const width = 20;
    const filled = Math.round(frac * width);
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    const line = `${bar} ${done}/${total} ${text} eta ${formatSeconds(eta)}`;
    if (this.io.isTTY) {
      this.io.stderr(`\r${line.padEnd(100).slice(0, 140)}`);
      this.drawn = true;
    } else this.io.stderr(`${line}\n`);
  }

  /** Ends the in-place line (on a terminal) so the next output starts on a new line. */
  done(): void {
    if (this.drawn) this.io.stderr("\n");
    this.drawn = false;
  }

  log(text: string): void {
    if (this.quiet) return;
    this.done();
    this.io.stderr(`${text}\n`);
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`;
}
