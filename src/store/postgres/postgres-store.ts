/**
 * The production store: PostgreSQL through a connection pool. Migrations run under an advisory lock
 * (several processes may start at once); readings are partitioned by event time (see Partitions) and
 * appended through COPY. When the database goes away every call fails with STORE_UNAVAILABLE, and the
 * pool reconnects on the next call once it is back.
 */
import pg from "pg";
import { COUNTED_TABLES, type AdminStore } from "../admin.js";
import type { MigrationStatus } from "../ports.js";
import { redactUrl } from "../redact.js";
import { StoreError } from "../store-error.js";
import { PG_MIGRATIONS } from "./migrations.js";
import { Partitions, type PartitionInfo, type PartitionPolicy } from "./partitions.js";
import { PgAccess, PgEngineState } from "./pg-access.js";
import { PgAlarms } from "./pg-alarms.js";
import { PgAudit } from "./pg-audit.js";
import { PgDb } from "./pg-db.js";
import { PgReadings, type AppendMethod } from "./pg-readings.js";
import { PgDevices, PgZones } from "./pg-registry.js";
import { PgFederation } from "./pg-federation.js";
import { PgOutbox, PgSubscriptions } from "./pg-outbox.js";
import { PgInspections } from "./pg-inspections.js";
import { PgNotify } from "./pg-notify.js";
import { PgCommands, PgTrips } from "./pg-trips.js";
import { Retention, type PartitionExport, type RetentionResult } from "./retention.js";
import { PgWriterLock } from "./writer-lock.js";

/** pg_advisory_lock key for migrations ("SWMIGR"). */
const MIGRATION_LOCK = 0x5357_4d49_4752;

export interface PostgresOpenOptions {
  /** Every transaction read-only (default_transaction_read_only): writes fail with STORE_READ_ONLY. */
  readonly readOnly?: boolean;
  /** Apply pending migrations at open (default: unless read-only). */
  readonly migrate?: boolean;
  /** Pool size (default 10). */
  readonly poolSize?: number;
  /** Give up connecting after this long (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Give up on a query after this long, client side (default 60000 ms). */
  readonly queryTimeoutMs?: number;
  readonly partitions?: Partial<PartitionPolicy>;
  /** How readings batches go in (default "copy"). */
  readonly appendMethod?: AppendMethod;
  /** Called with errors of idle pool connections (the pool replaces them). */
  readonly onPoolError?: (error: Error) => void;
  /** Told when the writer lock (see `claimWriter`) is lost, held again, or taken by another process. */
  readonly onWriterLock?: (event: "lost" | "regained" | "taken_over", detail: string) => void;
}

