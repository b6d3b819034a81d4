import { readFileSync } from "node:fs";
import { DataError } from "../errors.js";
import type { Backend } from "../kernels/backend.js";
import type { Network } from "./network.js";
import { networkFromJSON } from "./serialize.js";

/** Node only: reads an initlab.network JSON file (format: serialize.ts) into a Network. */
export function loadNetworkFile(file: string, backend?: Backend): Network {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DataError(file, "open", (e as Error).message);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, "parse", `not valid JSON (${(e as Error).message})`);
  }
  return networkFromJSON(doc, file, backend);
}
