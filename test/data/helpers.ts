// Shared helpers for test/data: temp files and assertions on DataError / UserError messages.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { DataError, UserError } from "../../src/errors.js";

/** A fresh temp folder, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "initlab-data-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeTemp(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Asserts that `fn` throws (or rejects with) a DataError whose message is exactly `message`. */
export async function rejectsData(fn: () => unknown, message: string | RegExp): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: Error) => {
      assert.ok(e instanceof DataError, `${e.name}: ${e.message} is not a DataError`);
      if (typeof message === "string") assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

/** Asserts that `fn` throws (or rejects with) a UserError whose message contains every part. */
export async function rejectsUser(fn: () => unknown, ...parts: string[]): Promise<void> {
  await assert.rejects(
    async () => fn(),
    (e: Error) => {
      assert.ok(e instanceof UserError, `${e.name}: ${e.message} is not a UserError`);
      for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
      return true;
    },
  );
}
