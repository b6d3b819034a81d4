import { Command } from "commander";
import { UserError } from "../../errors.js";
import type { CliIO } from "../io.js";
import { parseInteger } from "../parse.js";
import { DEFAULT_PORT, SERVER_MEMORY_HELP, serveLab } from "./serve.js";

/**
 * What `npm start` runs: the browser lab (the same as `initlab serve`). The text demonstration
 * that used to be here is `initlab demo`.
 */
export function startCommand(io: CliIO): Command {
  return new Command("start")
    .description("open the browser lab: build it if needed and serve it on 127.0.0.1 (same as `serve`)")
    .option(
      "--port <n>",
      `port (default ${DEFAULT_PORT} or $INITLAB_PORT; 0 = any free port)`,
      parseInteger("--port", 0),
    )
    .option("--home <dir>", "runs folder to browse (default $INITLAB_HOME or ./runs)")
    .option("--memory-limit <size>", SERVER_MEMORY_HELP)
    .action(async (opts) => {
      if (opts.port !== undefined && opts.port > 65535)
        throw new UserError(`--port: ${opts.port} is above 65535`);
      await serveLab(opts, io);
    });
}
