import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ByteDataset, decodeDataset, encodeDataset } from "../../src/data/dataset-codec.js";
import type { LabServices } from "../../src/server/routes.js";
import { type LabServer, startServer } from "../../src/server/server.js";
import { checkNetworkShape, LAB_LIMITS } from "../../src/train/limits.js";

// A fake data set whose bytes are a known function of position, and a fake store with one run.
function fakeDataset(nTrain: number, nTest: number): ByteDataset {
  const d = 784;
  const fill = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) % 256);
  return {
    nTrain,
    nTest,
    inputDim: d,
    numClasses: 10,
    width: 28,
    height: 28,
    trainX: fill(nTrain * d, 1),
    trainY: Uint8Array.from({ length: nTrain }, (_, i) => i % 10),
    testX: fill(nTest * d, 2),
    testY: Uint8Array.from({ length: nTest }, (_, i) => (i + 3) % 10),
  };
}

const calls: string[] = [];
const services: LabServices = {
  info: () => ({ initlab: "test" }),
  listRuns: async ({ limit, offset }) => ({ runs: [{ id: "abc" }], limit, offset }),
  getRun: async (id) => (id === "abc" ? { id: "abc", record: { final: { testLoss: Number.NaN } } } : null),
  getSweep: async (name) => (name === "grid" ? { name, runs: [] } : null),
  dataset: async (name, nTrain, nTest) => {
    calls.push(`${name}:${nTrain}:${nTest}`);
    return fakeDataset(nTrain, nTest);
  },
};

let server: LabServer;
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "initlab-web-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>lab</title>");
  writeFileSync(join(root, "assets", "app-1234.js"), "console.log(1)");
  const secret = join(mkdtempSync(join(tmpdir(), "initlab-secret-")), "secret.txt");
  writeFileSync(secret, "secret");
  symlinkSync(secret, join(root, "link.txt"));
  server = await startServer({ port: 0, webRoot: root, services });
});

after(async () => {
  await server.close();
});

