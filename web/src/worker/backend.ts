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
