import assert from "node:assert/strict";

/** The ```js blocks of the README section titled `title`. */
export function sectionBlocks(text: string, title: string): string[] {
  const start = text.indexOf(`## ${title}\n`);
  assert.ok(start >= 0, `README has no section "${title}"`);
  const end = text.indexOf("\n## ", start + 4);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
}
