/**
 * The durable input log in PostgreSQL. A batch goes in as one transaction, by one of three methods
 * (the benchmark chose the default, see docs/storage.md):
 *
 * - "copy" (default): optimistic. One COPY straight into the partitioned table, which is one
 *   statement, hence one transaction, and PostgreSQL's fastest path (buffered multi-row inserts per
 *   partition). Retransmissions are rare, so this nearly always succeeds and every reading is
 *   "stored"; if the batch holds a reading already stored, the unique index fails the whole COPY
 *   (nothing is kept) and the batch is retried the "stage" way.
 * - "stage": COPY into a per-connection temporary table, then `INSERT ... SELECT ... ON CONFLICT DO
 *   NOTHING RETURNING` the keys that went in, in one transaction.
 * - "unnest": one `INSERT ... SELECT FROM unnest($1::bigint[], ...) ON CONFLICT DO NOTHING
 *   RETURNING` statement.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { checkDedupKey } from "../dedup-key.js";
import { READING_COLUMNS, readingFromRow, readingParams, type Row } from "../rows.js";
import type { AppendOutcome, ReadingRecord, ReadingStore } from "../ports.js";
import { binaryCopyChunks } from "./copy-binary.js";
import type { Partitions } from "./partitions.js";
import type { PgDb } from "./pg-db.js";
import { isStoreError } from "../store-error.js";

export type AppendMethod = "copy" | "stage" | "unnest";

const COLUMNS = READING_COLUMNS.join(", ");
const SELECT = `SELECT ${COLUMNS} FROM readings`;
const STAGE = "readings_stage";
const COLUMN_TYPES = [
  "bigint", "text", "text", "bigint", "bigint", "float8", "float8", "float8", "float8", "boolean", "float8",
  "text", "boolean", "float8", "text", "text", "text", "bytea", "text", "bytea",
] as const; // prettier-ignore
const UNNEST_INSERT = `INSERT INTO readings (${COLUMNS})
  SELECT * FROM unnest(${COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(", ")})
  ON CONFLICT (device_id, at_ms, dedup_key) DO NOTHING RETURNING encode(dedup_key, 'hex') AS k`;
const STAGE_INSERT = `INSERT INTO readings (${COLUMNS}) SELECT ${COLUMNS} FROM ${STAGE}
  ON CONFLICT (device_id, at_ms, dedup_key) DO NOTHING RETURNING encode(dedup_key, 'hex') AS k`;
const WHAT = {
  seal: "seal IS NOT NULL",
  fix: "lon IS NOT NULL AND lat IS NOT NULL AND valid IS NOT FALSE",
} as const;
const bindBool = (v: boolean): boolean => v;
/** Looks a batch up by its unique index, to settle an append whose outcome was lost. */
const OUTCOME_LOOKUP = `SELECT r.seq, encode(r.dedup_key, 'hex') AS k FROM readings r
  JOIN unnest($1::text[], $2::bigint[], $3::text[]) AS u (device_id, at_ms, k)
    ON r.device_id = u.device_id AND r.at_ms = u.at_ms AND r.dedup_key = decode(u.k, 'hex')`;
/** Tries of that lookup while the database comes back (100 ms, doubling: about 6 s in all). */
const OUTCOME_CHECKS = 6;

