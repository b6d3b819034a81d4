import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

/** Cross-origin isolation (SharedArrayBuffer for the training worker), as the initlab server sends it. */
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * The browser lab. The engine, the initializers and the theory are imported from ../src (Vite
 * resolves their `.js`-suffixed imports to the `.ts` sources). Only browser-safe modules are
 * imported; `process.version`, which the trainer writes into run records, is defined here.
 */
export default defineConfig({
  root: here,
  base: "./",
  logLevel: "warn",
  define: { "process.version": JSON.stringify("browser") },
  build: {
    outDir: resolve(here, "dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
    assetsInlineLimit: 0,
    // two pages: the lab and the study notes with their live labs
    rollupOptions: { input: { main: resolve(here, "index.html"), notes: resolve(here, "notes.html") } },
  },
  worker: { format: "es" },
  server: { headers: isolation, fs: { allow: [resolve(here, "..")] } },
  preview: { headers: isolation },
});
