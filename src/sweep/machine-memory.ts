import { totalmem } from "node:os";
import { type MemoryLimit, memoryLimit } from "../train/resources.js";

/** This machine's memory limit for one run: INITLAB_MAX_MEMORY, else half of the machine's memory. */
export function machineMemoryLimit(env: NodeJS.ProcessEnv = process.env): MemoryLimit {
  return memoryLimit(totalmem(), env.INITLAB_MAX_MEMORY);
}
