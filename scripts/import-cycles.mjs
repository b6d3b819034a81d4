// Finds import cycles among the TypeScript files under the given folders (default: src): every
// relative import counts, `import type` and `export ... from` included (a type-only circle is
// still a circle in the design). Prints one line per cycle, `a.ts -> b.ts -> a.ts`, and exits 1
// when there is any; exits 0 and prints nothing otherwise.
// Usage: node scripts/import-cycles.mjs [folder ...]
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** Every .ts/.tsx file under dir (declaration files excluded). */
function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "dist") out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The file a relative specifier names ("./x.js" is ./x.ts under NodeNext), or null. */
function resolveSpecifier(from, spec) {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?js$/, "");
  const tries = [base, `${stem}.ts`, `${stem}.tsx`, join(base, "index.ts")];
  return tries.find((f) => /\.tsx?$/.test(f) && existsSync(f) && statSync(f).isFile()) ?? null;
}

/** file -> the files it imports (relative imports only: packages and node: builtins are leaves). */
export function importGraph(folders) {
  const graph = new Map();
  for (const folder of folders) {
    for (const file of sourceFiles(resolve(folder))) {
      const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
      const deps = new Set();
      for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith(".")) continue;
        const target = resolveSpecifier(file, fileName);
        if (target) deps.add(target);
      }
      graph.set(file, [...deps].sort());
    }
  }
  return graph;
}

/**
 * One cycle per strongly connected component with more than one file (or a file importing
 * itself), found with Tarjan's algorithm: `cycle` lists files, the first repeated last, and
 * `component` holds every file of the circle (the cycle's and those of other loops through them).
 */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (graph.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(new Set(component));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((component) => ({ cycle: shortestCycle(graph, component), component }));
}

/** The shortest cycle through the first file (in sorted order) of a component, by breadth-first search. */
function shortestCycle(graph, component) {
  const start = [...component].sort()[0];
  const parent = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const folders = process.argv.slice(2);
  const cycles = findCycles(importGraph(folders.length ? folders : ["src"]));
  const rel = (f) => relative(process.cwd(), f);
  for (const { cycle, component } of cycles) {
    const others = [...component].filter((f) => !cycle.includes(f)).map(rel);
    console.log(cycle.map(rel).join(" -> ") + (others.length ? ` (same circle: ${others.join(", ")})` : ""));
  }
  if (cycles.length > 0) {
    console.error(`import-cycles: ${cycles.length} import cycle(s)`);
    process.exit(1);
  }
}
