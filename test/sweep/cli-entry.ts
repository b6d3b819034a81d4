// The sweep commands in a child process, from source: node --import tsx test/sweep/cli-entry.ts ARGS
// The tests spawn it for what needs a real process (kill -9 mid-sweep, queue workers). Only the
// sweep, runs and worker commands are loaded, with the exit codes of src/cli/main.ts's run():
// loading every command under tsx (the report module pulls in all of ECharts) costs each spawned
// process several seconds. test/sweep/local-sweep.test.ts runs the same commands through run().
import { Command, CommanderError } from "commander";
import { runsCommand } from "../../src/cli/commands/runs.js";
import { sweepCommand } from "../../src/cli/commands/sweep.js";
import { workerCommand } from "../../src/cli/commands/worker.js";
import { processIO } from "../../src/cli/io.js";
import { UserError } from "../../src/errors.js";
import "../../src/kernels/available.js";

const io = processIO();
const program = new Command("initlab").exitOverride();
for (const make of [sweepCommand, runsCommand, workerCommand]) program.addCommand(make(io).exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
  else if (e instanceof UserError) {
    io.stderr(`initlab: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    io.stderr(`initlab: unexpected error: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  }
}
