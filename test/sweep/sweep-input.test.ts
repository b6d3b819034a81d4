import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { redisOptions } from "../../src/sweep/queue-connection.js";
import { MAX_SWEEP_FILE_BYTES } from "../../src/sweep/sweep-limits.js";
import { cli } from "./helpers.js";

// Bad sweep input is refused with exit 2 before the store is created or touched (issue 13).

const dir = mkdtempSync(join(tmpdir(), "initlab-sweep-input-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): { path: string; home: string } {
  n++;
  const path = join(dir, `s${n}.yaml`);
  writeFileSync(path, text);
  return { path, home: join(dir, `home${n}`) };
}

async function refused(args: string[], home: string, message: RegExp) {
  const r = await cli("sweep", ...args, "--home", home);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, message);
  assert.match(r.err, /^initlab: /);
  assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
  assert.ok(!existsSync(home), `nothing written to ${home}`);
}

test("grid: {} and an empty axis are errors, not one run with every default", async () => {
  const a = file("name: empty\ngrid: {}\n");
  await refused([a.path], a.home, /grid: \{\} has no axes/);
  const b = file("name: empty-axis\nbase: {data: xor}\ngrid: {seed: []}\n");
  const r = await cli("sweep", b.path, "--home", b.home);
  assert.equal(r.code, 2);
  assert.match(r.err, /grid\.seed/);
  assert.ok(!existsSync(b.home));
});

test("the number of runs is capped before anything is expanded (default and --max-runs)", async () => {
  const values = (k: number) => `[${Array.from({ length: k }, (_, i) => i + 1).join(", ")}]`;
  // 100^3 = 10^6 points: refused at once, without planning a single one.
  const big = file(
    `name: big\nbase: {data: xor}\ngrid: {seed: ${values(100)}, epochs: ${values(100)}, batchSize: ${values(100)}}\n`,
  );
  const t0 = Date.now();
  await refused(
    [big.path],
    big.home,
    /1000000 runs \(seed 100 x epochs 100 x batchSize 100\) is over the limit of 10000/,
  );
  await refused([big.path, "--dry-run"], big.home, /over the limit/);
  assert.ok(Date.now() - t0 < 5000, "refused without expanding the grid");
  const small = file(`name: small\nbase: {data: xor, backend: ts}\ngrid: {seed: ${values(5)}}\n`);
  await refused([small.path, "--max-runs", "4"], small.home, /5 runs \(seed 5\) is over the limit of 4/);
  const ok = await cli("sweep", small.path, "--max-runs", "5", "--dry-run", "--home", small.home);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /5 runs/);
});

test("a sweep file over the size limit is refused before it is parsed", async () => {
  const huge = file(`name: huge\ndescription: "${"x".repeat(MAX_SWEEP_FILE_BYTES)}"\nbase: {data: xor}\n`);
  await refused([huge.path], huge.home, /bytes, over the limit of 1048576 bytes/);
  await refused([dir], join(dir, "dir-home"), /is not a regular file/);
});

test("bad specs and a bad --queue URL exit 2 without creating the store", async () => {
  const bad = file("name: bad\nbase: {data: xor}\ngrid: {init: [he_nromal, xavier_uniform]}\n");
  await refused([bad.path], bad.home, /invalid runs/);
  const good = file("name: good\nbase: {data: xor, backend: ts}\ngrid: {seed: [1, 2]}\n");
  for (const [url, why] of [
    ["http://127.0.0.1:6379", /unsupported scheme "http:"/],
    ["/abc", /not a valid URL/],
    ["redis://127.0.0.1:99999", /not a valid URL/],
    ["redis://127.0.0.1:0", /port 0 .* not in 1\.\.65535/],
    ["redis://", /no host/],
  ] as const) {
    await refused([good.path, "--queue", url], good.home, why);
  }
});

test("a sweep whose runs all failed exits 2 and says so", async () => {
  const f = file(
    `name: all-failed\nbase: {data: "csv:${join(dir, "missing.csv")}", backend: ts, hidden: [2]}\ngrid: {seed: [1, 2]}\n`,
  );
  const r = await cli("sweep", f.path, "--home", f.home, "--workers", "1");
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /all 2 runs failed/);
  assert.ok(existsSync(join(f.home, "initlab.sqlite")), "the failures are stored");
});

test("the Redis password from the URL, INITLAB_REDIS_PASSWORD or INITLAB_REDIS_PASSWORD_FILE (never required in the URL)", () => {
  const pw = join(dir, "redis-password");
  writeFileSync(pw, "from-file\nsecond line ignored\n");
  const url = "redis://127.0.0.1:6390";
  assert.equal(redisOptions(url, false, {}).password, undefined);
  assert.equal(redisOptions(url, false, { INITLAB_REDIS_PASSWORD: "from-env" }).password, "from-env");
  assert.equal(redisOptions(url, false, { INITLAB_REDIS_PASSWORD_FILE: pw }).password, "from-file");
  assert.equal(
    redisOptions("redis://:in%40url@127.0.0.1:6390", false, { INITLAB_REDIS_PASSWORD: "from-env" }).password,
    "in@url",
    "the URL's password wins",
  );
  const missing = join(dir, "no-such-file");
  assert.throws(
    () => redisOptions(url, true, { INITLAB_REDIS_PASSWORD_FILE: missing }),
    (e: Error) => e.message === `INITLAB_REDIS_PASSWORD_FILE ${missing}: cannot read it (ENOENT)`,
  );
  const empty = join(dir, "empty-password");
  writeFileSync(empty, "\n");
  assert.throws(
    () => redisOptions(url, true, { INITLAB_REDIS_PASSWORD_FILE: empty }),
    /INITLAB_REDIS_PASSWORD_FILE .*empty-password: its first line is empty/,
  );
});
