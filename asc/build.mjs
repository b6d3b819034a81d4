// Compiles the AssemblyScript kernels (asc/*.ts) into build/wasm/*.wasm, four variants:
//   kernels.wasm                 WebAssembly SIMD, non-shared imported memory (browsers without
//                                cross-origin isolation)
//   kernels-shared.wasm          SIMD + threads, shared imported memory (Node, isolated browsers)
//   kernels-relaxed.wasm         + relaxed SIMD (fused multiply-add); Node 20 needs
//   kernels-shared-relaxed.wasm    --experimental-wasm-relaxed-simd, so these are optional
// Skipped when every output is newer than every source. `--force` rebuilds.
// Usage: node asc/build.mjs [--force]
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const outDir = join(root, "build", "wasm");
const entry = join(here, "index.ts");

/** Pages of 64 KiB: 65536 = 4 GiB, the whole wasm32 address space. */
const MAX_PAGES = 65536;
const common = ["-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--use", "abort="];
const variants = [
  { file: "kernels.wasm", flags: ["--enable", "simd"] },
  { file: "kernels-relaxed.wasm", flags: ["--enable", "simd", "--enable", "relaxed-simd"] },
  {
    file: "kernels-shared.wasm",
    flags: ["--enable", "simd", "--enable", "threads", "--sharedMemory", "--maximumMemory", `${MAX_PAGES}`],
  },
  {
    file: "kernels-shared-relaxed.wasm",
    flags: [
      ...["--enable", "simd", "--enable", "threads", "--enable", "relaxed-simd"],
      ...["--sharedMemory", "--maximumMemory", `${MAX_PAGES}`],
    ],
  },
];

const sources = readdirSync(here)
  .filter((f) => f.endsWith(".ts") || f === "build.mjs")
  .map((f) => statSync(join(here, f)).mtimeMs);
const newestSource = Math.max(...sources);
const outputs = variants.map((v) => join(outDir, v.file));
const upToDate = outputs.every((p) => existsSync(p) && statSync(p).mtimeMs > newestSource);
if (upToDate && !process.argv.includes("--force")) process.exit(0);

let asc;
try {
  asc = (await import("assemblyscript/asc")).default;
} catch {
  console.error("build: assemblyscript is not installed; WebAssembly kernels not built (initlab uses another backend)");
  process.exit(0);
}

process.stderr.write("build: webassembly kernels\n");
mkdirSync(outDir, { recursive: true });
for (const v of variants) {
  const args = [entry, ...common, ...v.flags, "-o", join(outDir, v.file)];
  const { error, stderr } = await asc.main(args);
  if (error) {
    console.error(stderr.toString());
    console.error(`build: asc failed for ${v.file}: ${error.message}`);
    process.exit(1);
  }
}
