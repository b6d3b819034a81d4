import { existsSync } from "node:fs";
import type { ByteDataset } from "../data/dataset-codec.js";
import { loadFashionSource } from "../data/fashion-mnist.js";
import { loadMnistSource } from "../data/mnist.js";
import type { ImageSource } from "../data/types.js";
import { UserError } from "../errors.js";
import { openRunStore, type RunStore, storePath } from "../store/index.js";
import { LAB_LIMITS } from "../train/limits.js";
import { formatBytes, IMAGE_SETS, type MemoryLimit } from "../train/resources.js";
import { INITLAB_VERSION } from "../version.js";
import { HttpError } from "./http-util.js";
import { type LabServices, SERVED_DATASETS, type ServedDataset } from "./routes.js";

/**
 * The real services behind the API: the run store of a runs folder (opened read-only, only
 * through its id-keyed queries, so no path from a request ever reaches the file system) and the
 * MNIST / Fashion-MNIST loaders of src/data.
 */
export function labServices(
  runsDir: string,
  options: { memoryLimit?: MemoryLimit } = {},
): LabServices & { close(): void } {
  let store: RunStore | null = null;
  const memory = options.memoryLimit ?? null;
  // The image sets this process holds (each kept for its life by src/data's loaders).
  const held = new Set<ServedDataset>();
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
      memoryLimit: memory?.bytes ?? null,
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
      if (memory && !held.has(name)) checkDatasetMemory(name, held, memory);
      held.add(name);
      const src = await (name === "mnist" ? loadMnistSource() : loadFashionSource()).catch((e) => {
        held.delete(name);
        throw e;
      });
      return sliceSource(src, nTrain, nTest);
    },
    close() {
      store?.close();
      store = null;
    },
  };
}

/** Bytes of a served image set: one byte per pixel and per label (the loaders' form). */
export function servedDatasetBytes(name: ServedDataset): number {
  const d = IMAGE_SETS[name];
  return (d.nTrain + d.nTest) * (d.inputDim + 1);
}

/**
 * Refuses (503, one line naming the sizes) a data set whose bytes would take the sets this
 * server holds over its memory limit (`serve --memory-limit`, INITLAB_MAX_MEMORY). The server
 * builds no network: the image sets are what it keeps in memory.
 */
function checkDatasetMemory(name: ServedDataset, held: Set<ServedDataset>, limit: MemoryLimit): void {
  const need = servedDatasetBytes(name);
  let total = need;
  for (const h of held) total += servedDatasetBytes(h);
  if (total > limit.bytes) {
    throw new HttpError(
      503,
      `the data set ${name} needs ${formatBytes(need)}` +
        (held.size ? ` (with ${[...held].join(", ")} held: ${formatBytes(total)})` : "") +
        `, over this server's memory limit of ${formatBytes(limit.bytes)} (${limit.source})`,
    );
  }
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
