import { CommanderError } from "commander";
import { UserError } from "../errors.js";
import { InterruptedError } from "./interrupt.js";
import type { CliIO } from "./io.js";

/**
 * What the CLI says about an error that ended a command, and its exit code: 0 for --help and
 * --version, 2 for bad input (a usage error, or a UserError whose message names the bad value),
 * 130 / 143 for a command stopped by SIGINT / SIGTERM after its cleanup (InterruptedError), 1 with
 * the stack for anything unexpected. Kept apart from main.ts so that entries loading only some
 * commands (the tests' child processes) end exactly as `initlab` does.
 */
export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
      return 0;
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof UserError || e instanceof InterruptedError) {
    io.stderr(`initlab: ${e.message}\n`);
    return e.exitCode;
  }
  io.stderr(`initlab: unexpected error: ${(e as Error).stack ?? e}\n`);
  return 1;
}
