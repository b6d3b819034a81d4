import { existsSync } from "node:fs";
import type { ByteDataset } from "../data/dataset-codec.js";
import { loadDataset } from "../data/index.js";
import { UserError } from "../errors.js";
import { openRunStore, type RunStore, storePath } from "../store/index.js";
import { LAB_LIMITS } from "../train/limits.js";
import { INITLAB_VERSION } from "../train/trainer.js";
import { type LabServices, SERVED_DATASETS, type ServedDataset } from "./routes.js";

/**
 * The real services behind the API: the run store of a runs folder (opened read-only, only
 * through its id-keyed queries, so no path from a request ever reaches the file system) and the
 * MNIST / Fashion-MNIST loaders of src/data.
 */
export function labServices(runsDir: string): LabServices & { close(): void } {
  let store: RunStore | null = null;
  const open = (): RunStore | null => {
    if (store) return store;
    if (!existsSync(storePath(runsDir))) return null;
    store = openRunStore(runsDir, { readonly: true });
    return store;
  };
  return {
    info: () => ({
      initlab: INITLAB_VERSION,
      limits: LAB_LIMITS,
      datasets: SERVED_DATASETS,
      runStore: existsSync(storePath(runsDir)),
    }),
    async listRuns({ limit, offset }) {
      const s = open();
      if (!s) return { runs: [], sweeps: [], total: 0, note: `no run store yet in ${runsDir}` };
      const all = s.listRuns();
      all.sort((a, b) => (a.storedAt < b.storedAt ? 1 : a.storedAt > b.storedAt ? -1 : 0));
      return { runs: all.slice(offset, offset + limit), sweeps: s.listSweeps(), total: all.length };
    },
    async getRun(id) {
      const s = open();
      return s ? s.getRun(id) : null;
    },
    async getSweep(name) {
      const s = open();
      return s ? s.getSweep(name) : null;
    },
    async dataset(name: ServedDataset, nTrain: number, nTest: number): Promise<ByteDataset> {
      const d = await loadDataset({
        data: name,
        preprocess: "raw",
        trainLimit: nTrain,
        testLimit: nTest,
        seed: 1,
      });
      return toBytes(d);
    },
    close() {
      store?.close();
      store = null;
    },
  };
}

/** Raw pixels 0..255 as bytes (exact: raw MNIST values are integers). */
function toBytes(d: Awaited<ReturnType<typeof loadDataset>>): ByteDataset {
  const bytes = (x: Float32Array) => {
    const out = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (!(v >= 0 && v <= 255 && Number.isInteger(v)))
        throw new UserError(`data set ${d.name}: value ${v} is not a raw pixel`);
      out[i] = v;
    }
    return out;
  };
  const side = Math.round(Math.sqrt(d.inputDim));
  return {
    nTrain: d.nTrain,
    nTest: d.nTest,
    inputDim: d.inputDim,
    numClasses: d.numClasses,
    width: side * side === d.inputDim ? side : 0,
    height: side * side === d.inputDim ? side : 0,
    trainX: bytes(d.trainX),
    trainY: Uint8Array.from(d.trainY),
    testX: bytes(d.testX),
    testY: Uint8Array.from(d.testY),
  };
}
