/** The durable input log in SQLite: one table keyed by seq, deduplicated by a unique dedup_key. */
import { READING_COLUMNS, readingFromRow, readingParams, type Row } from "../rows.js";
import type { AppendOutcome, ReadingRecord, ReadingStore } from "../ports.js";
import type { SqliteDb } from "./sqlite-db.js";

const COLUMNS = READING_COLUMNS.join(", ");
const INSERT = `INSERT INTO readings (${COLUMNS}) VALUES (${READING_COLUMNS.map(() => "?").join(", ")})
  ON CONFLICT (device_id, at_ms, dedup_key) DO NOTHING`;
const bindBool = (v: boolean): number => (v ? 1 : 0);
const WHAT = {
  seal: "seal IS NOT NULL",
  fix: "lon IS NOT NULL AND lat IS NOT NULL AND valid IS NOT 0",
} as const;

/**
 * Part of a batch as posted to the writer thread: the rows' column values, with each reading's raw
 * frame replaced by its length and all frames copied, in order, into one buffer that is transferred
 * (not cloned), and the dedup key as hex text. Thousands of small byte arrays would each be cloned.
 */
export interface PackedRows {
  readonly rows: unknown[][];
  readonly raw: ArrayBuffer;
}

/** Appends on another thread (see writer-worker.ts), when the store has one. */
export interface RemoteAppender {
  append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]>;
}

/**
 * Readings a part holds when a batch crosses to the writer thread: the thread inserts one part while
 * this thread packs the next, in one transaction.
 */
export const PART_READINGS = 250;

const RAW = READING_COLUMNS.indexOf("raw");
const DEDUP_KEY = READING_COLUMNS.indexOf("dedup_key");

/** The column values of a batch, ready to be inserted on this thread. */
export function readingRows(batch: readonly ReadingRecord[]): unknown[][] {
  return batch.map((r) => readingParams(r, bindBool));
}

/** The column values of a batch, packed for the writer thread. */
export function packRows(batch: readonly ReadingRecord[]): PackedRows {
  let size = 0;
  for (const r of batch) size += r.raw.byteLength;
  const raw = new Uint8Array(size);
  let offset = 0;
  const rows = batch.map((r) => {
    raw.set(r.raw, offset);
    offset += r.raw.byteLength;
    return readingParams(r, bindBool, true);
  });
  return { rows, raw: raw.buffer };
}

/** The rows of a packed batch, as `readingRows` would have made them. */
export function unpackRows(packed: PackedRows): unknown[][] {
  let offset = 0;
  for (const row of packed.rows) {
    const length = row[RAW] as number;
    row[RAW] = Buffer.from(packed.raw, offset, length);
    offset += length;
    row[DEDUP_KEY] = Buffer.from(row[DEDUP_KEY] as string, "hex");
  }
  return packed.rows;
}

/** Inserts rows (see `readingRows`) in one transaction; one outcome per row, in order. */
export function insertReadingRows(s: SqliteDb, rows: readonly unknown[][]): Promise<AppendOutcome[]> {
  return s.write(() => insertRowsNow(s, rows, []));
}

/** Inserts rows in the transaction already open, adding their outcomes to `outcomes`. */
export function insertRowsNow(
  s: SqliteDb,
  rows: readonly unknown[][],
  outcomes: AppendOutcome[],
): AppendOutcome[] {
  const insert = s.stmt(INSERT);
  for (const row of rows) outcomes.push(insert.run(row).changes === 1 ? "stored" : "duplicate");
  return outcomes;
}

export class SqliteReadings implements ReadingStore {
  /** Set by the store when a writer worker appends for this connection. */
  remote: RemoteAppender | undefined;

  constructor(private readonly s: SqliteDb) {}

  async append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]> {
    if (batch.length === 0) return [];
    if (this.remote !== undefined && this.s.readOnlyReason === undefined) return this.remote.append(batch);
    return insertReadingRows(this.s, readingRows(batch));
  }

  forDevice(deviceId: string, fromMs: number, toMs: number): Promise<ReadingRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${COLUMNS} FROM readings WHERE device_id = ? AND at_ms >= ? AND at_ms < ? AND rejected IS NULL
             ORDER BY at_ms, seq`,
          )
          .all(deviceId, fromMs, toMs) as Row[]
      ).map(readingFromRow),
    );
  }

  latest(deviceId: string): Promise<ReadingRecord | undefined> {
    return this.one(
      `SELECT ${COLUMNS} FROM readings WHERE device_id = ? AND rejected IS NULL ORDER BY at_ms DESC, seq DESC LIMIT 1`,
      deviceId,
    );
  }

  afterSeq(afterSeq: number, limit: number): Promise<ReadingRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(`SELECT ${COLUMNS} FROM readings WHERE seq > ? AND rejected IS NULL ORDER BY seq LIMIT ?`)
          .all(afterSeq, limit) as Row[]
      ).map(readingFromRow),
    );
  }

  markRejected(seqs: readonly number[], reason: string): Promise<void> {
    return this.s.write(() => {
      const update = this.s.stmt("UPDATE readings SET rejected = ? WHERE seq = ?");
      for (const seq of seqs) update.run(reason, seq);
    });
  }

  maxSeq(): Promise<number> {
    return this.s.read(
      () => (this.s.stmt("SELECT max(seq) AS m FROM readings").get() as { m: number | null }).m ?? 0,
    );
  }

  latestBefore(deviceId: string, beforeMs: number, what: "seal" | "fix"): Promise<ReadingRecord | undefined> {
    return this.one(
      `SELECT ${COLUMNS} FROM readings WHERE device_id = ? AND at_ms < ? AND rejected IS NULL AND ${WHAT[what]}
       ORDER BY at_ms DESC, seq DESC LIMIT 1`,
      deviceId,
      beforeMs,
    );
  }

  lastReceivedAfterSeq(deviceId: string, afterSeq: number): Promise<number | undefined> {
    return this.s.read(() => {
      const row = this.s
        .stmt(
          `SELECT max(received_at_ms) AS m FROM readings
           WHERE device_id = ? AND seq > ? AND kind = 'message' AND rejected IS NULL`,
        )
        .get(deviceId, afterSeq) as { m: number | null };
      return row.m ?? undefined;
    });
  }

  private one(sql: string, ...params: unknown[]): Promise<ReadingRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(sql).get(...params) as Row | undefined;
      return row === undefined ? undefined : readingFromRow(row);
    });
  }
}
