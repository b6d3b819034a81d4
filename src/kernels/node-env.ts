/**
 * Access to Node's built-in modules without a static import, so that the kernel loaders also
 * load in a browser bundle (where these return null and the caller hands over the bytes itself).
 * `process.getBuiltinModule` exists from Node 20.16 on; initlab needs Node >= 20.19.
 */
type Fs = typeof import("node:fs");
type Path = typeof import("node:path");
type Url = typeof import("node:url");
type Module = typeof import("node:module");
type WorkerThreads = typeof import("node:worker_threads");
type Os = typeof import("node:os");

interface NodeBuiltins {
  fs: Fs;
  path: Path;
  url: Url;
  module: Module;
  workerThreads: WorkerThreads;
  os: Os;
}

let builtins: NodeBuiltins | null | undefined;

/** Node's fs, path, url, module, worker_threads and os, or null outside Node. */
export function nodeBuiltins(): NodeBuiltins | null {
  if (builtins !== undefined) return builtins;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc || typeof proc.getBuiltinModule !== "function") {
    builtins = null;
    return null;
  }
  const get = proc.getBuiltinModule.bind(proc);
  builtins = {
    fs: get("node:fs") as Fs,
    path: get("node:path") as Path,
    url: get("node:url") as Url,
    module: get("node:module") as Module,
    workerThreads: get("node:worker_threads") as WorkerThreads,
    os: get("node:os") as Os,
  };
  return builtins;
}

let root: string | null | undefined;

/**
 * The initlab package root: the nearest ancestor of this file with a package.json named
 * "initlab". Works from src/kernels (tsx) and from dist/src/kernels (compiled). null outside Node.
 */
export function packageRoot(): string | null {
  if (root !== undefined) return root;
  root = null;
  const node = nodeBuiltins();
  if (!node || !import.meta.url.startsWith("file:")) return root;
  let dir = node.path.dirname(node.url.fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = node.path.join(dir, "package.json");
    if (node.fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(node.fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "initlab") {
          root = dir;
          return root;
        }
      } catch {
        // an unreadable package.json: keep walking up
      }
    }
    const up = node.path.dirname(dir);
    if (up === dir) return root;
    dir = up;
  }
}
