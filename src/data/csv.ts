import { DataError } from "../errors.js";

/** One record of a CSV file: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses comma-separated text in the manner of RFC 4180: records end at LF, CRLF or CR; a field
 * that starts with `"` is quoted and may hold commas, quotes doubled as `""` and line breaks;
 * after its closing quote only a comma or the end of the record may follow. A `"` inside an
 * unquoted field is kept as a character. A UTF-8 byte order mark is dropped, and lines with no
 * characters at all are skipped (a line with spaces is a record of one field). Fields are not
 * trimmed. Errors name the file and the line.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const c0 = text[i];
    if (c0 === "\n" || c0 === "\r") {
      i += c0 === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      continue; // an empty line
    }
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        const open = line;
        i++;
        for (;;) {
          if (i >= n) throw new DataError(file, `line ${open}`, "unterminated quoted field");
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          field += c;
          i++;
        }
        const after = text[i];
        if (i < n && after !== "," && after !== "\n" && after !== "\r") {
          throw new DataError(
            file,
            `line ${line}`,
            `unexpected ${JSON.stringify(after)} after a closing quote`,
          );
        }
      } else {
        let j = i;
        while (j < n && text[j] !== "," && text[j] !== "\n" && text[j] !== "\r") j++;
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i < n && text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    records.push({ line: start, fields });
    if (i < n) {
      i += text[i] === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    }
  }
  return records;
}

/** The longest cell text quoted whole in an error message. */
const SHOWN_CHARS = 60;

/**
 * A cell's text for an error message: JSON-quoted, and cut after SHOWN_CHARS characters with
 * its length, so that a 50 MB field does not make a 50 MB message.
 */
export function showCell(s: string): string {
  if (s.length <= SHOWN_CHARS) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, SHOWN_CHARS))}... (${s.length} characters)`;
}

/** Text as it is when short, else cut like `showCell`. */
export function shortText(s: string): string {
  return s.length <= SHOWN_CHARS ? s : showCell(s);
}

/**
 * A decimal number cell: optional sign, digits with an optional point, optional exponent,
 * surrounding spaces allowed. Unlike `Number()`, "" / "0x1f" / "Infinity" / "1_000" are refused.
 */
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;

/** The value of a numeric cell, or null if the cell is not a decimal number. */
export function parseNumberCell(s: string): number | null {
  return NUMBER.test(s) ? Number(s) : null;
}

export function isIntegerCell(s: string): boolean {
  return INTEGER.test(s);
}
