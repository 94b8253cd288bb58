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

/** Appends on another thread (see writer-worker.ts), when the store has one: the rows' column values. */
export interface RemoteAppender {
  append(rows: unknown[][]): Promise<AppendOutcome[]>;
}

/** The column values of a batch, ready to be inserted here or on the writer thread. */
export function readingRows(batch: readonly ReadingRecord[]): unknown[][] {
  return batch.map((r) => readingParams(r, bindBool));
}

/** Inserts rows (see `readingRows`) in one transaction; one outcome per row, in order. */
export function insertReadingRows(s: SqliteDb, rows: readonly unknown[][]): Promise<AppendOutcome[]> {
  return s.write(() => {
    const insert = s.stmt(INSERT);
    return rows.map((row): AppendOutcome => (insert.run(row).changes === 1 ? "stored" : "duplicate"));
  });
}

export class SqliteReadings implements ReadingStore {
  /** Set by the store when a writer worker appends for this connection. */
  remote: RemoteAppender | undefined;

  constructor(private readonly s: SqliteDb) {}

  async append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]> {
    if (batch.length === 0) return [];
    const rows = readingRows(batch);
    if (this.remote !== undefined && this.s.readOnlyReason === undefined)
      return this.remote.append(compact(rows));
    return insertReadingRows(this.s, rows);
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

/**
 * Rows with their byte values copied into buffers of their own: a Buffer is often a view into a
 * larger pool (Node's 8 KiB allocation pool, a socket's receive chunk), and posting a view to the
 * writer thread would copy the whole underlying buffer.
 */
function compact(rows: unknown[][]): unknown[][] {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value instanceof Uint8Array && value.byteLength !== value.buffer.byteLength)
        row[i] = new Uint8Array(value);
    }
  }
  return rows;
}
