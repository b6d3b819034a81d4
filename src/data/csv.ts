import { readFileSync } from "node:fs";
import { DataError } from "../errors.js";
import { Rng } from "../tensor/rng.js";
import type { RawSplit } from "./types.js";

/**
 * Splits CSV text into rows of fields (RFC 4180: fields may be quoted with ", a quote inside a
 * quoted field is written ""; commas and newlines inside quotes belong to the field). Returns each
 * row with the 1-based line number where it starts.
 */
export function parseCsvRows(text: string, file: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let field = "";
  let fields: string[] = [];
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === "")) rows.push({ fields, line: rowLine });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === "") {
      inQuotes = true;
      field = "";
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else field += ch;
    i++;
  }
  if (inQuotes) throw new DataError(file, `line ${rowLine}`, "unterminated quoted field");
  if (field !== "" || fields.length > 0) endRow();
  return rows;
}

export interface CsvTable {
  x: Float32Array;
  y: Int32Array;
  n: number;
  featureNames: string[];
  classNames: string[];
}

/**
 * A CSV file with a header row: every column but the target is a numeric feature; the target's
 * distinct values (numbers or strings) become classes, in sorted order (numerically when all are numbers).
 */
export function readCsvTable(file: string, target?: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new DataError(file, "open", (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message);
  }
  const rows = parseCsvRows(text, file);
  if (rows.length === 0) throw new DataError(file, "line 1", "empty file: expected a header row");
  const header = rows[0].fields.map((h) => h.trim());
  if (rows.length === 1) throw new DataError(file, "line 2", "no data rows after the header");
  const ti = target === undefined ? header.length - 1 : header.indexOf(target);
  if (ti < 0) throw new DataError(file, "header", `unknown target column "${target}"; columns: ${header.join(", ")}`);
  if (header.length < 2) throw new DataError(file, "header", "need at least one feature column and a target column");
  const featureNames = header.filter((_, j) => j !== ti);
  const n = rows.length - 1;
  const d = featureNames.length;
  const x = new Float32Array(n * d);
  const labels: string[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { fields, line } = rows[r];
    if (fields.length !== header.length) {
      throw new DataError(file, `line ${line}`, `${fields.length} fields, the header has ${header.length}`);
    }
    let k = 0;
    for (let j = 0; j < fields.length; j++) {
      if (j === ti) {
        labels.push(fields[j].trim());
        continue;
      }
      const cell = fields[j].trim();
      const v = Number(cell);
      if (cell === "" || !Number.isFinite(v)) {
        throw new DataError(file, `line ${line}, column "${header[j]}"`, `not a number: "${fields[j]}"`);
      }
      x[(r - 1) * d + k++] = v;
    }
  }
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((v) => v !== "" && Number.isFinite(Number(v)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(distinct.map((v, i) => [v, i]));
  const y = Int32Array.from(labels, (v) => index.get(v)!);
  return { x, y, n, featureNames, classNames: distinct };
}

/** A deterministic 80/20 train/test split of a table, shuffled with Rng.derive(seed, "csv-split"). */
export function splitTable(t: CsvTable, seed: number): { train: RawSplit; test: RawSplit } {
  const order = Rng.derive(seed, "csv-split").permutation(t.n);
  const nTest = t.n >= 5 ? Math.round(t.n * 0.2) : 0;
  const d = t.featureNames.length;
  const take = (idx: Int32Array): RawSplit => {
    const x = new Float32Array(idx.length * d);
    const y = new Int32Array(idx.length);
    idx.forEach((src, i) => {
      x.set(t.x.subarray(src * d, src * d + d), i * d);
      y[i] = t.y[src];
    });
    return { x, y, n: idx.length };
  };
  return { train: take(order.subarray(nTest)), test: take(order.subarray(0, nTest)) };
}
