import type { Backend, BackendName } from "./backend.js";
import { BACKEND_NAMES } from "./backend-names.js";
import { nativeBackendFactory } from "./native-backend.js";
import { TsBackend } from "./ts-backend.js";
import { wasmBackendFactory } from "./wasm-backend.js";

/**
 * Backend selection. `createBackend("ts")` always works; faster backends register a
 * factory here (see the WebAssembly and native backends) and report whether they can run
 * on this machine. `createBackend()` picks the fastest available one.
 */
export interface BackendFactory {
  name: BackendName;
  /** null when available, otherwise the reason it is not (printed once by the CLI). */
  unavailableReason(): string | null;
  create(options: { threads: number }): Promise<Backend>;
}

const factories: BackendFactory[] = [
  { name: "ts", unavailableReason: () => null, create: async () => new TsBackend() },
  wasmBackendFactory,
  nativeBackendFactory,
];

export function registerBackend(factory: BackendFactory): void {
  const i = factories.findIndex((f) => f.name === factory.name);
  if (i >= 0) factories[i] = factory;
  else factories.push(factory);
}

export { BACKEND_NAMES } from "./backend-names.js";

/** Order of preference when no backend is named: fastest first. */
const PREFERENCE: BackendName[] = ["native", "wasm", "ts"];

export function listBackends(): { name: BackendName; available: boolean; reason: string | null }[] {
  return BACKEND_NAMES.map((name) => {
    const f = factories.find((x) => x.name === name);
    const reason = f ? f.unavailableReason() : "not built into this version";
    return { name, available: reason === null, reason };
  });
}

export async function createBackend(
  name?: BackendName,
  options: { threads?: number } = {},
): Promise<Backend> {
  const threads = options.threads ?? 1;
  if (name) {
    const f = factories.find((x) => x.name === name);
    if (!f) throw new Error(`backend "${name}" is not available; valid: ${BACKEND_NAMES.join(", ")}`);
    const reason = f.unavailableReason();
    if (reason) throw new Error(`backend "${name}" is not available: ${reason}`);
    return f.create({ threads });
  }
  for (const n of PREFERENCE) {
    const f = factories.find((x) => x.name === n);
    if (f && f.unavailableReason() === null) return f.create({ threads });
  }
  return new TsBackend();
}
