// Shared by the CLI tests: run the CLI in this process, capturing its output and exit code.
import { bufferIO } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO();
  const code = await run(argv, io);
  return { code, out: io.out, err: io.err };
}
