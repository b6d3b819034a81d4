/**
 * `npm run bench`: training throughput (samples/s) of the workloads (bench/workloads.ts) on every
 * engine in one run — initlab on each backend at 1 and 2 threads, PyTorch CPU (Debian
 * python3-torch), TensorFlow.js (wasm and cpu backends) — and the ratios initlab / peer, and of a
 * workload to its baseline (residual-layernorm / mlp-256x8) on each engine. An engine that is not
 * installed, or cannot build a workload's network, is skipped with a message. Options: --json, --seconds S (per measurement, default 3), --repeats R
 * (default 5), --workloads a,b, --engines initlab,torch,tfjs, --backends ts,wasm,native (initlab's),
 * --threads 1,2.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { TORCH_MODULE_CODE, torchModuleCall } from "../src/interop/torch-module.js";
import { createBackend, listBackends } from "../src/kernels/registry.js";
import { PLAIN_ARCHITECTURE } from "../src/nn/architecture.js";
import { measureInitlab } from "./initlab-train.js";
import { loadTfjs, measureTfjs } from "./tfjs-mlp.js";
import { flopsPerStep, WORKLOADS, type Workload } from "./workloads.js";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const json = args.includes("--json");
const seconds = Number(opt("seconds", "3"));
const repeats = Number(opt("repeats", "5"));
const threadList = opt("threads", "1,2").split(",").map(Number);
const engines = opt("engines", "initlab,torch,tfjs").split(",");
const backends = opt("backends", "ts,wasm,native").split(",");
const workloads = WORKLOADS.filter((w) =>
  opt("workloads", WORKLOADS.map((x) => x.name).join(","))
    .split(",")
    .includes(w.name),
);
const log = (s: string) => process.stderr.write(`${s}\n`);

type Row = Record<string, number | null>;
const results: Record<string, Row> = Object.fromEntries(workloads.map((w) => [w.name, {}]));
const skipped: Record<string, string> = {};

if (engines.includes("initlab")) {
  for (const b of listBackends().filter((x) => backends.includes(x.name))) {
    if (!b.available) {
      skipped[`initlab-${b.name}`] = b.reason ?? "unavailable";
      continue;
    }
    for (const t of threadList) {
      if (b.name === "ts" && t > 1) continue;
      const backend = await createBackend(b.name, { threads: t });
      log(`initlab ${b.name} x${t}: ${workloads.map((w) => w.name).join(", ")} (taking turns)`);
      const rates = measureInitlab(
        workloads,
        backend,
        b.name === "ts" ? Math.min(seconds, 2) : seconds,
        repeats,
      );
      workloads.forEach((w, i) => {
        results[w.name][`initlab-${b.name}-t${t}`] = rates[i];
      });
      backend.dispose();
    }
  }
}

/** A workload for bench/torch_mlp.py: residual or normalized networks carry InitlabNet's code and call. */
function torchWorkload(w: Workload): Workload & { torch_module?: { code: string; call: string } } {
  if (!w.arch) return w;
  const spec = {
    ...PLAIN_ARCHITECTURE,
    residual: w.arch.residual,
    norm: w.arch.norm,
    normPlace: "pre" as const,
  };
  return { ...w, torch_module: { code: TORCH_MODULE_CODE, call: torchModuleCall(w.sizes, spec, "act") } };
}

if (engines.includes("torch")) {
  if (!existsSync("/usr/bin/python3")) skipped.torch = "/usr/bin/python3 not found";
  else {
    for (const t of threadList) {
      log(`PyTorch x${t}`);
      // OpenBLAS tuned for this CPU: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (they slow it 2-25x).
      const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1" };
      env.OPENBLAS_CORETYPE = undefined;
      env.OPENBLAS_L2_SIZE = undefined;
      try {
        const out = execFileSync(
          "/usr/bin/python3",
          [
            new URL("./torch_mlp.py", import.meta.url).pathname,
            JSON.stringify({ threads: t, seconds, repeats, workloads: workloads.map(torchWorkload) }),
          ],
          { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
        );
        const doc = JSON.parse(out);
        for (const w of workloads) results[w.name][`torch-t${t}`] = doc.results[w.name];
      } catch (e) {
        skipped.torch = `PyTorch not usable: ${(e as Error).message.split("\n")[0]} (apt-get install python3-torch libopenblas0-pthread)`;
        break;
      }
    }
  }
}

if (engines.includes("tfjs")) {
  for (const b of ["wasm", "cpu"] as const) {
    const loaded = await loadTfjs(b);
    if ("skip" in loaded) {
      skipped[`tfjs-${b}`] = loaded.skip;
      continue;
    }
    for (const w of workloads) {
      if (b === "cpu" && w.name === "wide") continue; // minutes per step on the plain-JS backend
      if (w.arch) {
        skipped[`tfjs ${w.name}`] = "the TensorFlow.js peer trains plain MLPs only";
        continue;
      }
      log(`TensorFlow.js ${b}: ${w.title}`);
      results[w.name][`tfjs-${b}-t1`] = measureTfjs(loaded.tf, w, seconds, repeats);
    }
  }
}

const doc = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? "?"}, ${cpus().length} cores`,
  node: process.version,
  command: `npm run bench -- ${args.join(" ")}`.trim(),
  unit: "training samples per second (median)",
  workloads: workloads.map((w) => ({ ...w, flopsPerSample: flopsPerStep(w) / w.batch })),
  results,
  skipped,
};

if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
else {
  const cols = [...new Set(Object.values(results).flatMap((r) => Object.keys(r)))];
  const out: string[] = [];
  out.push(`| workload | ${cols.join(" | ")} |`);
  out.push(`|---|${cols.map(() => "---:").join("|")}|`);
  for (const w of workloads) {
    out.push(
      `| ${w.name} | ${cols.map((c) => (results[w.name][c] == null ? "-" : Math.round(results[w.name][c]!).toLocaleString("en-US"))).join(" | ")} |`,
    );
  }
  out.push("");
  out.push("Ratios initlab / peer at the same thread count:");
  for (const w of workloads) {
    const r = results[w.name];
    const parts: string[] = [];
    for (const c of Object.keys(r).filter((k) => k.startsWith("initlab-"))) {
      const t = c.split("-").pop();
      for (const peer of [`torch-${t}`, `tfjs-wasm-${t}`]) {
        if (r[peer] && r[c]) parts.push(`${c}/${peer} ${(r[c]! / r[peer]!).toFixed(2)}x`);
      }
    }
    out.push(`  ${w.name}: ${parts.join(", ") || "-"}`);
  }
  for (const w of workloads.filter((x) => x.baseline && results[x.baseline])) {
    const r = results[w.name];
    const base = results[w.baseline as string];
    const parts = Object.keys(r)
      .filter((c) => r[c] && base[c])
      .map((c) => `${c} ${(r[c]! / base[c]!).toFixed(2)}x`);
    out.push(`Ratio ${w.name} / ${w.baseline} on each engine: ${parts.join(", ") || "-"}`);
  }
  for (const [k, v] of Object.entries(skipped)) out.push(`skipped ${k}: ${v}`);
  out.push(`(${doc.machine}, node ${doc.node}, ${doc.date})`);
  process.stdout.write(`${out.join("\n")}\n`);
}