export class PgReadings implements ReadingStore {
  /** Connections that already have their staging table (temporary tables live per connection). */
  private readonly staged = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly db: PgDb,
    private readonly partitions: Partitions,
    readonly method: AppendMethod = "copy",
  ) {}

  async append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]> {
    if (batch.length === 0) return [];
    // The first occurrence of a key in the batch is the candidate; later ones are duplicates.
    const first = new Map<string, number>();
    const unique: ReadingRecord[] = [];
    batch.forEach((r, i) => {
      if (first.has(r.dedupKey)) return;
      first.set(r.dedupKey, i);
      unique.push(r);
    });
    for (const r of unique) checkDedupKey(r);
    await this.partitions.ensureFor(
      unique.map((r) => r.atMs),
      Date.now(),
    );
    let stored: Set<string> | "all";
    try {
      if (this.method === "copy" && (await this.appendByCopy(unique))) stored = "all";
      else
        stored = new Set(
          this.method === "unnest" ? await this.appendByUnnest(unique) : await this.appendByStage(unique),
        );
    } catch (error) {
      // The connection went away: the batch may or may not have been committed (a lost COMMIT
      // confirmation). Ask the database rather than report a durable batch as failed.
      if (!isStoreError(error, "STORE_UNAVAILABLE")) throw error;
      const found = await this.committedOf(unique);
      if (found === undefined) throw error;
      stored = found;
    }
    return batch.map((r, i) =>
      first.get(r.dedupKey) === i && (stored === "all" || stored.has(r.dedupKey)) ? "stored" : "duplicate",
    );
  }

  /** COPY straight into readings; false (nothing stored) when a reading of the batch is already there. */
  private async appendByCopy(batch: readonly ReadingRecord[]): Promise<boolean> {
    const client = await this.db.connect();
    try {
      await pipeline(
        Readable.from(binaryCopyChunks(batch)),
        client.query(copyFrom(`COPY readings (${COLUMNS}) FROM STDIN WITH (FORMAT binary)`)),
      );
      client.release();
      return true;
    } catch (error) {
      const duplicate = (error as { code?: unknown }).code === "23505";
      client.release(duplicate ? undefined : (error as Error));
      if (duplicate) return false;
      throw this.db.toStoreError(error);
    }
  }

  private appendByStage(batch: readonly ReadingRecord[]): Promise<string[]> {
    return this.db.transaction(
      async (client) => {
        await pipeline(
          Readable.from(binaryCopyChunks(batch)),
          client.query(copyFrom(`COPY ${STAGE} (${COLUMNS}) FROM STDIN WITH (FORMAT binary)`)),
        );
        const result = await client.query<{ k: string }>(this.db.named(STAGE_INSERT));
        return result.rows.map((r) => r.k);
      },
      async (client) => {
        if (this.staged.has(client)) return;
        await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (LIKE readings) ON COMMIT DELETE ROWS`);
        this.staged.add(client);
      },
    );
  }

  private async appendByUnnest(batch: readonly ReadingRecord[]): Promise<string[]> {
    const rows = batch.map((r) => readingParams(r, bindBool));
    const columns = COLUMN_TYPES.map((_, j) => rows.map((row) => row[j]));
    const result = await this.db.query<{ k: string }>(UNNEST_INSERT, columns);
    return result.rows.map((r) => r.k);
  }

  /**
   * After a batch's outcome was lost: the dedup keys of the batch stored under its own seqs (the
   * batch committed; keys stored under other seqs were duplicates), or undefined when it did not
   * commit or the database cannot tell yet (the caller reports the failure; a resend is then a
   * duplicate, which the engine host still applies).
   */
  private async committedOf(batch: readonly ReadingRecord[]): Promise<Set<string> | undefined> {
    for (let attempt = 0, pauseMs = 100; attempt < OUTCOME_CHECKS; attempt++, pauseMs *= 2) {
      let rows: { seq: number; k: string }[];
      try {
        ({ rows } = await this.db.query<{ seq: number; k: string }>(OUTCOME_LOOKUP, [
          batch.map((r) => r.deviceId),
          batch.map((r) => r.atMs),
          batch.map((r) => r.dedupKey),
        ]));
      } catch {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        continue;
      }
      const seqOf = new Map(rows.map((row) => [row.k, row.seq]));
      const ours = new Set(batch.filter((r) => seqOf.get(r.dedupKey) === r.seq).map((r) => r.dedupKey));
      // One transaction: either every reading of the batch is there, or it did not commit.
      if (batch.every((r) => seqOf.has(r.dedupKey))) return ours;
      return undefined;
    }
    return undefined;
  }

  async forDevice(deviceId: string, fromMs: number, toMs: number): Promise<ReadingRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE device_id = $1 AND at_ms >= $2 AND at_ms < $3 AND rejected IS NULL ORDER BY at_ms, seq`,
      [deviceId, fromMs, toMs],
    );
    return rows.map(readingFromRow);
  }

  latest(deviceId: string): Promise<ReadingRecord | undefined> {
    return this.one(
      `${SELECT} WHERE device_id = $1 AND rejected IS NULL ORDER BY at_ms DESC, seq DESC LIMIT 1`,
      [deviceId],
    );
  }

  async afterSeq(afterSeq: number, limit: number): Promise<ReadingRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE seq > $1 AND rejected IS NULL ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(readingFromRow);
  }

  async markRejected(seqs: readonly number[], reason: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.query("UPDATE readings SET rejected = $2 WHERE seq = ANY($1::bigint[])", [seqs, reason]);
  }

  async maxSeq(): Promise<number> {
    const { rows } = await this.db.query<{ m: number | null }>("SELECT max(seq) AS m FROM readings");
    return rows[0]?.m ?? 0;
  }

  latestBefore(deviceId: string, beforeMs: number, what: "seal" | "fix"): Promise<ReadingRecord | undefined> {
    return this.one(
      `${SELECT} WHERE device_id = $1 AND at_ms < $2 AND rejected IS NULL AND ${WHAT[what]}
       ORDER BY at_ms DESC, seq DESC LIMIT 1`,
      [deviceId, beforeMs],
    );
  }

  async lastReceivedAfterSeq(deviceId: string, afterSeq: number): Promise<number | undefined> {
    const { rows } = await this.db.query<{ m: number | null }>(
      `SELECT max(received_at_ms) AS m FROM readings
       WHERE device_id = $1 AND seq > $2 AND kind = 'message' AND rejected IS NULL`,
      [deviceId, afterSeq],
    );
    return rows[0]?.m ?? undefined;
  }

  private async one(sql: string, values: unknown[]): Promise<ReadingRecord | undefined> {
    const { rows } = await this.db.query<Row>(sql, values);
    return rows[0] === undefined ? undefined : readingFromRow(rows[0]);
  }
}
