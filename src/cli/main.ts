import { Command } from "commander";
import { demoCommand } from "./commands/demo.js";
import { experimentCommand } from "./commands/experiment.js";
import { exportCommand } from "./commands/export.js";
import { infoCommand } from "./commands/info.js";
import { gainCommand, initCommand } from "./commands/init.js";
import { inspectCommand } from "./commands/inspect.js";
import { paramCommand } from "./commands/param.js";
import { runsCommand } from "./commands/runs.js";
import { serveCommand } from "./commands/serve.js";
import { startCommand } from "./commands/start.js";
import { sweepCommand } from "./commands/sweep.js";
import { trainCommand } from "./commands/train.js";
import { workerCommand } from "./commands/worker.js";
import { reportError } from "./exit-code.js";
import { type CliIO, processIO } from "./io.js";

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
    paramCommand,
    infoCommand,
    experimentCommand,
    exportCommand,
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
 * 0 success, 2 bad input (the message names the bad value), 1 an unexpected error,
 * 130 / 143 a long command (sweep) stopped by SIGINT / SIGTERM after its cleanup.
 */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    return reportError(e, io);
  }
}

export async function main(argv: string[]): Promise<number> {
  return run(argv, processIO());
}
