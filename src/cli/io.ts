/** Where a command writes: tests pass buffers, the real CLI passes process streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal (progress bars redraw in place). */
  isTTY: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
}

/** An IO that records everything, for in-process tests. */
export function bufferIO(): CliIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    isTTY: false,
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
  };
  return io;
}

/** Prints exactly one JSON document (and a newline) on stdout. */
export function printJson(io: CliIO, doc: unknown): void {
  io.stdout(
    `${JSON.stringify(doc, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
}
