import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p`: creates a folder and its missing parents, one level at a time, and throws the
 * operating-system error of the first level that cannot be made (naming that path). Not
 * `mkdirSync(path, {recursive: true})`, which loops forever on a path under /proc
 * (`--home /proc/x/y` hung: mkdir there fails with ENOENT although the parent exists) and
 * reports EEXIST for a file in the way without saying which.
 */
export function makeFolder(path: string): void {
  const abs = resolve(path);
  const missing: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    const kind = kindOf(p);
    if (kind === "folder") break;
    if (kind === "other") throw notAFolder(p);
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST" && kindOf(p) === "folder") continue;
      throw e;
    }
  }
}

function kindOf(p: string): "folder" | "other" | "missing" {
  try {
    return statSync(p).isDirectory() ? "folder" : "other";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "missing";
    throw e;
  }
}

function notAFolder(p: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${p}'`);
  e.code = "ENOTDIR";
  e.syscall = "mkdir";
  e.path = p;
  return e;
}
