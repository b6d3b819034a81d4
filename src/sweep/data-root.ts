import { realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { UserError } from "../errors.js";

/**
 * A queue worker started with `--data-root DIR` reads `csv:PATH` only inside DIR: the path is
 * resolved as the loader resolves it (relative to the worker's working folder, symbolic links
 * followed) and must lie inside DIR. Named data sets are
 * not files and always pass. Throws a UserError naming the path and the folder.
 */
export function checkDataPath(data: string, root: string): void {
  if (!data.startsWith("csv:")) return;
  const given = data.slice(4);
  const rootReal = realOrSelf(resolve(root));
  const target = realOrSelf(resolve(given));
  const rel = relative(rootReal, target);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
    throw new UserError(`data csv:${given} is outside this worker's --data-root ${rootReal}; not read`);
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
