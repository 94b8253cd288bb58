/**
 * The embedded store: one SQLite file (WAL, synchronous=FULL so that a commit survives a power cut,
 * foreign keys on), written by one process at a time (see LockFile), readable by others.
 */
import { accessSync, constants, mkdirSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Worker } from "node:worker_threads";
import { COUNTED_TABLES, type AdminStore } from "../admin.js";
import type { AppendOutcome, MigrationStatus, ReadingRecord } from "../ports.js";
import { StoreError, type StoreErrorCode } from "../store-error.js";
import { checkExistingFile } from "./file-check.js";
import { LockFile } from "./lock-file.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";
import type { SqliteAccess, SqliteEngineState } from "./sqlite-access.js";
import type { SqliteAlarms } from "./sqlite-alarms.js";
import type { SqliteAudit } from "./sqlite-audit.js";
import { SqliteDb, sqliteError } from "./sqlite-db.js";
import { packRows, PART_READINGS, type SqliteReadings } from "./sqlite-readings.js";
import type { SqliteDevices, SqliteZones } from "./sqlite-registry.js";
import type { SqliteCommands, SqliteTrips } from "./sqlite-trips.js";
import type { SqliteFederation } from "./sqlite-federation.js";
import type { SqliteOutbox, SqliteSubscriptions } from "./sqlite-outbox.js";
import type { SqliteInspections } from "./sqlite-inspections.js";
import type { SqliteNotify } from "./sqlite-notify.js";
import { forwardWrites, subStores, type SqliteSubStores, type WriteOp } from "./sub-stores.js";

export const DEFAULT_SQLITE_PATH = "./data/sealwatch.db";
/** Page cache per connection, KiB. */
export const CACHE_KIB = 65_536;
/**
 * The write-ahead log is copied back into the database by the writer thread (writer-worker.ts)
 * every `CHECKPOINT_INTERVAL_MS`; the writing connection checkpoints by itself only if the log
 * outgrows `WAL_CHECKPOINT_PAGES` (the worker falling behind).
 */
const WAL_CHECKPOINT_PAGES = 100_000;
const CHECKPOINT_INTERVAL_MS = 250;

export interface SqliteOpenOptions {
  /** Open for reading only: no lock, no migration; every write fails with STORE_READ_ONLY. */
  readonly readOnly?: boolean;
  /** Apply pending migrations at open (default: unless read-only). */
  readonly migrate?: boolean;
  /**
   * Append readings and checkpoint on a worker thread (default true): a commit's fsync then never
   * holds up the main thread. False keeps everything on one connection (some tests use it to
   * control that connection's limits).
   */
  readonly writerThread?: boolean;
}

export class SqliteStore implements AdminStore {
  readonly kind = "sqlite";
  readonly readings: SqliteReadings;
  readonly devices: SqliteDevices;
  readonly zones: SqliteZones;
  readonly trips: SqliteTrips;
  readonly commands: SqliteCommands;
  readonly alarms: SqliteAlarms;
  readonly audit: SqliteAudit;
  readonly access: SqliteAccess;
  readonly engineState: SqliteEngineState;
  readonly federation: SqliteFederation;
  readonly outbox: SqliteOutbox;
  readonly subscriptions: SqliteSubscriptions;
  readonly inspections: SqliteInspections;
  readonly notify: SqliteNotify;
  private closed = false;
  private readonly parts: SqliteSubStores;

  private constructor(
    private readonly s: SqliteDb,
    private readonly lock: LockFile | undefined,
  ) {
    this.parts = subStores(s);
    ({
      readings: this.readings,
      devices: this.devices,
      zones: this.zones,
      trips: this.trips,
      commands: this.commands,
      alarms: this.alarms,
      audit: this.audit,
      access: this.access,
      engineState: this.engineState,
      federation: this.federation,
      outbox: this.outbox,
      subscriptions: this.subscriptions,
      inspections: this.inspections,
      notify: this.notify,
    } = this.parts);
  }

  /** The absolute path of the database file. */
  get location(): string {
    return this.s.location;
  }

  /** The connection itself, for tests and tools (pragmas, direct SQL). Writes through it bypass the port. */
  get database(): Database.Database {
    return this.s.db;
  }

