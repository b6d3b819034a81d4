import { UserError } from "../errors.js";
import { BUSY_TIMEOUT_MS, retryBusy } from "./busy.js";
import type { SqliteDatabase } from "./sqlite-driver.js";

/**
 * Bumped when the tables change; a store written by a newer initlab is refused, not misread, and
 * an older one is migrated when opened for writing (read-only, it is read as it is).
 * 1 -> 2: epochs.test_r2 (a regression run's test R^2 per epoch).
 */
export const STORE_SCHEMA_VERSION = 2;
/** The oldest schema this initlab still reads (and migrates when it writes). */
const OLDEST_READABLE = 1;

/**
 * The tables. JSON columns hold the exact objects of the run record; the scalar columns next to
 * them copy the numbers that lists and comparisons filter and sort on.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id                 TEXT PRIMARY KEY,  -- sha256 of the canonical resolved config (src/sweep/run-id.ts)
  status             TEXT NOT NULL CHECK (status IN ('ok', 'diverged', 'failed')),
  error              TEXT,              -- failed runs: the message
  config             TEXT NOT NULL,     -- resolved TrainConfig, JSON
  meta               TEXT,              -- RunRecord.meta, JSON (versions, backend, threads, startedAt)
  final              TEXT,              -- RunRecord.final, JSON
  loss_curve         TEXT,              -- RunRecord.lossCurve, JSON
  test_accuracy      REAL,
  test_loss          REAL,
  train_loss         REAL,
  steps              INTEGER,
  diverged_at_step   INTEGER,
  train_seconds      REAL,
  total_seconds      REAL,
  samples_per_second REAL,
  worker             TEXT,              -- host:pid/thread that computed it
  failed_attempts    INTEGER NOT NULL DEFAULT 0,
  stored_at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
CREATE INDEX IF NOT EXISTS runs_stored ON runs (stored_at);
CREATE TABLE IF NOT EXISTS epochs (
  run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  epoch         INTEGER NOT NULL,
  train_loss    REAL,
  test_loss     REAL,
  test_accuracy REAL,
  seconds       REAL,
  test_r2       REAL,                   -- regression runs only (schema 2)
  PRIMARY KEY (run_id, epoch)
);
CREATE TABLE IF NOT EXISTS probes (
  run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  step     INTEGER,
  snapshot TEXT NOT NULL,               -- one probe snapshot, JSON
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS verdicts (
  run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq     INTEGER NOT NULL,
  verdict TEXT NOT NULL,                -- one finding of the diagnosis rules, JSON
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS sweeps (
  name       TEXT PRIMARY KEY,
  spec       TEXT NOT NULL,             -- the validated sweep file, JSON
  source     TEXT,                      -- the file it came from
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweep_runs (
  sweep    TEXT NOT NULL REFERENCES sweeps (name) ON DELETE CASCADE,
  run_id   TEXT NOT NULL,               -- planned: the run may not be stored yet
  position INTEGER NOT NULL,
  axes     TEXT NOT NULL,               -- this run's grid values, JSON
  PRIMARY KEY (sweep, run_id)
);
CREATE INDEX IF NOT EXISTS sweep_runs_run ON sweep_runs (run_id);
CREATE TABLE IF NOT EXISTS run_leases (
  run_id     TEXT PRIMARY KEY,          -- a run some process is computing now (not stored yet)
  holder     TEXT NOT NULL,             -- host:pid:start of that process
  expires_at INTEGER NOT NULL           -- ms since 1970; renewed while the run is computed
);
`;

/** Sets the connection up (WAL, waits on locks, foreign keys) and creates or checks the tables. */
export function prepareDatabase(db: SqliteDatabase, readonly: boolean): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma("foreign_keys = ON");
  if (readonly) {
    checkVersion(db);
    return;
  }
  retryBusy(() => db.pragma("journal_mode = WAL"));
  // FULL: every committed run survives a power cut too, at one fsync per finished run.
  db.pragma("synchronous = FULL");
  const create = db.transaction(() => {
    db.exec(DDL);
    const row = db.prepare("SELECT value FROM store_meta WHERE key = 'schema'").get();
    if (!row)
      db.prepare("INSERT INTO store_meta (key, value) VALUES ('schema', ?)").run(
        String(STORE_SCHEMA_VERSION),
      );
    else if (Number(row.value) === 1) {
      db.exec("ALTER TABLE epochs ADD COLUMN test_r2 REAL");
      db.prepare("UPDATE store_meta SET value = ? WHERE key = 'schema'").run(String(STORE_SCHEMA_VERSION));
    }
  });
  retryBusy(() => create.immediate());
  checkVersion(db, STORE_SCHEMA_VERSION);
}

function checkVersion(db: SqliteDatabase, oldest = OLDEST_READABLE): void {
  let row: Record<string, unknown> | undefined;
  try {
    row = db.prepare("SELECT value FROM store_meta WHERE key = 'schema'").get();
  } catch (e) {
    throw new UserError(`${db.name}: not an initlab run store (${(e as Error).message})`);
  }
  const v = Number(row?.value ?? Number.NaN);
  if (!(Number.isInteger(v) && v >= oldest && v <= STORE_SCHEMA_VERSION)) {
    throw new UserError(
      `${db.name}: run store schema version ${row?.value ?? "missing"}; this initlab reads versions ${OLDEST_READABLE}-${STORE_SCHEMA_VERSION}`,
    );
  }
}
