import plainWasmUrl from "../../build/wasm/kernels.wasm?url";
import sharedWasmUrl from "../../build/wasm/kernels-shared.wasm?url";
import { isTwoD, type LabState, testSamples } from "./state.js";

/**
 * What a worker needs from the network, fetched once and kept: the image data sets in the
 * server's binary form and the WebAssembly kernels (the SIMD builds the CLI uses; the relaxed-SIMD
 * builds are left out so the browser computes the same bits as the CLI).
 */
const cache = new Map<string, Promise<ArrayBuffer>>();

function fetchBytes(url: string): Promise<ArrayBuffer> {
  let p = cache.get(url);
  if (!p) {
    p = fetch(url).then(async (r) => {
      if (!r.ok) {
        const text = await r.text();
        let msg = text;
        try {
          msg = (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          // not JSON: keep the text
        }
        throw new Error(`${url}: ${r.status} ${msg.slice(0, 200)}`);
      }
      return r.arrayBuffer();
    });
    p.catch(() => cache.delete(url));
    cache.set(url, p);
  }
  return p;
}

/** The data set bytes for a state (null for the 2-D sets, which the worker generates). */
export function datasetBytes(s: LabState): Promise<ArrayBuffer> | null {
  if (isTwoD(s.data)) return null;
  return fetchBytes(`api/datasets/${s.data}?train=${s.samples}&test=${testSamples(s)}`);
}

export async function wasmBytes(): Promise<{ shared: ArrayBuffer | null; plain: ArrayBuffer | null } | null> {
  try {
    const [shared, plain] = await Promise.all([
      crossOriginIsolated ? fetchBytes(sharedWasmUrl) : Promise.resolve(null),
      fetchBytes(plainWasmUrl),
    ]);
    return { shared, plain };
  } catch {
    return null;
  }
}
