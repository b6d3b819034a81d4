import { Command, CommanderError } from "commander";
import { UserError } from "../errors.js";
import { demoCommand } from "./commands/demo.js";
import { experimentCommand } from "./commands/experiment.js";
import { infoCommand } from "./commands/info.js";
import { gainCommand, initCommand } from "./commands/init.js";
import { inspectCommand } from "./commands/inspect.js";
import { runsCommand } from "./commands/runs.js";
import { serveCommand } from "./commands/serve.js";
import { startCommand } from "./commands/start.js";
import { sweepCommand } from "./commands/sweep.js";
import { trainCommand } from "./commands/train.js";
import { workerCommand } from "./commands/worker.js";
import { type CliIO, processIO } from "./io.js";
import "../kernels/available.js";

/** Builds the command tree; every command writes through `io`, so tests run it in-process. */
export function buildProgram(io: CliIO): Command {
  const program = new Command("initlab")
    .description("a laboratory for weight initialization and signal propagation in deep networks")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const make of [
    startCommand,
    serveCommand,
    demoCommand,
    trainCommand,
    inspectCommand,
    initCommand,
    gainCommand,
    infoCommand,
    experimentCommand,
    sweepCommand,
    runsCommand,
    workerCommand,
  ]) {
    program.addCommand(make(io));
  }
  for (const c of program.commands) configure(c, io);
  return program;
}

function configure(cmd: Command, io: CliIO): void {
  cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  for (const c of cmd.commands) configure(c, io);
}

/**
 * Runs the CLI with argv (without "node initlab") and returns the exit code:
 * 0 success, 2 bad input (the message names the bad value), 1 an unexpected error.
 */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      io.stderr(`initlab: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`initlab: unexpected error: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  return run(argv, processIO());
}
