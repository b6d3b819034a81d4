import { INITLAB_VERSION } from "../version.js";

/**
 * Where a run ran, written into its record's `meta` (`initlab`, and `node` = `platform`): the
 * caller knows (the CLI and the server run on Node, the lab in a browser), so it passes it in
 * `TrainOptions.runtime`; nothing here imports a Node built-in.
 */
export interface RunRuntime {
  /** The initlab version. */
  initlab: string;
  /** The JavaScript platform: Node's `process.version` ("v20.19.0"), or "browser". */
  platform: string;
}

/**
 * The runtime when the caller names none: this build's version, and Node's version when a Node
 * `process` is there (looked up on globalThis, so a browser bundle needs no shim), else "browser".
 */
export function defaultRuntime(): RunRuntime {
  const nodeVersion = (globalThis as { process?: { version?: unknown } }).process?.version;
  return { initlab: INITLAB_VERSION, platform: typeof nodeVersion === "string" ? nodeVersion : "browser" };
}
