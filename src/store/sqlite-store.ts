import { UserError } from "../errors.js";
import type { Finding, ProbeSnapshot } from "../probe/types.js";
import type { TrainConfig } from "../train/config.js";
import type { EpochRecord, RunRecord } from "../train/record.js";
import { BUSY_TIMEOUT_MS, isBusy, retryBusy } from "./busy.js";
import type {
  RunClaim,
  RunFilter,
  RunPut,
  RunStatus,
  RunStore,
  RunSummary,
  StoredRun,
  SweepEntry,
  SweepListing,
} from "./run-store.js";
import { prepareDatabase } from "./schema.js";
import { openSqlite, type SqliteDatabase, type SqliteTransaction } from "./sqlite-driver.js";

type Row = Record<string, unknown>;

/** JSON with NaN and infinities as null, so every stored document parses back. */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isFinite(x) ? null : x));
}

function fromJson<T>(v: unknown): T {
  return (typeof v === "string" ? JSON.parse(v) : null) as T;
}

const SUMMARY_COLUMNS =
  "r.id, r.status, r.error, r.config, r.final, r.meta, r.worker, r.failed_attempts, r.stored_at";

/**
 * The run store in one SQLite file (WAL mode). Each finished run is written in one transaction,
 * so a process killed at any moment leaves every completed run readable and no partial one.
 * Several processes may read while one writes, and several may write: every write is one
 * BEGIN IMMEDIATE transaction (it takes the write lock before reading, so it never has to
 * give up a stale snapshot), waits up to the busy timeout for the lock and is tried again while
 * the store stays busy (src/store/busy.ts).
 */
export class SqliteRunStore implements RunStore {
  private readonly db: SqliteDatabase;
  private readonly putTx: SqliteTransaction<[RunPut], boolean>;
  private readonly putSweepTx: SqliteTransaction<[Parameters<RunStore["putSweep"]>[0]], void>;
  private readonly claimTx: SqliteTransaction<[string, string, number, string], RunClaim>;

  constructor(
    readonly location: string,
    options: { readonly?: boolean } = {},
  ) {
    const readonly = options.readonly ?? false;
    let db: SqliteDatabase | null = null;
    try {
      db = openSqlite(location, { readonly, fileMustExist: readonly, timeout: BUSY_TIMEOUT_MS });
      prepareDatabase(db, readonly);
    } catch (e) {
      db?.close();
      throw storeOpenError(location, e);
    }
    this.db = db;
    this.putTx = this.db.transaction((run: RunPut) => this.putRunInTx(run));
    this.putSweepTx = this.db.transaction((s: Parameters<RunStore["putSweep"]>[0]) => this.putSweepInTx(s));
    this.claimTx = this.db.transaction((id: string, holder: string, ttlMs: number, since: string) =>
      this.claimInTx(id, holder, ttlMs, since),
    );
  }

  putRun(run: RunPut): boolean {
    return retryBusy(() => this.putTx.immediate(run));
  }

  claimRun(id: string, holder: string, ttlMs: number, since: string): RunClaim {
    return retryBusy(() => this.claimTx.immediate(id, holder, ttlMs, since));
  }