/** int8 as JS number (seqs and epoch milliseconds stay far below 2^53), numeric likewise. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === 20 || oid === 1700
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

export class PostgresStore implements AdminStore {
  readonly kind = "postgres";
  readonly readings: PgReadings;
  readonly devices: PgDevices;
  readonly zones: PgZones;
  readonly trips: PgTrips;
  readonly commands: PgCommands;
  readonly alarms: PgAlarms;
  readonly audit: PgAudit;
  readonly access: PgAccess;
  readonly engineState: PgEngineState;
  readonly federation: PgFederation;
  readonly outbox: PgOutbox;
  readonly subscriptions: PgSubscriptions;
  readonly inspections: PgInspections;
  readonly notify: PgNotify;
  readonly partitions: Partitions;
  private readonly retention: Retention;
  private closed = false;
  private writerLock: Promise<PgWriterLock> | undefined;

  private constructor(
    private readonly db: PgDb,
    private readonly readOnly: boolean,
    private readonly options: PostgresOpenOptions & { readonly url: string },
  ) {
    this.partitions = new Partitions(db, {
      aheadDays: options.partitions?.aheadDays ?? 7,
      pastDays: options.partitions?.pastDays ?? 3650,
    });
    this.readings = new PgReadings(db, this.partitions, options.appendMethod);
    this.devices = new PgDevices(db);
    this.zones = new PgZones(db);
    this.trips = new PgTrips(db);
    this.commands = new PgCommands(db);
    this.alarms = new PgAlarms(db);
    this.audit = new PgAudit(db);
    this.access = new PgAccess(db);
    this.engineState = new PgEngineState(db);
    this.federation = new PgFederation(db);
    this.outbox = new PgOutbox(db);
    this.subscriptions = new PgSubscriptions(db);
    this.inspections = new PgInspections(db);
    this.notify = new PgNotify(db);
    this.retention = new Retention(db, this.partitions);
  }

  /** `postgresql://user@host:port/database`, never the password. */
  get location(): string {
    return this.db.location;
  }

  /** The pool, for tests and tools. */
  get pool(): pg.Pool {
    return this.db.pool;
  }

  /** Connects (checking that the database answers), migrates unless read-only, creates partitions ahead. */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresStore> {
    const location = redactUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      query_timeout: options.queryTimeoutMs ?? 60_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: "sealwatch",
      types: TYPES,
      ...(options.readOnly === true ? { options: "-c default_transaction_read_only=on" } : {}),
    });
    // An idle connection that dies emits here; without a listener it would crash the process.
    pool.on("error", (error) => options.onPoolError?.(error));
    const store = new PostgresStore(new PgDb(pool, location), options.readOnly === true, { ...options, url });
    try {
      await store.db.query("SELECT 1");
      if (options.migrate ?? options.readOnly !== true) {
        await store.migrate();
      } else if ((await store.migrationStatus()).current === 0 && options.readOnly === true) {
        throw new StoreError("STORE_FOREIGN", `${location} has no Sealwatch schema (no applied migration)`);
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async migrate(): Promise<MigrationStatus> {
    const latest = PG_MIGRATIONS.length;
    const client = await this.db.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await client.query(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at_ms bigint NOT NULL)",
        );
        const { rows } = await client.query<{ v: number | null }>(
          "SELECT max(version) AS v FROM schema_migrations",
        );
        const current = rows[0]?.v ?? 0;
        if (current > latest) throw this.tooNew(current, latest);
        for (const migration of PG_MIGRATIONS.slice(current)) {
          await client.query("BEGIN");
          try {
            await client.query(migration.sql);
            await client.query(
              "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
              [migration.version, migration.name, Date.now()],
            );
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
        }
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
      client.release();
    } catch (error) {
      client.release(error as Error);
      throw this.db.toStoreError(error);
    }
    if (!this.readOnly) await this.partitions.ensureAhead(Date.now());
    return this.migrationStatus();
  }

  async migrationStatus(): Promise<MigrationStatus> {
    const { rows: tables } = await this.db.query(
      "SELECT 1 FROM pg_tables WHERE tablename = 'schema_migrations' AND schemaname = current_schema()",
    );
    const applied =
      tables.length === 0
        ? []
        : (
            await this.db.query<{ version: number; name: string; applied_at_ms: number }>(
              "SELECT version, name, applied_at_ms FROM schema_migrations ORDER BY version",
            )
          ).rows.map((m) => ({ version: m.version, name: m.name, appliedAtMs: m.applied_at_ms }));
    return { current: applied.at(-1)?.version ?? 0, latest: PG_MIGRATIONS.length, applied };
  }

  async counts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      const { rows } = await this.db.query<{ present: boolean }>(
        "SELECT to_regclass($1) IS NOT NULL AS present",
        [table],
      );
      if (rows[0]?.present !== true) continue;
      const result = await this.db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${table}`);
      counts[table] = result.rows[0]?.n ?? 0;
    }
    return counts;
  }

  /** The day partitions of readings, oldest first (the default partition is not listed). */
  listPartitions(): Promise<PartitionInfo[]> {
    return this.partitions.list();
  }

  /** Exports one partition to `<dir>/<name>.ndjson.gz` (+ manifest) and records the export. */
  exportPartition(name: string, dir: string): Promise<PartitionExport> {
    return this.retention.exportPartition(name, dir);
  }

  /** Drops a partition; refuses with STORE_NOT_EXPORTED unless an export holds all its rows. */
  dropPartition(name: string): Promise<void> {
    return this.retention.dropPartition(name);
  }

  /** Exports then drops the partitions older than `olderThanDays` (see Retention). */
  applyRetention(options: {
    olderThanDays: number;
    exportDir: string;
    nowMs?: number;
  }): Promise<RetentionResult> {
    return this.retention.run(options);
  }

  /**
   * Makes this process the database's one single-node writer (see writer-lock.ts): a session-level
   * advisory lock held on a connection of its own until `close`. Rejects with STORE_LOCKED, naming
   * the database, while another process holds it. Calling it again returns the same claim.
   */
  async claimWriter(): Promise<void> {
    if (this.readOnly)
      throw new StoreError("STORE_READ_ONLY", `${this.location} is open read-only; it cannot be the writer`);
    this.writerLock ??= PgWriterLock.claim(
      this.options.url,
      this.location,
      (error) => {
        this.db.fenced = error;
      },
      {
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5000,
        ...(this.options.onWriterLock === undefined ? {} : { onEvent: this.options.onWriterLock }),
      },
    );
    try {
      await this.writerLock;
    } catch (error) {
      this.writerLock = undefined;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.pool.end();
    // The lock goes last: nothing this process still had in flight is written without it.
    await (await this.writerLock?.catch(() => undefined))?.release();
  }

  private tooNew(current: number, latest: number): StoreError {
    return new StoreError(
      "STORE_SCHEMA_TOO_NEW",
      `${this.location} has schema version ${current}, newer than this Sealwatch knows (${latest}); upgrade Sealwatch`,
    );
  }
}
