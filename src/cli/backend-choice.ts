import { availableParallelism } from "node:os";
import type { Backend, BackendName } from "../kernels/backend.js";
import { createBackend, listBackends } from "../kernels/registry.js";
import type { CliIO } from "./io.js";

let warned = false;

/**
 * The backend for a run: the one named, or the fastest available ("auto"). When "auto" cannot
 * use the fastest kind, says why once per process (on stderr).
 */
export async function chooseBackend(name: string, threads: number | null, io: CliIO): Promise<Backend> {
  const t = threads ?? availableParallelism();
  if (name !== "auto") return createBackend(name as BackendName, { threads: t });
  const list = listBackends();
  const best = list.find((b) => b.name === "native");
  if (best && !best.available && !warned) {
    warned = true;
    const fallback = list.find((b) => b.name === "wasm" && b.available) ? "wasm" : "ts";
    io.stderr(`initlab: native backend unavailable (${best.reason}); using ${fallback}\n`);
  }
  return createBackend(undefined, { threads: t });
}
