import type { Backend } from "../../../src/kernels/backend.js";
import { TsBackend } from "../../../src/kernels/ts-backend.js";
import { createWasmBackendFromBytes } from "../../../src/kernels/wasm-backend.js";
import type { StartMessage } from "../protocol.js";
import type { LabState } from "../state.js";

/**
 * The kernels for the worker: the WebAssembly SIMD backend from the bytes the page fetched
 * (shared memory when the page is cross-origin isolated), or the TypeScript reference backend
 * when asked for or when WebAssembly cannot be instantiated here.
 */
export async function makeBackend(choice: LabState["backend"], wasm: StartMessage["wasm"]): Promise<Backend> {
  if (choice === "ts" || !wasm) return new TsBackend();
  try {
    return await createWasmBackendFromBytes(
      { shared: wasm.shared ?? undefined, plain: wasm.plain ?? undefined },
      { threads: 1, reserveBytes: 192 * 2 ** 20, maxBytes: 2 ** 31 },
    );
  } catch (e) {
    if (choice === "wasm") throw e;
    return new TsBackend();
  }
}

/**
 * A kept backend's heap never frees, so each run leaves its buffers there (a few copies of the
 * parameters, the batch and probe activations): a fresh backend after this many runs, or once the
 * runs on it have had this many parameters in all.
 */
const RUNS_PER_BACKEND = 12;
const PARAMS_PER_BACKEND = 2_000_000;
let kept: { choice: LabState["backend"]; backend: Backend; runs: number; params: number } | null = null;

/** Counts the parameters of a network built on the kept backend. */
export function keptBackendUsed(params: number): void {
  if (kept) kept.params += params;
}

/**
 * The backend for the next run of this worker: the one of the previous run when it has the same
 * choice (the JIT-compiled calls into one WebAssembly instance stay fast; a new instance every
 * run made the calls polymorphic and later runs slower), a fresh one every RUNS_PER_BACKEND runs
 * or when `fresh` (the kept one ran out of memory).
 */
export async function keptBackend(
  choice: LabState["backend"],
  wasm: StartMessage["wasm"],
  fresh = false,
): Promise<Backend> {
  if (
    kept &&
    !fresh &&
    kept.choice === choice &&
    kept.runs < RUNS_PER_BACKEND &&
    kept.params < PARAMS_PER_BACKEND
  ) {
    kept.runs++;
    return kept.backend;
  }
  kept?.backend.dispose();
  kept = null;
  const backend = await makeBackend(choice, wasm);
  kept = { choice, backend, runs: 1, params: 0 };
  return backend;
}
