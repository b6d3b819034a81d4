import { existsSync } from "node:fs";
import type { ByteDataset } from "../data/dataset-codec.js";
import { loadFashionSource } from "../data/fashion-mnist.js";
import { loadMnistSource } from "../data/mnist.js";
import type { ImageSource } from "../data/types.js";
import { UserError } from "../errors.js";
import { openRunStore, type RunStore, storePath } from "../store/index.js";
import { LAB_LIMITS } from "../train/limits.js";
import { INITLAB_VERSION } from "../version.js";
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
      // One page, newest first, read and counted in SQL (not every stored run per request).
      return {
        runs: s.listRuns({ limit, offset, newestFirst: true }),
        sweeps: s.listSweeps(),
        total: s.countRuns(),
      };
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
      // The loaders' per-process image bytes (read once, one load shared by concurrent requests,
      // about 55 MB each); a request gets views of its first nTrain / nTest examples, no copy.
      const src = await (name === "mnist" ? loadMnistSource() : loadFashionSource());
      return sliceSource(src, nTrain, nTest);
    },
    close() {
      store?.close();
      store = null;
    },
  };
}

/** The first nTrain / nTest examples of an image source, as views of its arrays. */
function sliceSource(src: ImageSource, nTrain: number, nTest: number): ByteDataset {
  if (nTrain > src.train.n || nTest > src.test.n)
    throw new UserError(
      `data set has ${src.train.n} / ${src.test.n} examples; asked for ${nTrain} / ${nTest}`,
    );
  const dim = src.width * src.height;
  return {
    nTrain,
    nTest,
    inputDim: dim,
    numClasses: src.classNames.length,
    width: src.width,
    height: src.height,
    trainX: src.train.pixels.subarray(0, nTrain * dim),
    trainY: src.train.labels.subarray(0, nTrain),
    testX: src.test.pixels.subarray(0, nTest * dim),
    testY: src.test.labels.subarray(0, nTest),
  };
}