/** A raw HTTP request (no URL normalization, any Host header), the whole body as bytes. */
function get(
  path: string,
  opts: { method?: string; host?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: opts.method ?? "GET",
        headers: {
          host: opts.host ?? `127.0.0.1:${server.port}`,
          // the API token unless a test says otherwise (null: none)
          ...(opts.token === null ? {} : { "x-initlab-token": opts.token ?? server.token }),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const json = (b: Buffer) => JSON.parse(b.toString("utf8"));

test("serves the app with cross-origin isolation and a same-origin content policy", async () => {
  const r = await get("/");
  assert.equal(r.status, 200);
  assert.match(r.body.toString(), /<title>lab<\/title>/);
  assert.equal(r.headers["cross-origin-opener-policy"], "same-origin");
  assert.equal(r.headers["cross-origin-embedder-policy"], "require-corp");
  assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
  assert.match(String(r.headers["content-security-policy"]), /connect-src 'self'/);
  const js = await get("/assets/app-1234.js");
  assert.equal(js.status, 200);
  assert.match(String(js.headers["content-type"]), /javascript/);
  assert.match(String(js.headers["cache-control"]), /immutable/);
});

test("no path outside the app folder can be read", async () => {
  for (const p of [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2fetc%2fpasswd",
    "/..%5c..%5cetc%5cpasswd",
    "/index.html%00.js",
    "/link.txt",
    "/assets",
    "/%E0%A4%A",
  ]) {
    const r = await get(p);
    assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
    assert.doesNotMatch(r.body.toString(), /secret|root:/, p);
  }
});

test("only GET and HEAD from a loopback Host", async () => {
  assert.equal((await get("/", { method: "POST" })).status, 405);
  assert.equal((await get("/", { method: "DELETE" })).status, 405);
  const head = await get("/", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal((await get("/", { host: "evil.example" })).status, 421);
  assert.equal((await get("/", { host: `evil.example:${server.port}` })).status, 421);
  assert.equal((await get("/", { host: `localhost:${server.port}` })).status, 200);
});

test("the API answers only requests with this server's token and no foreign origin", async () => {
  for (const path of ["/api/info", "/api/runs", "/api/runs/abc", "/api/datasets/mnist?train=3&test=2"]) {
    const none = await get(path, { token: null });
    assert.equal(none.status, 403, `${path} without a token`);
    assert.match(json(none.body).error, /missing or wrong API token/);
    assert.equal((await get(path, { token: "x".repeat(server.token.length) })).status, 403, path);
    assert.equal((await get(path, { token: `${server.token}x` })).status, 403, path);
    assert.equal((await get(path, { token: "" })).status, 403, path);
    assert.equal((await get(path)).status, 200, `${path} with the token`);
  }
  // a page of another site (or another port of this machine) sends its Origin: refused, token or not
  for (const origin of ["http://evil.example", `http://127.0.0.1:${server.port + 1}`, "null"]) {
    const r = await get("/api/runs", { headers: { origin } });
    assert.equal(r.status, 403, origin);
    assert.match(json(r.body).error, /cross-origin request from .* refused/);
  }
  assert.equal((await get("/api/runs", { headers: { "sec-fetch-site": "cross-site" } })).status, 403);
  assert.equal((await get("/api/runs", { headers: { "sec-fetch-site": "same-site" } })).status, 403);
  // the page's own requests: same origin
  const own = { origin: `http://127.0.0.1:${server.port}`, "sec-fetch-site": "same-origin" };
  assert.equal((await get("/api/runs", { headers: own })).status, 200);
  // the static app needs no token; the served page carries it
  const page = await get("/", { token: null });
  assert.equal(page.status, 200);
  assert.ok(
    page.body.toString().includes(`<meta name="initlab-api-token" content="${server.token}" />`),
    "the page carries the token",
  );
  assert.equal(page.headers["cache-control"], "no-store");
  assert.equal((await get("/assets/app-1234.js", { token: null })).status, 200);
  assert.match(server.token, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
  await assert.rejects(
    startServer({ port: 0, webRoot: root, services, token: 'x" onload="alert(1)' }),
    /API token: expected 16 to 200 characters/,
  );
  const other = await startServer({ port: 0, webRoot: root, services });
  try {
    assert.notEqual(other.token, server.token, "a fresh token per server");
  } finally {
    await other.close();
  }
});

test("on a non-loopback address the pages need the token too (?token= once, then a cookie)", async () => {
  const remote = await startServer({ port: 0, host: "0.0.0.0", webRoot: root, services });
  const at = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: remote.port, path, headers }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    });
  try {
    const bare = await at("/");
    assert.equal(bare.status, 403);
    assert.doesNotMatch(bare.body, new RegExp(remote.token));
    assert.equal((await at("/notes.html?token=wrong")).status, 403);
    const first = await at(`/?token=${remote.token}&data=mnist`);
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, "/?data=mnist", "the token leaves the address bar");
    const cookie = String((first.headers["set-cookie"] as string[])[0]).split(";")[0];
    assert.equal(cookie, `initlab_token=${remote.token}`);
    assert.match(String((first.headers["set-cookie"] as string[])[0]), /HttpOnly; SameSite=Strict/);
    const page = await at("/", { cookie });
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(remote.token));
    assert.equal((await at("/api/info", { cookie })).status, 403, "the API wants the header, not the cookie");
    assert.equal((await at("/api/info", { "x-initlab-token": remote.token })).status, 200);
    assert.equal((await at("/assets/app-1234.js")).status, 200, "the app's code is not secret");
  } finally {
    await remote.close();
  }
});

test("run store routes check their parameters", async () => {
  const list = await get("/api/runs?limit=5&offset=2");
  assert.equal(list.status, 200);
  assert.deepEqual(json(list.body), { runs: [{ id: "abc" }], limit: 5, offset: 2 });
  for (const q of ["limit=0", "limit=1001", "limit=abc", "limit=1e3", "offset=-1", "sort=id"]) {
    const r = await get(`/api/runs?${q}`);
    assert.equal(r.status, 400, q);
    assert.ok(typeof json(r.body).error === "string");
  }
  const run = await get("/api/runs/abc");
  assert.equal(run.status, 200);
  assert.equal(json(run.body).record.final.testLoss, null, "NaN is written as null");
  assert.equal((await get("/api/runs/nope")).status, 404);
  assert.equal((await get("/api/runs/..%2f..%2fetc")).status, 400);
  assert.equal((await get("/api/runs/.hidden")).status, 400);
  assert.equal((await get(`/api/runs/${"a".repeat(200)}`)).status, 400);
  assert.equal((await get("/api/sweeps/grid")).status, 200);
  assert.equal((await get("/api/sweeps/other")).status, 404);
  assert.equal((await get("/api/sweeps/a%2fb")).status, 400);
  assert.equal((await get("/api/nothing")).status, 404);
});

