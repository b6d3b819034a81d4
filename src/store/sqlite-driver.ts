import { createRequire } from "node:module";

/**
 * The part of better-sqlite3 (12.x) the run store uses, typed here because the package ships no
 * types. Loaded with `require` (it is a CommonJS native addon) once, on first use.
 */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}

/**
 * A transaction function: calling it runs BEGIN (deferred); `.immediate` runs BEGIN IMMEDIATE,
 * which takes the write lock first, so a writer never reads a snapshot that another writer
 * then invalidates (the SQLITE_BUSY that no busy timeout waits out).
 */
export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  close(): void;
  readonly open: boolean;
  readonly name: string;
}

export interface SqliteOpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  /** Milliseconds to wait for a lock held by another connection (busy timeout). */
  timeout?: number;
}

type DatabaseConstructor = new (file: string, options?: SqliteOpenOptions) => SqliteDatabase;

let ctor: DatabaseConstructor | null = null;

export function openSqlite(file: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  ctor ??= createRequire(import.meta.url)("better-sqlite3") as DatabaseConstructor;
  return new ctor(file, options);
}
