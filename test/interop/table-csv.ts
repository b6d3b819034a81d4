import { writeFileSync } from "node:fs";

/** A CSV of `features` numeric columns and a `label` column of `classes` classes, from a fixed LCG (the values only need to be reproducible). */
export function writeTableCsv(file: string, rows: number, features: number, classes: number): void {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const lines = [[...Array.from({ length: features }, (_, j) => `f${j}`), "label"].join(",")];
  for (let i = 0; i < rows; i++) {
    const x = Array.from({ length: features }, (_, j) => (next() * 4 - 2 + j * 0.1).toFixed(4));
    lines.push([...x, String(i % classes)].join(","));
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
}