test("data sets: binary form, size limits, HEAD", async () => {
  calls.length = 0;
  const r = await get("/api/datasets/mnist?train=30&test=7");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/octet-stream");
  const buf = r.body.buffer.slice(r.body.byteOffset, r.body.byteOffset + r.body.byteLength);
  const d = decodeDataset(buf as ArrayBuffer);
  const want = fakeDataset(30, 7);
  assert.equal(d.nTrain, 30);
  assert.equal(d.nTest, 7);
  assert.equal(r.body.length, 32 + 37 * 785, "one byte per pixel and per label, 32-byte header");
  assert.deepEqual(d.trainX, want.trainX);
  assert.deepEqual(d.testY, want.testY);
  const head = await get("/api/datasets/mnist?train=30&test=7", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], String(32 + 37 * 785));
  assert.equal(head.body.length, 0);
  for (const q of [
    `train=${LAB_LIMITS.maxTrain + 1}`,
    `test=${LAB_LIMITS.maxTest + 1}`,
    "train=0",
    "train=5.5",
    "color=1",
  ]) {
    assert.equal((await get(`/api/datasets/mnist?${q}`)).status, 400, q);
  }
  assert.equal((await get("/api/datasets/csv:%2fetc%2fpasswd")).status, 404);
  assert.equal((await get("/api/datasets/spiral")).status, 404);
});

test("the real services: views of one load per data set, and the server's memory limit", async () => {
  const { labServices, servedDatasetBytes } = await import("../../src/server/services.js");
  const home = mkdtempSync(join(tmpdir(), "initlab-services-"));
  const mnist = servedDatasetBytes("mnist");
  assert.equal(mnist, 70000 * 785);
  const s = labServices(home, { memoryLimit: { bytes: mnist + 1000, source: "--memory-limit" } });
  try {
    const [a, b] = await Promise.all([s.dataset("mnist", 100, 10), s.dataset("mnist", 60000, 10000)]);
    assert.equal(a.trainX.buffer, b.trainX.buffer, "two requests: views of the same bytes");
    assert.equal(a.trainX.length, 100 * 784);
    assert.deepEqual(a.trainX, b.trainX.subarray(0, 100 * 784));
    assert.equal(b.testY.length, 10000);
    await assert.rejects(
      s.dataset("fashion-mnist", 10, 10),
      (e: Error & { status?: number }) =>
        e.status === 503 &&
        /^the data set fashion-mnist needs 52\.4 MB \(with mnist held: 104\.8 MB\), over this server's memory limit of 52\.4 MB \(--memory-limit\)$/.test(
          e.message,
        ),
    );
    assert.equal((s.info() as { memoryLimit: number }).memoryLimit, mnist + 1000);
  } finally {
    s.close();
  }
});

test("dataset codec: round trip, and corrupt input is refused", () => {
  const d = fakeDataset(3, 2);
  const bytes = encodeDataset(d);
  const back = decodeDataset(bytes.buffer as ArrayBuffer);
  assert.deepEqual(back.trainX, d.trainX);
  assert.deepEqual(back.trainY, d.trainY);
  assert.deepEqual(back.testX, d.testX);
  assert.equal(back.width, 28);
  assert.throws(() => decodeDataset(bytes.buffer.slice(0, 100) as ArrayBuffer), /bytes/);
  const bad = bytes.slice();
  bad[0] = 0;
  assert.throws(() => decodeDataset(bad.buffer as ArrayBuffer), /magic/);
  const label = bytes.slice();
  label[32 + 3 * 784] = 10;
  assert.throws(() => decodeDataset(label.buffer as ArrayBuffer), /label 10/);
});

test("network size limits name the value over its limit", () => {
  assert.equal(
    checkNetworkShape({ inputDim: 784, hidden: [100], outputDim: 10, batchSize: 64 }),
    784 * 100 + 100 + 100 * 10 + 10,
  );
  assert.throws(
    () =>
      checkNetworkShape({
        inputDim: 2,
        hidden: Array(LAB_LIMITS.maxDepth + 1).fill(4),
        outputDim: 2,
        batchSize: 8,
      }),
    /depth 101/,
  );
  assert.throws(
    () => checkNetworkShape({ inputDim: 2, hidden: [LAB_LIMITS.maxWidth + 1], outputDim: 2, batchSize: 8 }),
    /width 2049/,
  );
  assert.throws(
    () => checkNetworkShape({ inputDim: 2, hidden: [4], outputDim: 2, batchSize: 0 }),
    /batch size 0/,
  );
  assert.throws(
    () => checkNetworkShape({ inputDim: 784, hidden: Array(10).fill(2048), outputDim: 10, batchSize: 8 }),
    /parameters/,
  );
  assert.throws(
    () => checkNetworkShape({ inputDim: 784, hidden: [2048, 2048], outputDim: 10, batchSize: 4096 }),
    /cached values/,
  );
});
