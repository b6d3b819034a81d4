// Writes docs/options.md from the settings table (npm run docs:options).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { optionsMarkdown } from "../src/train/options-doc.js";

const file = join(import.meta.dirname, "..", "docs", "options.md");
writeFileSync(file, optionsMarkdown());
console.log(`wrote ${file}`);
