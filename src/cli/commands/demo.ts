import { Command } from "commander";
import { loadDataset } from "../../data/index.js";
import { formatFixed, formatPercent } from "../../math/format-number.js";
import { ProgressLine } from "../../report/progress-line.js";
import { formatTable } from "../../sweep/text-table.js";
import { resolveConfig } from "../../train/config.js";
import type { RunRecord } from "../../train/record.js";
import { train } from "../../train/trainer.js";
import { chooseBackend } from "../backend-choice.js";
import { type CliIO, printJson } from "../io.js";
import { parseInteger } from "../parse.js";

/**
 * A quick text demonstration of the notes' first claim (`initlab demo`; `npm start` opens the
 * browser lab). The same MLP
 * (784-128-128-10, He normal, SGD momentum) on raw pixels (0..255) and on standardized pixels,
 * with ReLU and with sigmoid, a few hundred steps each.
 */
export function demoCommand(io: CliIO): Command {
  return new Command("demo")
    .description(
      "a short demonstration: ReLU vs sigmoid on raw vs standardized MNIST (the notes' first claim)",
    )
    .option("--steps <n>", "training steps per run", parseInteger("--steps", 1), 300)
    .option("--seed <n>", "random seed", parseInteger("--seed", 0), 1)
    .option("--json", "print one JSON document")
    .action(async (opts) => {
      const progress = new ProgressLine((t) => io.stderr(t), io.isTTY);
      const backend = await chooseBackend("auto", null, io);
      const rows: DemoRow[] = [];
      progress.log(
        "initlab: the same network on raw (0..255) and standardized MNIST pixels, ReLU vs sigmoid",
      );
      for (const preprocess of ["raw", "standardize"] as const) {
        const dataset = await loadDataset({
          data: "mnist",
          preprocess,
          trainLimit: 20000,
          testLimit: 2000,
          seed: opts.seed,
        });
        for (const activation of ["relu", "sigmoid"]) {
          const config = resolveConfig({
            preprocess,
            activation,
            hidden: [128, 128],
            init: "he_normal",
            lr: 0.05,
            momentum: 0.9,
            batchSize: 64,
            maxSteps: opts.steps,
            trainLimit: 20000,
            testLimit: 2000,
            seed: opts.seed,
          });
          const record = train(config, {
            dataset,
            backend,
            hooks: {
              onStep: (s) => progress.update(s.step, s.totalSteps, `${activation} on ${PIXELS[preprocess]}`),
            },
          });
          progress.end();
          rows.push({ preprocess, activation, record });
        }
      }
      backend.dispose();
      if (opts.json) {
        return printJson(io, {
          runs: rows.map((r) => ({
            preprocess: r.preprocess,
            activation: r.activation,
            final: r.record.final,
          })),
        });
      }
      io.stdout(`\n${demoTable(rows)}`);
      io.stdout(
        "\nThe notes: ReLU passes 255-scale inputs straight through, so activations and gradients are huge and\n" +
          "training fails; sigmoid squashes them into (0, 1) and still learns; standardized inputs fix ReLU.\n" +
          "Next: `npx initlab train --help`, `npx initlab init list`, README.md.\n",
      );
    });
}

interface DemoRow {
  preprocess: "raw" | "standardize";
  activation: string;
  record: RunRecord;
}

const PIXELS = { raw: "raw pixels (0..255)", standardize: "standardized pixels" } as const;

/**
 * The demo's table: one row per run, columns separated by two spaces (src/sweep/text-table.ts):
 * the first batch loss, then the test loss and accuracy of the last evaluation (end of the last
 * epoch; a run shorter than an epoch is evaluated when it stops) and the verdict.
 */
export function demoTable(rows: readonly DemoRow[]): string {
  return formatTable(
    ["input", "activation", "first loss", "test loss", "test accuracy", "verdict"],
    rows.map(({ preprocess, activation, record }) => {
      const f = record.final;
      const learned = !f.diverged && f.testAccuracy > 0.5;
      return [
        PIXELS[preprocess],
        activation,
        fmt(record.lossCurve[0]?.loss),
        fmt(f.testLoss),
        formatPercent(f.testAccuracy),
        f.diverged ? `diverged at step ${f.divergedAtStep}` : learned ? "learns" : "does not learn",
      ];
    }),
  );
}

const fmt = (x: number | null | undefined): string => formatFixed(x ?? Number.NaN, 3);