  private claimInTx(id: string, holder: string, ttlMs: number, since: string): RunClaim {
    const row = this.db.prepare("SELECT status, stored_at FROM runs WHERE id = ?").get(id);
    if (row && (row.status !== "failed" || String(row.stored_at) >= since)) return "stored";
    const now = Date.now();
    const lease = this.db.prepare("SELECT holder, expires_at FROM run_leases WHERE run_id = ?").get(id);
    if (lease && lease.holder !== holder && Number(lease.expires_at) > now) return "taken";
    this.db
      .prepare(
        `INSERT INTO run_leases (run_id, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      )
      .run(id, holder, now + ttlMs);
    return "claimed";
  }

  renewClaims(holder: string, ttlMs: number): void {
    retryBusy(() =>
      this.db
        .prepare("UPDATE run_leases SET expires_at = ? WHERE holder = ?")
        .run(Date.now() + ttlMs, holder),
    );
  }

  releaseClaims(holder: string): void {
    retryBusy(() => this.db.prepare("DELETE FROM run_leases WHERE holder = ?").run(holder));
  }

  private putRunInTx(run: RunPut): boolean {
    const now = new Date().toISOString();
    const existing = this.db.prepare("SELECT status, failed_attempts FROM runs WHERE id = ?").get(run.id);
    this.db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(run.id);
    if (run.sweep) this.addMember(run.sweep, run.id, now);
    if (existing && existing.status !== "failed") return false;
    const priorFailures = existing ? Number(existing.failed_attempts) : 0;
    if (existing) this.db.prepare("DELETE FROM runs WHERE id = ?").run(run.id);
    const rec = run.status === "failed" ? null : (run.record ?? null);
    const f = rec?.final ?? null;
    this.db
      .prepare(
        `INSERT INTO runs (id, status, error, config, meta, final, loss_curve, test_accuracy, test_loss, train_loss,
           steps, diverged_at_step, train_seconds, total_seconds, samples_per_second, worker, failed_attempts, stored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.status,
        run.error ?? null,
        toJson(run.config),
        rec ? toJson(rec.meta) : null,
        f ? toJson(f) : null,
        rec ? toJson(rec.lossCurve) : null,
        f?.testAccuracy ?? null,
        f?.testLoss ?? null,
        f?.trainLoss ?? null,
        f?.steps ?? null,
        f?.divergedAtStep ?? null,
        f?.trainSeconds ?? null,
        f?.totalSeconds ?? null,
        f?.samplesPerSecond ?? null,
        run.worker ?? null,
        priorFailures + (run.status === "failed" ? 1 : 0),
        now,
      );
    if (rec) this.insertChildren(run.id, rec);
    return true;
  }

  private insertChildren(id: string, rec: RunRecord): void {
    const ep = this.db.prepare(
      "INSERT INTO epochs (run_id, epoch, train_loss, test_loss, test_accuracy, seconds, test_r2) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    for (const e of rec.epochs)
      ep.run(
        id,
        e.epoch,
        num(e.trainLoss),
        num(e.testLoss),
        num(e.testAccuracy),
        num(e.seconds),
        e.testR2 === undefined ? null : num(e.testR2),
      );
    const pr = this.db.prepare("INSERT INTO probes (run_id, seq, step, snapshot) VALUES (?, ?, ?, ?)");
    rec.probes.forEach((p, i) => {
      const step = p && typeof p === "object" && "step" in p ? Number((p as { step: unknown }).step) : null;
      pr.run(id, i, Number.isFinite(step) ? step : null, toJson(p));
    });
    const ve = this.db.prepare("INSERT INTO verdicts (run_id, seq, verdict) VALUES (?, ?, ?)");
    rec.findings.forEach((v, i) => {
      ve.run(id, i, toJson(v));
    });
  }

  private addMember(sweep: string, id: string, now: string): void {
    this.db
      .prepare(
        "INSERT OR IGNORE INTO sweeps (name, spec, source, created_at, updated_at) VALUES (?, 'null', NULL, ?, ?)",
      )
      .run(sweep, now, now);
    this.db
      .prepare(
        `INSERT OR IGNORE INTO sweep_runs (sweep, run_id, position, axes)
         VALUES (?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM sweep_runs WHERE sweep = ?), '{}')`,
      )
      .run(sweep, id, sweep);
  }

  getRun(id: string): StoredRun | null {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS}, r.loss_curve FROM runs r WHERE r.id = ?`).get(id);
    if (!row) return null;
    const summary = toSummary(row);
    const sweeps = this.db
      .prepare("SELECT sweep FROM sweep_runs WHERE run_id = ? ORDER BY sweep")
      .all(id)
      .map((r) => String(r.sweep));
    if (summary.status === "failed" || !summary.final || !summary.meta)
      return { ...summary, record: null, sweeps };
    const epochs: EpochRecord[] = this.db
      .prepare("SELECT * FROM epochs WHERE run_id = ? ORDER BY epoch")
      .all(id)
      .map((e) => ({
        epoch: Number(e.epoch),
        trainLoss: e.train_loss as number | null,
        testLoss: e.test_loss as number | null,
        testAccuracy: Number(e.test_accuracy ?? Number.NaN),
        seconds: Number(e.seconds ?? Number.NaN),
        // schema 2; a regression run's R^2 (classification runs have none)
        ...(e.test_r2 !== undefined && e.test_r2 !== null ? { testR2: Number(e.test_r2) } : {}),
      }));
    const probes = this.db
      .prepare("SELECT snapshot FROM probes WHERE run_id = ? ORDER BY seq")
      .all(id)
      .map((p) => fromJson<ProbeSnapshot>(p.snapshot));
    const findings = this.db
      .prepare("SELECT verdict FROM verdicts WHERE run_id = ? ORDER BY seq")
      .all(id)
      .map((v) => fromJson<Finding>(v.verdict));
    const record: RunRecord = {
      config: summary.config,
      meta: summary.meta,
      epochs,
      lossCurve: fromJson(row.loss_curve) ?? [],
      final: summary.final,
      probes,
      findings,
    };
    return { ...summary, record, sweeps };
  }

  listRuns(filter: RunFilter = {}): RunSummary[] {
    const q = runQuery(filter);
    if (!q) return [];
    const order = filter.newestFirst
      ? "r.stored_at DESC, r.id"
      : filter.sweep !== undefined
        ? "s.position"
        : "r.stored_at, r.id";
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : "";
    const offset =
      filter.offset !== undefined && filter.offset > 0
        ? `${limit === "" ? " LIMIT -1" : ""} OFFSET ${Math.floor(filter.offset)}`
        : "";
    return this.db
      .prepare(`SELECT ${q.cols} FROM ${q.from}${q.where} ORDER BY ${order}${limit}${offset}`)
      .all(...q.params)
      .map(toSummary);
  }

  countRuns(filter: RunFilter = {}): number {
    const q = runQuery(filter);
    if (!q) return 0;
    const row = this.db.prepare(`SELECT COUNT(*) AS n FROM ${q.from}${q.where}`).get(...q.params);
    return Number(row?.n ?? 0);
  }

  hasRun(id: string): boolean {
    return this.db.prepare("SELECT 1 FROM runs WHERE id = ? AND status != 'failed'").get(id) !== undefined;
  }

  findIds(prefix: string, limit = 10): string[] {
    const p = prefix.toLowerCase().replace(/[^0-9a-f]/g, "");
    if (p === "") return [];
    return this.db
      .prepare("SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT ?")
      .all(p, `${p}g`, limit)
      .map((r) => String(r.id));
  }

  putSweep(s: Parameters<RunStore["putSweep"]>[0]): void {
    retryBusy(() => this.putSweepTx.immediate(s));
  }

  private putSweepInTx(s: Parameters<RunStore["putSweep"]>[0]): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO sweeps (name, spec, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, source = excluded.source, updated_at = excluded.updated_at`,
      )
      .run(s.name, toJson(s.spec), s.source, now, now);
    this.db.prepare("DELETE FROM sweep_runs WHERE sweep = ?").run(s.name);
    const ins = this.db.prepare(
      "INSERT OR IGNORE INTO sweep_runs (sweep, run_id, position, axes) VALUES (?, ?, ?, ?)",
    );
    s.runs.forEach((r, i) => {
      ins.run(s.name, r.id, i, toJson(r.axes));
    });
  }

