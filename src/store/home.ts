import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { makeFolder } from "../util/make-folder.js";
import type { RunStore } from "./run-store.js";
import { SqliteRunStore } from "./sqlite-store.js";

/** The store's file name inside the runs folder. */
export const STORE_FILE = "initlab.sqlite";

/**
 * The runs folder: `--home` if given, else $INITLAB_HOME, else ./runs. Everything initlab writes
 * for sweeps and runs goes there.
 */
export function runsHome(home?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  const h = home ?? (env.INITLAB_HOME && env.INITLAB_HOME.trim() !== "" ? env.INITLAB_HOME : "runs");
  return resolve(h);
}

export function storePath(home: string): string {
  return join(home, STORE_FILE);
}

/**
 * Opens the run store of a runs folder. For writing, the folder and the store are created when
 * missing; for reading (`readonly`), a missing store is a UserError that says where it looked.
 */
export function openRunStore(home: string, options: { readonly?: boolean } = {}): RunStore {
  const file = storePath(home);
  if (options.readonly) {
    if (!existsSync(file)) {
      throw new UserError(
        `no run store at ${file}: run a sweep first, or point --home / INITLAB_HOME at a runs folder`,
      );
    }
    return new SqliteRunStore(file, { readonly: true });
  }
  makeFolder(home);
  return new SqliteRunStore(file);
}
