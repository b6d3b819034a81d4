import { constants } from "node:os";

/** The signals that interrupt a long command (Ctrl-C sends SIGINT; `kill` and service managers SIGTERM). */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/**
 * The exit code of a command stopped by `signal`: 128 + the signal's number (SIGINT 130, SIGTERM 143),
 * what a shell reports for a process that the signal ended, so scripts can tell an interruption from
 * a failure (1) or bad input (2).
 */
export function signalExitCode(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * A command stopped by SIGINT or SIGTERM after it cleaned up. Not a UserError: nothing was wrong
 * with the input. The CLI prints the message (which says what was kept and how to continue) without
 * a stack trace and exits with `exitCode` = 128 + the signal's number.
 */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  readonly exitCode: number;

  constructor(
    message: string,
    readonly signal: InterruptSignal,
  ) {
    super(message);
    this.exitCode = signalExitCode(signal);
  }
}

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM: the command stops scheduling work,
 * cleans up and returns; `received` says which signal came. A second signal exits at once with
 * 128 + its number. `dispose` removes the handlers (Node's default, ending the process, is back).
 */
export function interruptSignal(): {
  signal: AbortSignal;
  received(): InterruptSignal | null;
  dispose(): void;
} {
  const controller = new AbortController();
  let received: InterruptSignal | null = null;
  const onSignal = (sig: InterruptSignal) => {
    if (received) process.exit(signalExitCode(sig));
    received = sig;
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
