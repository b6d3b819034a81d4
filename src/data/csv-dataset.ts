import { readFile } from "node:fs/promises";
import { DataError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import { type CsvRecord, isIntegerCell, parseCsv, parseNumberCell, shortText, showCell } from "./csv.js";

/**
 * The most classes a CSV label column may have. Classification outputs one unit per class, and a
 * label column with a distinct value in nearly every row is almost always the wrong column (an
 * id, a free-text field); 1000 is ImageNet's number of classes.
 */
export const MAX_CSV_CLASSES = 1000;

/** Largest finite float32: features are stored as Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

export interface CsvTable {
  featureNames: string[];
  classNames: string[];
  /** nRows x features, row-major, in file order. */
  x: Float32Array;
  y: Int32Array;
  nRows: number;
}

/**
 * A classification table from CSV records: the first record is the header (names must be
 * unique); `target` names the label column (default: the last). Every other column is a
 * numeric feature. Labels: if every target cell is an integer, the classes are the distinct
 * integer values in increasing order (names as `String(value)`); otherwise the distinct strings
 * in code-unit order. Class index = position in that sorted list. At least 2 classes.
 */
export function csvTable(records: CsvRecord[], file: string, target?: string): CsvTable {
  if (records.length === 0)
    throw new DataError(file, "line 1", "the file is empty; a header row is required");
  const header = records[0].fields;
  const seen = new Map<string, number>();
  header.forEach((name, k) => {
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new DataError(
        file,
        `line ${records[0].line}`,
        `column name ${showCell(name)} appears twice (columns ${prev + 1} and ${k + 1})`,
      );
    }
    seen.set(name, k);
  });
  if (header.length < 2) {
    throw new DataError(
      file,
      `line ${records[0].line}`,
      `the header has ${header.length} column; need features and a label column`,
    );
  }
  const t = target === undefined ? header.length - 1 : header.indexOf(target);
  if (t < 0) {
    const names = header.slice(0, 20).map(shortText).join(", ");
    const more = header.length > 20 ? `, ... (${header.length} columns)` : "";
    throw new DataError(
      file,
      "header",
      `no column ${showCell(target ?? "")} for --target; columns: ${names}${more}`,
    );
  }
  const rows = records.slice(1);
  if (rows.length === 0)
    throw new DataError(file, `line ${records[0].line + 1}`, "no data rows after the header");
  const featureCols = header.map((_, k) => k).filter((k) => k !== t);
  const dim = featureCols.length;
  const x = new Float32Array(rows.length * dim);
  const labels: string[] = [];
  rows.forEach((r, i) => {
    if (r.fields.length !== header.length) {
      throw new DataError(file, `line ${r.line}`, `${r.fields.length} fields, header has ${header.length}`);
    }
    for (let j = 0; j < dim; j++) {
      const cell = r.fields[featureCols[j]];
      const v = parseNumberCell(cell);
      const where = `line ${r.line}, column ${showCell(header[featureCols[j]])}`;
      if (v === null) throw new DataError(file, where, `${showCell(cell)} is not a number`);
      if (Math.abs(v) > FLOAT32_MAX)
        throw new DataError(file, where, `${shortText(cell.trim())} is outside the float32 range`);
      x[i * dim + j] = v;
    }
    const label = r.fields[t];
    if (label.trim() === "")
      throw new DataError(file, `line ${r.line}, column ${showCell(header[t])}`, "empty label");
    labels.push(label);
  });
  const { classNames, y } = classIndex(labels);
  if (classNames.length < 2) {
    throw new DataError(
      file,
      `column ${showCell(header[t])}`,
      `one class only (${shortText(classNames[0])}); need at least 2`,
    );
  }
  if (classNames.length > MAX_CSV_CLASSES) {
    throw new DataError(
      file,
      `column ${showCell(header[t])}`,
      `${classNames.length} distinct labels, over the limit of ${MAX_CSV_CLASSES} classes (is it the label column? choose one with --target NAME)`,
    );
  }
  return { featureNames: featureCols.map((k) => header[k]), classNames, x, y, nRows: rows.length };
}

function classIndex(labels: string[]): { classNames: string[]; y: Int32Array } {
  const y = new Int32Array(labels.length);
  if (labels.every(isIntegerCell)) {
    const values = labels.map(Number);
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    const index = new Map(distinct.map((v, k) => [v, k]));
    values.forEach((v, i) => {
      y[i] = index.get(v)!;
    });
    return { classNames: distinct.map(String), y };
  }
  const distinct = [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((v, k) => [v, k]));
  labels.forEach((v, i) => {
    y[i] = index.get(v)!;
  });
  return { classNames: distinct, y };
}

/**
 * The seeded 80/20 split: p = Rng.derive(seed, "csv-split").permutation(nRows); the test set is
 * the last ceil(nRows / 5) rows of p, the training set the first nRows - ceil(nRows / 5), each
 * in p's order. Needs at least 2 rows.
 */
export function splitTable(
  t: CsvTable,
  seed: number,
  file: string,
): { trainX: Float32Array; trainY: Int32Array; testX: Float32Array; testY: Int32Array } {
  if (t.nRows < 2)
    throw new DataError(file, "rows", `${t.nRows} data row; need at least 2 for a train/test split`);
  const dim = t.featureNames.length;
  const nTest = Math.ceil(t.nRows / 5);
  const nTrain = t.nRows - nTest;
  const p = Rng.derive(seed, "csv-split").permutation(t.nRows);
  const take = (from: number, to: number) => {
    const x = new Float32Array((to - from) * dim);
    const y = new Int32Array(to - from);
    for (let k = from; k < to; k++) {
      x.set(t.x.subarray(p[k] * dim, (p[k] + 1) * dim), (k - from) * dim);
      y[k - from] = t.y[p[k]];
    }
    return { x, y };
  };
  const train = take(0, nTrain);
  const test = take(nTrain, t.nRows);
  return { trainX: train.x, trainY: train.y, testX: test.x, testY: test.y };
}

/** Reads and parses a CSV file; a missing or empty file is a DataError naming it. */
export async function readCsvTable(file: string, target?: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new DataError(file, "file", "not found (csv:PATH needs a CSV file with a header row)");
    throw new DataError(file, "file", `cannot be read (${(e as Error).message})`);
  }
  return csvTable(parseCsv(text, file), file, target);
}
