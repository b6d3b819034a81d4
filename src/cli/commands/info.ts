import { availableParallelism, cpus } from "node:os";
import { Command } from "commander";
import { createBackend, decideBackend, listBackends } from "../../kernels/registry.js";
import { INITLAB_VERSION } from "../../train/trainer.js";
import { type CliIO, printJson } from "../io.js";

export function infoCommand(io: CliIO): Command {
  return new Command("info")
    .description("version, machine, and which compute backends are available and chosen")
    .option("--json", "print one JSON document")
    .action(async (opts) => {
      const backends = await Promise.all(
        listBackends().map(async (b) => ({ ...b, kernel: b.available ? await kernelOf(b.name) : null })),
      );
      const chosen = decideBackend("auto").name;
      const doc = {
        initlab: INITLAB_VERSION,
        node: process.version,
        cpu: cpus()[0]?.model ?? "unknown",
        cores: availableParallelism(),
        backends,
        chosen,
        defaultThreads: availableParallelism(),
      };
      if (opts.json) return printJson(io, doc);
      io.stdout(`initlab ${doc.initlab} on node ${doc.node}, ${doc.cpu}, ${doc.cores} cores\n`);
      for (const b of backends) {
        const what = b.available
          ? `available${b.kernel ? ` (${b.kernel})` : ""}`
          : `unavailable: ${b.reason}`;
        io.stdout(`  ${b.name.padEnd(7)} ${what}\n`);
      }
      io.stdout(`  chosen by default: ${chosen}, ${doc.defaultThreads} threads (--backend, --threads)\n`);
    });
}

/** The kernel variant a backend runs here, e.g. "avx2" or "relaxed-simd+shared" (null for ts). */
async function kernelOf(name: "ts" | "wasm" | "native"): Promise<string | null> {
  if (name === "ts") return null;
  try {
    const be = await createBackend(name, { threads: 1 });
    const variant = (be as { variant?: string }).variant ?? null;
    be.dispose();
    return variant;
  } catch (e) {
    return `cannot start: ${(e as Error).message}`;
  }
}
