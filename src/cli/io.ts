/** Where a command writes: tests pass buffers, the real CLI passes process streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is an interactive terminal (progress bars redraw in place). */
  isTTY: boolean;
}

export function processIO(): CliIO {
  endQuietlyOnClosedPipe();
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
  };
}

let closedPipeHandled = false;

/**
 * `initlab info | head -1`: when the reader of stdout or stderr has gone, the next write fails with
 * EPIPE. Node ignores SIGPIPE, so that failure arrives as an 'error' event on the stream, which,
 * unhandled, kills the process with a stack trace and exit code 1. Instead the process ends at once,
 * quietly, with exit code 0, as a Unix tool does when its output is no longer wanted (nothing is left
 * to tell: the reader is gone). A sweep's run store stays consistent: every stored run is committed.
 * Other stream errors are rethrown, as before.
 */
function endQuietlyOnClosedPipe(): void {
  if (closedPipeHandled) return;
  closedPipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  }
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
