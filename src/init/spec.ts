/**
 * The syntax of initializer spec strings, in both directions (the registry gives them meaning):
 *
 *   spec  := name [ "(" [ arg { "," arg } ] ")" ]
 *   arg   := [ key "=" ] value            positional args come first, in declared order
 *   value := number | "sqrt(" number ")" | "-sqrt(" number ")" | word | true | false
 *   number: 1, -0.5, .25, 1e-3, 2.5E+2        word: [A-Za-z_][A-Za-z0-9_]*
 *
 * Names, keys and words are case-insensitive (lower-cased here); whitespace is free.
 */
import { UserError } from "../errors.js";
import type { ArgValue } from "./types.js";

export interface RawArg {
  key: string | null;
  value: ArgValue;
  /** The value as written, for error messages. */
  text: string;
}

export interface RawSpec {
  name: string;
  args: RawArg[];
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const SPACE = /\s*/y;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  skip(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  match(re: RegExp): string | null {
    this.skip();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos = re.lastIndex;
    return m[0];
  }

  eat(ch: string): boolean {
    this.skip();
    if (this.text[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  peekWordThen(ch: string): boolean {
    const save = this.pos;
    const ok = this.match(WORD) !== null && this.eat(ch);
    this.pos = save;
    return ok;
  }

  fail(expected: string): never {
    this.skip();
    const found = this.pos < this.text.length ? `"${this.text.slice(this.pos, this.pos + 12)}"` : "the end";
    throw new UserError(
      `invalid initializer spec "${this.text}": expected ${expected} at position ${this.pos}, found ${found}`,
    );
  }
}

/** Parses the syntax of a spec; throws UserError naming the position of a syntax error. */
export function parseSpecSyntax(text: string): RawSpec {
  const c: Cursor = new Cursor(text);
  const name = c.match(WORD);
  if (name === null) c.fail("an initializer name");
  const args: RawArg[] = [];
  if (c.eat("(") && !c.eat(")")) {
    do args.push(parseArg(c));
    while (c.eat(","));
    if (!c.eat(")")) c.fail('"," or ")"');
  }
  c.skip();
  if (c.pos < text.length) c.fail("the end of the spec");
  return { name: name.toLowerCase(), args };
}

function parseArg(c: Cursor): RawArg {
  let key: string | null = null;
  if (c.peekWordThen("=")) {
    key = (c.match(WORD) as string).toLowerCase();
    c.eat("=");
  }
  c.skip();
  const start = c.pos;
  const value = parseValue(c);
  return { key, value, text: c.text.slice(start, c.pos) };
}

function parseValue(c: Cursor): ArgValue {
  c.skip();
  const start = c.pos;
  const negSqrt = c.eat("-");
  const word = c.match(WORD);
  if (word !== null) {
    const w = word.toLowerCase();
    if (w === "sqrt" && c.eat("(")) {
      const x = parseNumber(c);
      if (!c.eat(")")) c.fail('")"');
      if (x < 0) c.fail("a number >= 0 inside sqrt()");
      return negSqrt ? -Math.sqrt(x) : Math.sqrt(x);
    }
    if (negSqrt) c.fail('a number or "sqrt(" after "-"');
    if (w === "true" || w === "false") return w === "true";
    return w;
  }
  c.pos = start;
  return parseNumber(c);
}

function parseNumber(c: Cursor): number {
  const s = c.match(NUMBER);
  if (s === null) c.fail("a value (a number, sqrt(number) or a word)");
  const x = Number(s);
  if (!Number.isFinite(x)) c.fail("a finite number");
  return x === 0 ? 0 : x; // no -0
}

/** Formats one value so that `parseSpecSyntax` reads it back exactly (shortest round-trip digits). */
export function formatValue(v: ArgValue): string {
  if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
  return String(v);
}

/** The canonical spec: `name` alone, or `name(k1=v1, k2=v2)` with every argument in declared order. */
export function formatSpec(name: string, args: Record<string, ArgValue>): string {
  const keys = Object.keys(args);
  if (keys.length === 0) return name;
  return `${name}(${keys.map((k) => `${k}=${formatValue(args[k])}`).join(", ")})`;
}
