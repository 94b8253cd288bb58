/**
 * Readings stored per second through each store port (issue 3), beside a raw baseline measured in
 * the same run on the same rows: for SQLite a bare prepared INSERT loop in one transaction (the rows
 * already turned into parameters), for PostgreSQL one bare COPY of all the rows (already encoded)
 * into the same partitioned table. The port is measured with realistic batches (each one a durable
 * commit) and through the ReadingWriter (one `write` per reading). Every figure is the best of a few
 * rounds, each on an empty table, because the machine is shared. The PostgreSQL part runs in a
 * throwaway database and is skipped, saying so, when there is no server.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { withDedupKey } from "../src/store/dedup-key.js";
import type { ReadingRecord, ReadingStore } from "../src/store/ports.js";
import { binaryCopyData } from "../src/store/postgres/copy-binary.js";
import { PostgresStore, type PostgresOpenOptions } from "../src/store/postgres/postgres-store.js";
import { DEFAULT_MAX_BATCH, ReadingWriter } from "../src/store/reading-writer.js";
import { READING_COLUMNS, readingParams } from "../src/store/rows.js";
import { CACHE_KIB, SqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { BenchResult } from "./result.js";
import { formatRate } from "./support/measure.js";
import { Rng } from "../src/sim/rng.js";

export interface StoreBenchOptions {
  /** Readings per measured run. */
  readonly readings: number;
  /** Readings per port append (a realistic group commit); the port is also measured at the writer's cap. */
  readonly batch: number;
  readonly devices: number;
  readonly seed: number;
  /** Rounds per figure (the best is kept). */
  readonly rounds: number;
  /** Maintenance database URL of the PostgreSQL server (a throwaway database is created beside it). */
  readonly postgresAdminUrl?: string;
}

const BASE_MS = Date.UTC(2025, 2, 1);

/** Seeded readings as a JT701 fleet sends them: a fix every minute per device, a 60–120 byte frame. */
export function benchReadings(options: { readings: number; devices: number; seed: number }): ReadingRecord[] {
  const rng = new Rng(options.seed);
  const position = Array.from({ length: options.devices }, () => [rng.between(5, 30), rng.between(35, 55)]);
  const records: ReadingRecord[] = [];
  for (let i = 0; i < options.readings; i++) {
    const device = i % options.devices;
    const step = Math.floor(i / options.devices);
    const p = position[device]!;
    p[0]! += rng.between(-0.01, 0.01);
    p[1]! += rng.between(-0.01, 0.01);
    const atMs = BASE_MS + step * 60_000 + device * 37;
    const raw = new Uint8Array(rng.int(60, 120));
    for (let b = 0; b < raw.length; b++) raw[b] = rng.int(0, 255);
    records.push(
      withDedupKey({
        seq: i + 1,
        deviceId: `jt701-${String(device).padStart(6, "0")}`,
        kind: "message",
        atMs,
        receivedAtMs: atMs + rng.int(200, 5000),
        lon: p[0]!,
        lat: p[1]!,
        speedKmh: rng.between(0, 90),
        courseDeg: rng.int(0, 359),
        valid: rng.chance(0.98),
        seal: rng.chance(0.999) ? "closed" : "open",
        tamper: false,
        batteryPct: rng.int(20, 100),
        protocol: "jt701",
        raw,
        vendor: {
          vendor: "jointech",
          message: "binary-long",
          fields: { eventSource: rng.int(0, 9), mileageKm: rng.int(0, 1e6) },
        },
      }),
    );
  }
  return records;
}

/** Best time over `rounds`, each after `reset` (not timed). */
async function bestOf(
  rounds: number,
  reset: () => Promise<void>,
  body: () => Promise<void>,
): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    await reset();
    const start = performance.now();
    await body();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

async function appendInBatches(
  store: ReadingStore,
  rows: readonly ReadingRecord[],
  batch: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) await store.append(rows.slice(i, i + batch));
}

