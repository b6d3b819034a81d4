import { renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { makeFolder } from "./make-folder.js";

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, which is
 * then renamed over the target, so a crash or Ctrl-C never leaves a half-written file. When the
 * write or the rename fails (the target is a folder, the disk is full, no permission), the
 * temporary file is removed and the operating-system error, naming the path, is thrown.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  makeFolder(dirname(path));
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    // The rename's error names the temporary file first: name the target instead.
    if (err.syscall === "rename") {
      err.path = path;
      delete (err as { dest?: string }).dest;
    }
    throw e;
  }
}
