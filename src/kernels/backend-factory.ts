import type { Backend, BackendName } from "./backend.js";

/**
 * How a backend kind is made: each fast backend's module exports one (`wasmBackendFactory`,
 * `nativeBackendFactory`) and the registry lists them. Kept apart from the registry so that the
 * backends depend on this description only, never on the registry that imports them.
 */
export interface BackendFactory {
  name: BackendName;
  /** null when available, otherwise the reason it is not (printed once by the CLI). */
  unavailableReason(): string | null;
  create(options: { threads: number }): Promise<Backend>;
}