/** One `write` per reading through a writer with its default settings; returns the commits it made. */
async function throughWriter(store: ReadingStore, rows: readonly ReadingRecord[]): Promise<number> {
  const writer = new ReadingWriter(store);
  await Promise.all(rows.map((r) => writer.write(r)));
  await writer.close();
  return writer.stats.batches;
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(0)}%`;

async function sqlitePart(
  rows: readonly ReadingRecord[],
  o: StoreBenchOptions,
  lines: string[],
  figures: Record<string, number>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-store-bench-"));
  let n = 0;
  let store: SqliteStore | undefined;
  const fresh = async (): Promise<void> => {
    await store?.close();
    store = await SqliteStore.open(join(dir, `bench-${++n}.db`));
  };
  try {
    const params = rows.map((r) => readingParams(r, (v) => (v ? 1 : 0)));
    const insertSql = `INSERT INTO readings (${READING_COLUMNS.join(", ")}) VALUES (${READING_COLUMNS.map(() => "?").join(", ")})`;
    const rawMs = await bestOf(o.rounds, fresh, () => {
      // The same file, schema and pragmas as the port's, through a connection of its own.
      const path = store!.location;
      const raw = new Database(path);
      raw.pragma("synchronous = FULL");
      raw.pragma(`cache_size = ${-CACHE_KIB}`);
      const insert = raw.prepare(insertSql);
      raw.transaction(() => {
        for (const p of params) insert.run(p);
      })();
      raw.close();
      return Promise.resolve();
    });
    const portMs = await bestOf(o.rounds, fresh, () => appendInBatches(store!.readings, rows, o.batch));
    const bigMs = await bestOf(o.rounds, fresh, () =>
      appendInBatches(store!.readings, rows, DEFAULT_MAX_BATCH),
    );
    const singleMs = await bestOf(o.rounds, fresh, async () => void (await store!.readings.append(rows)));
    let commits = 0;
    const writerMs = await bestOf(
      o.rounds,
      fresh,
      async () => void (commits = await throughWriter(store!.readings, rows)),
    );

    const rate = (ms: number): number => rows.length / (ms / 1000);
    Object.assign(figures, {
      sqliteRawPerS: rate(rawMs),
      sqlitePortPerS: rate(portMs),
      sqlitePortOverRaw: rawMs / portMs,
      sqlitePortBigBatchPerS: rate(bigMs),
      sqlitePortBigBatchOverRaw: rawMs / bigMs,
      sqlitePortOneTransactionPerS: rate(singleMs),
      sqlitePortOneTransactionOverRaw: rawMs / singleMs,
      sqliteWriterPerS: rate(writerMs),
      sqliteWriterOverRaw: rawMs / writerMs,
    });
    lines.push(`SQLite raw baseline (prepared INSERT loop, one transaction): ${formatRate(rate(rawMs))}`);
    lines.push(
      `SQLite port, ${o.batch}-reading batches (a durable commit each): ${formatRate(rate(portMs))} = ${pct(rawMs / portMs)} of raw`,
    );
    lines.push(
      `SQLite port, ${DEFAULT_MAX_BATCH}-reading batches: ${formatRate(rate(bigMs))} = ${pct(rawMs / bigMs)} of raw`,
    );
    lines.push(
      `SQLite port, all readings in one append (one commit, like raw): ${formatRate(rate(singleMs))} = ${pct(rawMs / singleMs)} of raw`,
    );
    lines.push(
      `SQLite through ReadingWriter (${commits} group commits): ${formatRate(rate(writerMs))} = ${pct(rawMs / writerMs)} of raw`,
    );
  } finally {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresPart(
  rows: readonly ReadingRecord[],
  o: StoreBenchOptions,
  lines: string[],
  figures: Record<string, number>,
): Promise<void> {
  const adminUrl = o.postgresAdminUrl ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    lines.push(
      `PostgreSQL part skipped: no server at ${new URL(adminUrl).host} (${(error as Error).message})`,
    );
    return;
  }
  const name = `sealwatch_bench_${process.pid}_${randomBytes(3).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const stores: PostgresStore[] = [];
  const open = async (options: PostgresOpenOptions = {}): Promise<PostgresStore> => {
    const store = await PostgresStore.open(url.toString(), options);
    stores.push(store);
    return store;
  };
  try {
    const store = await open();
    // The partitions the rows need exist before anything is timed.
    await store.partitions.ensureFor(
      rows.map((r) => r.atMs),
      Date.now(),
    );
    const empty = async (): Promise<void> => {
      await store.pool.query("TRUNCATE readings");
      await store.pool.query("CHECKPOINT");
    };
    const bareCopy = async (data: Buffer): Promise<void> => {
      const client = await store.pool.connect();
      try {
        await pipeline(
          Readable.from([data]),
          client.query(
            copyFrom(`COPY readings (${READING_COLUMNS.join(", ")}) FROM STDIN WITH (FORMAT binary)`),
          ),
        );
      } finally {
        client.release();
      }
    };
    const encoded = await binaryCopyData(rows);
    const rawMs = await bestOf(o.rounds, empty, () => bareCopy(encoded));
    const batchesEncoded: Buffer[] = [];
    for (let i = 0; i < rows.length; i += o.batch)
      batchesEncoded.push(await binaryCopyData(rows.slice(i, i + o.batch)));
    const rawBatchesMs = await bestOf(o.rounds, empty, async () => {
      for (const data of batchesEncoded) await bareCopy(data);
    });
    const methods: Record<string, number> = {};
    for (const method of ["copy", "stage", "unnest"] as const) {
      const port = method === "copy" ? store : await open({ appendMethod: method });
      methods[method] = await bestOf(o.rounds, empty, () => appendInBatches(port.readings, rows, o.batch));
    }
    // The optimistic COPY's worst case: every batch carries one retransmitted reading.
    const retransmitting: ReadingRecord[][] = [];
    for (let i = 0; i < rows.length; i += o.batch)
      retransmitting.push(i === 0 ? rows.slice(0, o.batch) : [rows[i - 1]!, ...rows.slice(i, i + o.batch)]);
    const retransmitMs = await bestOf(o.rounds, empty, async () => {
      for (const b of retransmitting) await store.readings.append(b);
    });
    let commits = 0;
    const writerMs = await bestOf(
      o.rounds,
      empty,
      async () => void (commits = await throughWriter(store.readings, rows)),
    );
    const bigBatch = DEFAULT_MAX_BATCH;
    const bigMs = await bestOf(o.rounds, empty, () => appendInBatches(store.readings, rows, bigBatch));
    const copyMs = methods.copy!;

    const rate = (ms: number): number => rows.length / (ms / 1000);
    Object.assign(figures, {
      postgresRawCopyPerS: rate(rawMs),
      postgresRawCopyBatchesPerS: rate(rawBatchesMs),
      postgresPortPerS: rate(copyMs),
      postgresPortOverRaw: rawMs / copyMs,
      postgresPortStagePerS: rate(methods.stage!),
      postgresPortUnnestPerS: rate(methods.unnest!),
      postgresPortRetransmitPerS: rate(retransmitMs),
      postgresPortBigBatchPerS: rate(bigMs),
      postgresPortBigBatchOverRaw: rawMs / bigMs,
      postgresWriterPerS: rate(writerMs),
      postgresWriterOverRaw: rawMs / writerMs,
    });
    lines.push(
      `PostgreSQL raw baseline (one bare binary COPY of all rows, pre-encoded): ${formatRate(rate(rawMs))}`,
    );
    lines.push(
      `PostgreSQL bare COPY per ${o.batch}-row batch (pre-encoded, a commit each): ${formatRate(rate(rawBatchesMs))} = ${pct(rawMs / rawBatchesMs)} of raw`,
    );
    lines.push(
      `PostgreSQL port, ${o.batch}-reading batches, optimistic COPY (default): ${formatRate(rate(copyMs))} = ${pct(rawMs / copyMs)} of raw`,
    );
    lines.push(
      `PostgreSQL port, ${o.batch}-reading batches, COPY to staging + INSERT ON CONFLICT: ${formatRate(rate(methods.stage!))} = ${pct(rawMs / methods.stage!)} of raw`,
    );
    lines.push(
      `PostgreSQL port, ${o.batch}-reading batches, INSERT ... unnest ON CONFLICT: ${formatRate(rate(methods.unnest!))} = ${pct(rawMs / methods.unnest!)} of raw`,
    );
    lines.push(
      `PostgreSQL port, one retransmitted reading in every batch (the fallback each time): ${formatRate(rate(retransmitMs))} = ${pct(rawMs / retransmitMs)} of raw`,
    );
    lines.push(
      `PostgreSQL port, ${bigBatch}-reading batches: ${formatRate(rate(bigMs))} = ${pct(rawMs / bigMs)} of raw`,
    );
    lines.push(
      `PostgreSQL through ReadingWriter (${commits} group commits): ${formatRate(rate(writerMs))} = ${pct(rawMs / writerMs)} of raw`,
    );
  } finally {
    for (const store of stores) await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function runStoreBench(options: StoreBenchOptions): Promise<BenchResult> {
  const rows = benchReadings(options);
  const frameBytes = Math.round(rows.reduce((sum, r) => sum + r.raw.length, 0) / rows.length);
  const lines = [
    `load: ${rows.length} readings from ${options.devices} devices (seed ${options.seed}), ${frameBytes}-byte frames on average; best of ${options.rounds} rounds`,
  ];
  const figures: Record<string, number> = {};
  await sqlitePart(rows, options, lines, figures);
  await postgresPart(rows, options, lines, figures);
  return { name: "store", lines, figures };
}
