import { totalmem } from "node:os";
import { type MemoryLimit, memoryLimit, parseBytes } from "../train/resources.js";

/**
 * This machine's memory limit for one run: the `--memory-limit` flag when given, else the
 * INITLAB_MAX_MEMORY variable (for servers and workers started by a service manager), else half
 * of the machine's memory.
 */
export function machineMemoryLimit(flag?: string | null, env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  if (flag !== undefined && flag !== null)
    return { bytes: parseBytes(flag, "--memory-limit"), source: "--memory-limit" };
  return memoryLimit(totalmem(), env.INITLAB_MAX_MEMORY);
}

/** The help text of `--memory-limit` (train, inspect, sweep, worker). */
export const MEMORY_LIMIT_HELP =
  "refuse a run whose estimated memory is above this size, e.g. 2GB (default $INITLAB_MAX_MEMORY, else half of this machine's memory)";
