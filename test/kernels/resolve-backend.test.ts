// resolveBackend is the one place where "auto" and backend names are decided: the CLI, sweep plans
// and createBackend all go through it. Switching a kind off (registerBackend with a factory that
// reports a reason) shows the fallbacks on any machine.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { bufferIO } from "../../src/cli/io.js";
import type { BackendFactory } from "../../src/kernels/backend-factory.js";
import { nativeBackendFactory } from "../../src/kernels/native-backend.js";
import {
  createBackend,
  decideBackend,
  listBackends,
  registerBackend,
  resolveBackend,
} from "../../src/kernels/registry.js";
import { wasmBackendFactory } from "../../src/kernels/wasm-backend.js";
import { autoBackend } from "../../src/sweep/sweep-plan.js";

function switchedOff(factory: BackendFactory, reason: string): BackendFactory {
  return {
    name: factory.name,
    unavailableReason: () => reason,
    create: () => Promise.reject(new Error("must not be created")),
  };
}

afterEach(() => {
  registerBackend(nativeBackendFactory);
  registerBackend(wasmBackendFactory);
});

test('"auto" is the first available of native, wasm, ts, and says so', async () => {
  const available = listBackends().filter((b) => b.available);
  const expected = ["native", "wasm", "ts"].find((n) => available.some((b) => b.name === n))!;
  const choice = await resolveBackend("auto", { threads: 2 });
  try {
    assert.equal(choice.name, expected);
    assert.equal(choice.backend.name, expected);
    assert.equal(choice.requested, "auto");
    assert.equal(choice.backend.threads, expected === "ts" ? 1 : 2);
    if (expected === "native") {
      assert.equal(choice.reason, "auto: native is the fastest backend available here");
      assert.equal(choice.fallback, null);
    } else {
      assert.match(
        choice.fallback ?? "",
        new RegExp(`^native backend unavailable \\(.+\\); .*using ${expected}$`),
      );
      assert.equal(choice.reason, `auto: ${choice.fallback}`);
    }
  } finally {
    choice.backend.dispose();
  }
  assert.equal(autoBackend(), expected);
  assert.equal(decideBackend("auto").name, expected);
});

test('"auto" without native falls back to wasm and names native\'s reason', async (t) => {
  if (wasmBackendFactory.unavailableReason())
    return t.skip(`wasm: ${wasmBackendFactory.unavailableReason()}`);
  registerBackend(switchedOff(nativeBackendFactory, "switched off by the test"));
  const choice = await resolveBackend("auto");
  try {
    assert.equal(choice.backend.name, "wasm");
    assert.equal(choice.backend.threads, 1);
    assert.equal(choice.fallback, "native backend unavailable (switched off by the test); using wasm");
    assert.equal(choice.reason, "auto: native backend unavailable (switched off by the test); using wasm");
  } finally {
    choice.backend.dispose();
  }
  assert.equal(autoBackend(), "wasm");
});

test('"auto" with neither fast kind falls back to ts and gives both reasons', async () => {
  registerBackend(switchedOff(nativeBackendFactory, "no addon"));
  registerBackend(switchedOff(wasmBackendFactory, "no module"));
  const choice = await resolveBackend("auto", { threads: 4 });
  assert.equal(choice.backend.name, "ts");
  assert.equal(
    choice.fallback,
    "native backend unavailable (no addon); wasm backend unavailable (no module); using ts",
  );
  assert.equal(autoBackend(), "ts");
  assert.equal((await createBackend()).name, "ts");
});

test("a backend asked for by name is that one, or an error with the reason or the valid names", async () => {
  const ts = await resolveBackend("ts", { threads: 3 });
  assert.deepEqual(
    {
      name: ts.name,
      requested: ts.requested,
      reason: ts.reason,
      fallback: ts.fallback,
      kind: ts.backend.name,
    },
    { name: "ts", requested: "ts", reason: "ts: requested by name", fallback: null, kind: "ts" },
  );
  registerBackend(switchedOff(nativeBackendFactory, "no addon here"));
  await assert.rejects(resolveBackend("native"), {
    message: 'backend "native" is not available: no addon here',
  });
  assert.throws(() => decideBackend("cuda" as "ts"), {
    message: 'backend "cuda" is not available; valid: ts, wasm, native',
  });
});

test("the CLI prints the fallback notice once per process and nothing when auto gets native", async () => {
  const { chooseBackend } = await import("../../src/cli/backend-choice.js");
  const quiet = bufferIO();
  (await chooseBackend("ts", 1, quiet)).dispose();
  assert.equal(quiet.err, "");
  registerBackend(switchedOff(nativeBackendFactory, "switched off"));
  const io = bufferIO();
  (await chooseBackend("auto", 1, io)).dispose();
  (await chooseBackend("auto", 1, io)).dispose();
  const using = decideBackend("auto").name;
  assert.equal(io.err, `initlab: ${decideBackend("auto").fallback}\n`);
  assert.match(
    io.err,
    new RegExp(`^initlab: native backend unavailable \\(switched off\\); .*using ${using}\n$`),
  );
});
