// The sweep commands in a child process, from source: node --import tsx test/sweep/cli-entry.ts ARGS
// The tests spawn it for what needs a real process (kill -9 or Ctrl-C mid-sweep, queue workers). Only
// the sweep, runs and worker commands are loaded: loading every command under tsx (the report module
// pulls in all of ECharts) costs each spawned process several seconds. Errors end the process with the
// message and exit code of src/cli/main.ts's run() (both use src/cli/exit-code.ts).
// test/sweep/local-sweep.test.ts runs the same commands through run().
import { Command } from "commander";
import { runsCommand } from "../../src/cli/commands/runs.js";
import { sweepCommand } from "../../src/cli/commands/sweep.js";
import { workerCommand } from "../../src/cli/commands/worker.js";
import { reportError } from "../../src/cli/exit-code.js";
import { processIO } from "../../src/cli/io.js";

const io = processIO();
const program = new Command("initlab").exitOverride();
for (const make of [sweepCommand, runsCommand, workerCommand]) program.addCommand(make(io).exitOverride());
try {
  await program.parseAsync(process.argv.slice(2), { from: "user" });
} catch (e) {
  process.exitCode = reportError(e, io);
}
