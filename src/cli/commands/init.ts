import { Command } from "commander";
import { UserError } from "../../errors.js";
import { type InitDescription, type Initializer, listInitializers, parseInit } from "../../init/index.js";
import { GAIN_ACTIVATIONS, type GainReport, gainReport } from "../../nn/gain-report.js";
import { MEMORY_LIMIT_HELP, machineMemoryLimit } from "../../sweep/machine-memory.js";
import { formatTable } from "../../sweep/text-table.js";
import { Rng } from "../../tensor/rng.js";
import { checkBytes } from "../../train/resources.js";
import { type CliIO, printJson } from "../io.js";
import { MATRIX_FORMATS, writeMatrixFile } from "../matrix-file.js";
import { parseInteger, parseSizes } from "../parse.js";

export function initCommand(io: CliIO): Command {
  const cmd = new Command("init").description("initializers: list, describe a spec, sample a weight matrix");

  cmd
    .command("list")
    .description("every initializer with its arguments, formula and reference")
    .option("--json", "print one JSON document")
    .action((opts) => {
      const list = listInitializers();
      if (opts.json) return printJson(io, list);
      for (const i of list) {
        const args = i.args
          .map((a) => (a.default === null || a.default === undefined ? a.name : `${a.name}=${a.default}`))
          .join(", ");
        io.stdout(
          `${i.name}${args ? `(${args})` : ""}${i.aliases.length ? `  [${i.aliases.join(", ")}]` : ""}\n`,
        );
        io.stdout(`    ${i.formula}\n`);
        if (i.reference) io.stdout(`    ${i.reference}\n`);
      }
    });

  cmd
    .command("describe")
    .description('the exact distribution a spec draws from, e.g. "kaiming_uniform(a=0.2, mode=fan_out)"')
    .argument("<spec>", "initializer spec")
    .option("--fan-in <n>", "fan-in (inputs of the layer)", parseInteger("--fan-in", 1))
    .option(
      "--fan-out <n>",
      "fan-out (outputs of the layer); needed only by initializers that use it",
      parseInteger("--fan-out", 1),
    )
    .option("--json", "print one JSON document")
    .action((spec: string, opts) => {
      const init = parseInit(spec); // a bad spec is reported before a missing fan
      if (opts.fanIn === undefined) throw new UserError(`init describe ${init.spec}: --fan-in is required`);
      const fanOut: number | null = opts.fanOut ?? null;
      if (fanOut === null && usesFanOut(init, opts.fanIn)) {
        throw new UserError(
          `init describe ${init.spec}: --fan-out is required (this initializer uses fan_out)`,
        );
      }
      // an initializer that ignores fan_out is described with fan_out = fan_in (any value gives the same)
      const d = init.describe(opts.fanIn, fanOut ?? opts.fanIn);
      const doc = {
        spec: init.spec,
        distribution: d.distribution,
        mean: d.mean,
        std: d.std,
        bound: boundOf(d),
        support: finiteSupport(d),
      };
      if (opts.json) return printJson(io, doc);
      io.stdout(`${init.spec} with fan_in=${opts.fanIn}${fanOut === null ? "" : `, fan_out=${fanOut}`}\n`);
      io.stdout(
        `  distribution: ${d.distribution}\n  mean: ${d.mean}\n  std: ${d.std}\n  variance: ${d.std * d.std}\n`,
      );
      if (doc.bound !== null) io.stdout(`  bound: ${doc.bound}\n`);
      if (d.distribution === "truncated_normal" && doc.support)
        io.stdout(`  truncated to [${doc.support[0]}, ${doc.support[1]}]\n`);
    });

  cmd
    .command("sample")
    .description(
      "draw a weight matrix [out, in] (fan_in = in): its statistics, and the matrix itself with --out",
    )
    .argument("<spec>", "initializer spec")
    .requiredOption(
      "--shape <out,in>",
      "matrix shape OUT,IN like a PyTorch Linear weight",
      parseSizes("--shape"),
    )
    .option("--seed <n>", "random seed", parseInteger("--seed", 0), 0)
    .option(
      "--out <file>",
      'also write the matrix: FILE.npy (NumPy float64), FILE.csv (one row per line) or FILE.safetensors (an F64 tensor "weight")',
    )
    .option("--json", "print one JSON document")
    .option("--memory-limit <size>", MEMORY_LIMIT_HELP)
    .action((spec: string, opts) => {
      const shape: number[] = opts.shape;
      if (shape.length !== 2)
        throw new UserError(`--shape: expected OUT,IN (two sizes), got ${shape.join(",")}`);
      const [rows, cols] = shape;
      // checked before allocating (src/train/resources.ts): 8 bytes per float64 entry
      checkBytes(
        `the matrix ${rows} x ${cols} (float64)`,
        8 * rows * cols,
        machineMemoryLimit(opts.memoryLimit),
      );
      const init = parseInit(spec);
      if (opts.out !== undefined && !MATRIX_FORMATS.some((e) => opts.out.toLowerCase().endsWith(e))) {
        throw new UserError(`--out ${opts.out}: unknown extension; valid: ${MATRIX_FORMATS.join(", ")}`);
      }
      const w = new Float64Array(rows * cols);
      init.fill(w, { rows, cols, fanIn: cols, fanOut: rows }, Rng.derive(opts.seed, "init"));
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const x of w) {
        sum += x;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      const mean = sum / w.length;
      let sq = 0;
      for (const x of w) sq += (x - mean) * (x - mean);
      const std = w.length > 1 ? Math.sqrt(sq / (w.length - 1)) : 0;
      const d = init.describe(cols, rows);
      if (opts.out !== undefined) writeMatrixFile(opts.out, w, rows, cols);
      const doc = {
        spec: init.spec,
        shape: [rows, cols],
        seed: opts.seed,
        count: w.length,
        sample: { mean, std, min, max },
        exact: {
          distribution: d.distribution,
          mean: d.mean,
          std: d.std,
          bound: boundOf(d),
          support: finiteSupport(d),
        },
        // kept at the top level too, as before
        mean,
        std,
        min,
        max,
        out: opts.out ?? null,
      };
      if (opts.json) return printJson(io, doc);
      io.stdout(`${init.spec}, shape [${rows}, ${cols}], seed ${opts.seed}\n`);
      io.stdout(`  sample mean ${mean.toPrecision(6)} (exact ${d.mean})\n`);
      io.stdout(`  sample std  ${std.toPrecision(6)} (exact ${d.std.toPrecision(6)})\n`);
      io.stdout(
        `  min ${min.toPrecision(6)}, max ${max.toPrecision(6)}${doc.exact.bound !== null ? ` (bound ${doc.exact.bound.toPrecision(6)})` : ""}\n`,
      );
      if (opts.out !== undefined) io.stdout(`  wrote the ${rows} x ${cols} matrix to ${opts.out}\n`);
    });
  return cmd;
}

