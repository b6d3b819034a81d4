// Same seed, same bits; another seed, other values. No Math.random in src/init.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { listInitializers, parseInit } from "../../src/init/index.js";
import { Rng } from "../../src/tensor/rng.js";

const shape = { rows: 24, cols: 17, fanIn: 17, fanOut: 24 };
const DETERMINISTIC = new Set(["zeros", "ones", "constant", "eye"]);

function draw(spec: string, seed: number): Float32Array {
  const out = new Float32Array(shape.rows * shape.cols);
  parseInit(spec).fill(out, shape, Rng.derive(seed, "init"));
  return out;
}

test("every initializer: the same seed gives the same bits, another seed other values", () => {
  for (const info of listInitializers()) {
    const required = info.args.filter((a) => a.default === null).map((a) => `${a.name}=0.5`);
    const spec = required.length ? `${info.name}(${required.join(", ")})` : info.name;
    const a = draw(spec, 42);
    const b = draw(spec, 42);
    assert.deepEqual(new Uint8Array(a.buffer), new Uint8Array(b.buffer), `${spec}: same seed`);
    const c = draw(spec, 43);
    const same = a.every((v, i) => v === c[i]);
    assert.equal(same, DETERMINISTIC.has(info.name), `${spec}: other seed`);
  }
});

test("src/init uses no Math.random", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../../src/init");
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), "utf8");
    assert.ok(!/Math\.random/.test(text), `${f} uses Math.random`);
  }
});
