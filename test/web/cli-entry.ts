// Runs the initlab CLI from the TypeScript sources (node --import tsx test/web/cli-entry.ts ARGS...),
// so browser tests can compare the page with the CLI without a compiled dist/.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
