import { CommanderError } from "commander";
import { UserError } from "../errors.js";
import { allocationError } from "../train/resources.js";
import { describeOsError } from "../util/os-error.js";
import { InterruptedError } from "./interrupt.js";
import type { CliIO } from "./io.js";

/**
 * What the CLI says about an error that ended a command, and its exit code: 0 for --help and
 * --version, 2 for bad input (a usage error, or a UserError whose message names the bad value),
 * 130 / 143 for a command stopped by SIGINT / SIGTERM after its cleanup (InterruptedError), 2 for
 * an operating-system error (a path that is not a folder, no permission, an address not of this
 * machine: the message names the path and the reason) and for an allocation that failed (not
 * enough memory), 1 with the stack for anything unexpected. Kept apart from main.ts so that entries loading only some
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
  const os = describeOsError(e);
  if (os !== null) {
    io.stderr(`initlab: ${os}\n`);
    return 2;
  }
  const memory = allocationError(e);
  if (memory !== null) {
    io.stderr(`initlab: ${memory.message}\n`);
    return 2;
  }
  io.stderr(`initlab: unexpected error: ${(e as Error).stack ?? e}\n`);
  return 1;
}
