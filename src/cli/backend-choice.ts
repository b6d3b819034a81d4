import { availableParallelism } from "node:os";
import type { Backend } from "../kernels/backend.js";
import { type BackendRequest, resolveBackend } from "../kernels/registry.js";
import type { CliIO } from "./io.js";

let warned = false;

/**
 * The backend for a run (`resolveBackend`: the one named, or the fastest available for "auto"),
 * with `threads` or one per core. When "auto" cannot use the fastest kind, says why once per
 * process (on stderr).
 */
export async function chooseBackend(name: string, threads: number | null, io: CliIO): Promise<Backend> {
  const choice = await resolveBackend(name as BackendRequest, { threads: threads ?? availableParallelism() });
  if (choice.fallback && !warned) {
    warned = true;
    io.stderr(`initlab: ${choice.fallback}\n`);
  }
  return choice.backend;
}