  getSweep(name: string): SweepEntry | null {
    const row = this.db.prepare("SELECT * FROM sweeps WHERE name = ?").get(name);
    if (!row) return null;
    const runs = this.db
      .prepare("SELECT run_id, axes FROM sweep_runs WHERE sweep = ? ORDER BY position")
      .all(name)
      .map((r) => ({ id: String(r.run_id), axes: fromJson<Record<string, unknown>>(r.axes) ?? {} }));
    return {
      name,
      spec: fromJson(row.spec),
      source: (row.source as string | null) ?? null,
      createdAt: String(row.created_at),
      updatedAt: String(row.updated_at),
      runs,
    };
  }

  listSweeps(): SweepListing[] {
    return this.db
      .prepare(
        `SELECT w.name, w.updated_at, COUNT(s.run_id) AS planned,
           SUM(r.status = 'ok') AS ok, SUM(r.status = 'diverged') AS diverged, SUM(r.status = 'failed') AS failed
         FROM sweeps w LEFT JOIN sweep_runs s ON s.sweep = w.name LEFT JOIN runs r ON r.id = s.run_id
         GROUP BY w.name ORDER BY w.updated_at DESC, w.name`,
      )
      .all()
      .map((r) => ({
        name: String(r.name),
        planned: Number(r.planned ?? 0),
        ok: Number(r.ok ?? 0),
        diverged: Number(r.diverged ?? 0),
        failed: Number(r.failed ?? 0),
        updatedAt: String(r.updated_at),
      }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opening failed: a file that is not SQLite, a folder or device in its place, no permission, a
 * full or read-only disk. Those become a UserError naming the file and SQLite's reason (exit 2);
 * a UserError from the schema check passes as it is.
 */
function storeOpenError(location: string, e: unknown): unknown {
  if (e instanceof UserError || isBusy(e)) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && (code.startsWith("SQLITE_") || code.startsWith("E")))
    return new UserError(`${location}: cannot open the run store: ${(e as Error).message} (${code})`);
  return e;
}

/** The FROM and WHERE of a run filter (null: matches nothing). */
function runQuery(
  filter: RunFilter,
): { cols: string; from: string; where: string; params: unknown[] } | null {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = "runs r";
  let cols = SUMMARY_COLUMNS;
  if (filter.sweep !== undefined) {
    from = "sweep_runs s JOIN runs r ON r.id = s.run_id";
    where.push("s.sweep = ?");
    params.push(filter.sweep);
    cols += ", s.axes";
  }
  if (filter.status !== undefined) {
    const list = typeof filter.status === "string" ? [filter.status] : [...filter.status];
    where.push(`r.status IN (${list.map(() => "?").join(", ")})`);
    params.push(...list);
  }
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return null;
    where.push(`r.id IN (${filter.ids.map(() => "?").join(", ")})`);
    params.push(...filter.ids);
  }
  return { cols, from, where: where.length ? ` WHERE ${where.join(" AND ")}` : "", params };
}

function num(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function toSummary(row: Row): RunSummary {
  const s: RunSummary = {
    id: String(row.id),
    status: row.status as RunStatus,
    error: (row.error as string | null) ?? null,
    config: fromJson<TrainConfig>(row.config),
    final: fromJson(row.final),
    meta: fromJson(row.meta),
    worker: (row.worker as string | null) ?? null,
    failedAttempts: Number(row.failed_attempts ?? 0),
    storedAt: String(row.stored_at),
  };
  if (row.axes !== undefined) s.axes = fromJson<Record<string, unknown>>(row.axes) ?? {};
  return s;
}