export function gainCommand(io: CliIO): Command {
  return new Command("gain")
    .description(
      "the gain of a nonlinearity: PyTorch's table value, the computed fixed-point value, the small-signal value",
    )
    .argument(
      "[nonlinearity]",
      `one of ${GAIN_ACTIVATIONS.join(", ")} (or PyTorch's conv names); all when omitted`,
    )
    .argument("[param]", "the activation's parameter: leaky_relu/prelu slope (0.01 / 0.25), elu alpha (1)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nfixed point: g = sqrt(1 / E[phi(z)^2]), z ~ N(0, 1): Var(W) = g^2 / fan_in keeps E[z^2] = 1 in every layer\n" +
        "(stable / marginal / unstable: the slope of the length map there). small signal: 1 / sqrt(E[phi'(z)^2]) as\n" +
        "Var(z) -> 0. gain: what kaiming_*(nonlinearity=NAME) uses: PyTorch's value where PyTorch has the name,\n" +
        "else the fixed-point value; kaiming_*(nonlinearity=NAME, gain=auto) always uses the fixed-point value.\n",
    )
    .action((name: string | undefined, param: string | undefined, opts) => {
      const p = param === undefined ? undefined : Number(param);
      if (param !== undefined && !Number.isFinite(p)) {
        throw new UserError(`gain: the parameter must be a number, got "${param}"`);
      }
      if (name === undefined) {
        const all = GAIN_ACTIVATIONS.map((n) => gainReport(n));
        if (opts.json) return printJson(io, { gains: all });
        io.stdout(gainTable(all));
        return;
      }
      const r = gainReport(name, p);
      if (opts.json) return printJson(io, r);
      io.stdout(gainTable([r]));
      if (r.torchConvention) io.stdout(`PyTorch's value: ${r.torchConvention}\n`);
      io.stdout(`${r.definition}\n`);
    });
}

function gainTable(rows: GainReport[]): string {
  const head = [
    "activation",
    "gain",
    "PyTorch",
    "fixed point",
    "stability",
    "chi_1",
    "E[phi]",
    "small signal",
  ];
  const cells = rows.map((r) => [
    r.param === null ? r.name : `${r.name}(${r.param})`,
    r.gain.toFixed(4),
    r.torch === null ? "-" : r.torch.toFixed(4),
    r.fixedPoint.gain.toFixed(4),
    `${r.fixedPoint.stability} (L' ${r.fixedPoint.lengthMapSlope.toFixed(3)})`,
    r.fixedPoint.chi1.toFixed(3),
    (Math.abs(r.fixedPoint.activationMean) < 5e-4 ? 0 : r.fixedPoint.activationMean).toFixed(3),
    r.smallSignal.toFixed(4),
  ]);
  return formatTable(head, cells);
}

/** Whether an initializer's distribution depends on fan_out (compared at two values of it: exact). */
function usesFanOut(init: Initializer, fanIn: number): boolean {
  const a = init.describe(fanIn, fanIn);
  const b = init.describe(fanIn, fanIn + 1);
  return a.std !== b.std || a.mean !== b.mean || a.bound !== b.bound || a.distribution !== b.distribution;
}

/** The support's end points when finite (a truncated normal's truncation points), else null. */
function finiteSupport(d: InitDescription): [number, number] | null {
  const s = d.support;
  return s && Number.isFinite(s[0]) && Number.isFinite(s[1]) ? [s[0], s[1]] : null;
}

/** The half-width of U(a, b), or of a truncated normal's truncation interval (its truncation point
 *  when symmetric about 0, as Keras' +-2 sigma); null for every other family. */
function boundOf(d: InitDescription): number | null {
  if (d.bound !== null) return d.bound;
  const s = finiteSupport(d);
  return d.distribution === "truncated_normal" && s ? (s[1] - s[0]) / 2 : null;
}