  /** Why writes are refused, when the store is read-only (opened so, or the file is write-protected). */
  get readOnlyReason(): string | undefined {
    return this.s.readOnlyReason;
  }

  /**
   * Opens (creating it and its folder if needed) the SQLite store at `path`. An existing file is
   * checked before anything is written: not SQLite, another application's, or damaged → StoreError.
   */
  static async open(
    path: string = DEFAULT_SQLITE_PATH,
    options: SqliteOpenOptions = {},
  ): Promise<SqliteStore> {
    const location = resolve(path);
    const existing = statOrUndefined(location);
    if (existing?.isDirectory() === true)
      throw new StoreError("STORE_FOREIGN", `${location} is a directory, not a SQLite database file`);
    if (existing === undefined && options.readOnly === true)
      throw new StoreError("STORE_UNAVAILABLE", `no database at ${location} (nothing to open read-only)`);
    if (existing !== undefined) checkExistingFile(location);
    let readOnlyReason = options.readOnly === true ? "opened read-only" : undefined;
    if (readOnlyReason === undefined && existing !== undefined && !isWritable(location, existing.mode))
      readOnlyReason = "the file is write-protected";
    if (existing === undefined) mkdirSync(dirname(location), { recursive: true });

    const lock = readOnlyReason === undefined ? LockFile.acquire(location) : undefined;
    let db: Database.Database | undefined;
    try {
      db = new Database(location, {
        readonly: readOnlyReason !== undefined,
        fileMustExist: readOnlyReason !== undefined,
      });
      db.pragma("busy_timeout = 5000");
      // A device's readings are spread over the index; 64 MiB of cache keeps its hot pages in memory.
      db.pragma(`cache_size = ${-CACHE_KIB}`);
      if (readOnlyReason === undefined) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = FULL");
        db.pragma("foreign_keys = ON");
        db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
        db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
      }
      const store = new SqliteStore(new SqliteDb(db, location, readOnlyReason), lock);
      if (readOnlyReason === undefined && options.writerThread !== false) store.startWriter(location);
      if (options.migrate ?? options.readOnly !== true) {
        try {
          await store.migrate();
        } catch (error) {
          await store.close();
          throw error;
        }
      }
      return store;
    } catch (error) {
      if (db?.open === true) db.close();
      lock?.release();
      throw sqliteError(error, location);
    }
  }

  async migrate(): Promise<MigrationStatus> {
    const latest = SQLITE_MIGRATIONS.length;
    const before = await this.migrationStatus();
    if (before.current > latest) throw this.tooNew(before.current, latest);
    if (before.current === latest) return before;
    await this.s.write(() => {
      this.s.db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL) STRICT",
      );
      // Read again inside the write transaction: the version is what counts under the lock.
      const current = this.currentVersion();
      const record = this.s.db.prepare(
        "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
      );
      for (const migration of SQLITE_MIGRATIONS.slice(current)) {
        this.s.db.exec(migration.sql);
        record.run(migration.version, migration.name, Date.now());
      }
    });
    return this.migrationStatus();
  }

  migrationStatus(): Promise<MigrationStatus> {
    return this.s.read(() => {
      const applied = this.hasTable("schema_migrations")
        ? (
            this.s.db
              .prepare("SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version")
              .all() as {
              version: number;
              name: string;
              applied_at_ms: number;
            }[]
          ).map((m) => ({ version: m.version, name: m.name, appliedAtMs: m.applied_at_ms }))
        : [];
      return { current: applied.at(-1)?.version ?? 0, latest: SQLITE_MIGRATIONS.length, applied };
    });
  }

  counts(): Promise<Record<string, number>> {
    return this.s.read(() => {
      const counts: Record<string, number> = {};
      for (const table of COUNTED_TABLES) {
        if (!this.hasTable(table)) continue;
        counts[table] = (this.s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      }
      return counts;
    });
  }

  /** SQLite's own consistency check of the whole file ("ok" or the problems it found). */
  checkIntegrity(): Promise<string[]> {
    return this.s.read(() =>
      (this.s.db.prepare("PRAGMA quick_check").all() as { quick_check: string }[]).map((r) => r.quick_check),
    );
  }

  private writer: Worker | undefined;
  private readonly waiting = new Map<
    number,
    { resolve: (result: unknown) => void; reject: (e: unknown) => void }
  >();
  private nextRequest = 1;
  /** Makes the write methods run on this thread's connection again. */
  private unforward: (() => void) | undefined;

  /**
   * Starts the writer worker: from now on every write of the store runs on its thread (see
   * sub-stores.ts), and the write-ahead log is checkpointed there.
   */
  private startWriter(location: string): void {
    const worker = new Worker(new URL("./writer-worker.js", import.meta.url), {
      workerData: { path: location, intervalMs: CHECKPOINT_INTERVAL_MS, cacheKib: CACHE_KIB },
    });
    worker.unref();
    worker.on("message", (message: unknown) => {
      if (typeof message !== "object" || message === null) return;
      const { id, result, error } = message as {
        id: number;
        result?: unknown;
        error?: { code: StoreErrorCode; message: string };
      };
      const waiter = this.waiting.get(id);
      if (waiter === undefined) return;
      this.waiting.delete(id);
      if (error !== undefined) waiter.reject(new StoreError(error.code, error.message));
      else waiter.resolve(result);
    });
    const fail = (reason: string): void => {
      // Without the worker, the connection of this thread writes again (and checkpoints itself).
      this.stopForwarding();
      for (const waiter of this.waiting.values()) {
        waiter.reject(
          new StoreError(
            "STORE_FAILED",
            `the SQLite writer thread stopped (${reason}); nothing of this write is known to be stored`,
          ),
        );
      }
      this.waiting.clear();
    };
    worker.on("error", (error) => fail(error.message));
    worker.on("exit", (code) => {
      if (this.writer === worker) fail(`exit code ${code}`);
    });
    this.writer = worker;
    const call = (op: WriteOp, args: readonly unknown[]): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = this.nextRequest++;
        this.waiting.set(id, { resolve, reject });
        worker.postMessage({ id, op, args });
      });
    // A batch goes in parts, all posted now (nothing else comes between them): the thread inserts
    // one part while this thread packs the next, and commits with the last.
    const append = (batch: readonly ReadingRecord[]): Promise<AppendOutcome[]> =>
      new Promise((resolve, reject) => {
        const id = this.nextRequest++;
        this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
        for (let start = 0; start < batch.length; start += PART_READINGS) {
          const packed = packRows(batch.slice(start, start + PART_READINGS));
          const part = { id, ...packed, first: start === 0, last: start + PART_READINGS >= batch.length };
          worker.postMessage(part, [packed.raw]);
        }
      });
    this.readings.remote = { append };
    this.unforward = forwardWrites(this.parts, call);
  }

  private stopForwarding(): void {
    this.writer = undefined;
    this.readings.remote = undefined;
    this.unforward?.();
    this.unforward = undefined;
  }

  /** The lock file taken at open already makes this process the only writer (see Store.claimWriter). */
  claimWriter(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.writer;
    this.stopForwarding();
    if (worker !== undefined) {
      // Appends still in flight finish first (the worker handles messages in order), then "stopped".
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        worker.on("message", (message) => {
          if (message === "stopped") done();
        });
        worker.once("exit", done);
        worker.once("error", done);
        worker.postMessage("stop");
        setTimeout(done, 10_000).unref();
      });
      await worker.terminate();
      for (const waiter of this.waiting.values()) {
        waiter.reject(
          new StoreError(
            "STORE_UNAVAILABLE",
            `${this.location} was closed; nothing of this batch is known to be stored`,
          ),
        );
      }
      this.waiting.clear();
    }
    try {
      this.s.db.close();
    } finally {
      this.lock?.release();
    }
  }

  private currentVersion(): number {
    return (
      (this.s.db.prepare("SELECT max(version) AS v FROM schema_migrations").get() as { v: number | null })
        .v ?? 0
    );
  }

  private hasTable(name: string): boolean {
    return (
      this.s.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
      undefined
    );
  }

  private tooNew(current: number, latest: number): StoreError {
    return new StoreError(
      "STORE_SCHEMA_TOO_NEW",
      `${this.location} has schema version ${current}, newer than this Sealwatch knows (${latest}); upgrade Sealwatch`,
    );
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StoreError("STORE_UNAVAILABLE", `${path}: ${(error as Error).message}`, error);
  }
}

/** Write permission as the file's mode says it (even for root, who could write anyway). */
function isWritable(path: string, mode: number): boolean {
  if ((mode & 0o222) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
