import { availableParallelism, cpus } from "node:os";
import { Command } from "commander";
import { listBackends } from "../../kernels/registry.js";
import { INITLAB_VERSION } from "../../train/trainer.js";
import { type CliIO, printJson } from "../io.js";

export function infoCommand(io: CliIO): Command {
  return new Command("info")
    .description("version, machine, and which compute backends are available and chosen")
    .option("--json", "print one JSON document")
    .action((opts) => {
      const backends = listBackends();
      const chosen = (["native", "wasm", "ts"] as const).find(
        (n) => backends.find((b) => b.name === n)?.available,
      );
      const doc = {
        initlab: INITLAB_VERSION,
        node: process.version,
        cpu: cpus()[0]?.model ?? "unknown",
        cores: availableParallelism(),
        backends,
        chosen,
      };
      if (opts.json) return printJson(io, doc);
      io.stdout(`initlab ${doc.initlab} on node ${doc.node}, ${doc.cpu}, ${doc.cores} cores\n`);
      for (const b of backends)
        io.stdout(`  ${b.name.padEnd(7)} ${b.available ? "available" : `unavailable: ${b.reason}`}\n`);
      io.stdout(`  chosen by default: ${chosen}\n`);
    });
}
