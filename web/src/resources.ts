import plainWasmUrl from "../../build/wasm/kernels.wasm?url";
import plainRelaxedWasmUrl from "../../build/wasm/kernels-relaxed.wasm?url";
import sharedWasmUrl from "../../build/wasm/kernels-shared.wasm?url";
import sharedRelaxedWasmUrl from "../../build/wasm/kernels-shared-relaxed.wasm?url";
import { apiFetch } from "./api.js";
import { isTwoD, type LabState, testSamples } from "./state.js";

/**
 * What a worker needs from the network, fetched once and kept: the image data sets in the
 * server's binary form and the WebAssembly kernels. Like the CLI (src/kernels/wasm-backend.ts),
 * the page takes the relaxed-SIMD builds (fused multiply-add) when the browser validates them
 * (Chrome 114+, Firefox 120+), else the plain SIMD builds: so the page computes the CLI's bits
 * on the same machine.
 */
const cache = new Map<string, Promise<ArrayBuffer>>();

function fetchBytes(url: string): Promise<ArrayBuffer> {
  let p = cache.get(url);
  if (!p) {
    p = apiFetch(url).then(async (r) => {
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
  /** The relaxed build when this engine accepts it, else the plain one. */
  const pick = async (relaxedUrl: string, url: string): Promise<ArrayBuffer> => {
    const relaxed = await fetchBytes(relaxedUrl).catch(() => null);
    return relaxed && WebAssembly.validate(relaxed) ? relaxed : fetchBytes(url);
  };
  try {
    const [shared, plain] = await Promise.all([
      crossOriginIsolated ? pick(sharedRelaxedWasmUrl, sharedWasmUrl) : Promise.resolve(null),
      pick(plainRelaxedWasmUrl, plainWasmUrl),
    ]);
    return { shared, plain };
  } catch {
    return null;
  }
}
