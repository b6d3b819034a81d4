import type { Backend, BackendName } from "./backend.js";
import type { BackendFactory } from "./backend-factory.js";
import { type BACKEND_CHOICES, BACKEND_NAMES } from "./backend-names.js";
import { nativeBackendFactory } from "./native-backend.js";
import { TsBackend } from "./ts-backend.js";
import { wasmBackendFactory } from "./wasm-backend.js";

/**
 * Backend selection, the one place where "auto" is decided. `createBackend("ts")` always works;
 * faster backends register a factory here (see the WebAssembly and native backends) and report
 * whether they can run on this machine. "auto" picks the fastest available one.
 */
export type { BackendFactory } from "./backend-factory.js";

const factories: BackendFactory[] = [
  { name: "ts", unavailableReason: () => null, create: async () => new TsBackend() },
  wasmBackendFactory,
  nativeBackendFactory,
];

/** Adds a factory or replaces the one of the same name (tests use it to switch a kind off). */
export function registerBackend(factory: BackendFactory): void {
  const i = factories.findIndex((f) => f.name === factory.name);
  if (i >= 0) factories[i] = factory;
  else factories.push(factory);
}

export { BACKEND_NAMES } from "./backend-names.js";

/** Order of preference when no backend is named: fastest first. */
const PREFERENCE: readonly BackendName[] = ["native", "wasm", "ts"];

/** What a run asks for: a backend by name, or "auto" (the fastest available here). */
export type BackendRequest = (typeof BACKEND_CHOICES)[number];

export function listBackends(): { name: BackendName; available: boolean; reason: string | null }[] {
  return BACKEND_NAMES.map((name) => {
    const f = factories.find((x) => x.name === name);
    const reason = f ? f.unavailableReason() : "not built into this version";
    return { name, available: reason === null, reason };
  });
}

/** Which backend a request means on this machine, and why. */
export interface BackendDecision {
  /** The backend kind to create. */
  name: BackendName;
  requested: BackendRequest;
  /**
   * One line saying why, e.g. "wasm: requested by name", "auto: native is the fastest backend
   * available here" or "auto: native backend unavailable (...); using wasm".
   */
  reason: string;
  /**
   * For "auto" when a faster kind had to be passed over: which, why, and what is used instead
   * ("native backend unavailable (...); using wasm"), the notice the CLI prints once. Else null.
   */
  fallback: string | null;
}

/**
 * Decides what `requested` means here without creating anything: a name must be a known,
 * available kind (else an Error naming the valid ones or saying why it is unavailable); "auto" is
 * the first available of native, wasm, ts.
 */
export function decideBackend(requested: BackendRequest): BackendDecision {
  if (requested !== "auto") {
    const f = factories.find((x) => x.name === requested);
    if (!f) throw new Error(`backend "${requested}" is not available; valid: ${BACKEND_NAMES.join(", ")}`);
    const reason = f.unavailableReason();
    if (reason) throw new Error(`backend "${requested}" is not available: ${reason}`);
    return { name: f.name, requested, reason: `${f.name}: requested by name`, fallback: null };
  }
  const skipped: string[] = [];
  for (const name of PREFERENCE) {
    const f = factories.find((x) => x.name === name);
    const why = f ? f.unavailableReason() : "not built into this version";
    if (why !== null) {
      skipped.push(`${name} backend unavailable (${why})`);
      continue;
    }
    if (skipped.length === 0) {
      return {
        name,
        requested,
        reason: `auto: ${name} is the fastest backend available here`,
        fallback: null,
      };
    }
    const fallback = `${skipped.join("; ")}; using ${name}`;
    return { name, requested, reason: `auto: ${fallback}`, fallback };
  }
  // Only when the ts factory was replaced by an unavailable one: the reference still runs.
  const fallback = `${skipped.join("; ")}; using ts`;
  return { name: "ts", requested, reason: `auto: ${fallback}`, fallback };
}

/**
 * The backend a request means on this machine, created with `threads` (default 1), with the
 * decision that chose it. Throws as `decideBackend` does, or when the chosen kind fails to start.
 */
export async function resolveBackend(
  requested: BackendRequest,
  options: { threads?: number } = {},
): Promise<BackendDecision & { backend: Backend }> {
  const decision = decideBackend(requested);
  const threads = options.threads ?? 1;
  const f = factories.find((x) => x.name === decision.name);
  const backend = f ? await f.create({ threads }) : new TsBackend();
  return { ...decision, backend };
}

/** The backend named (or, without a name, the fastest available): `resolveBackend` without the why. */
export async function createBackend(
  name?: BackendName,
  options: { threads?: number } = {},
): Promise<Backend> {
  return (await resolveBackend(name ?? "auto", options)).backend;
}
