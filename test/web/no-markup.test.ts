import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { ROOT } from "./browser.js";

// The lab builds its DOM from data with text nodes (web/src/ui/dom.ts), never by parsing
// markup: a link's values cannot become elements (issue 17). The one file still building markup
// strings escapes every value (the diagnosis panel, owned by the probe work of issue 12).
const ALLOWED = new Set(["web/src/ui/diagnosis-panel.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

test("no innerHTML, outerHTML, insertAdjacentHTML or document.write in web/src", () => {
  const found: string[] = [];
  for (const f of files(join(ROOT, "web", "src"))) {
    const rel = relative(ROOT, f);
    if (ALLOWED.has(rel)) continue;
    const src = readFileSync(f, "utf8");
    for (const [i, line] of src.split("\n").entries()) {
      if (
        /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment/.test(line)
      )
        found.push(`${rel}:${i + 1}: ${line.trim()}`);
    }
  }
  assert.deepEqual(found, []);
});
