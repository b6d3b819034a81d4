import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { listInitializers } from "../../src/init/index.js";
import { listActivations } from "../../src/nn/activations.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

test("the README documents every initializer and activation, and the two commands", () => {
  for (const i of listInitializers())
    assert.ok(readme.includes(`\`${i.name}`), `initializer ${i.name} missing from README`);
  for (const a of listActivations())
    assert.ok(readme.includes(`\`${a.name}`), `activation ${a.name} missing from README`);
  assert.ok(readme.includes("npm ci && npm start"));
  assert.ok(readme.includes("npm test"));
});
