/**
 * Retention of readings partitions: a day partition older than the retention period is exported
 * (gzip NDJSON, one reading per line, plus a manifest with its SHA-256), the export is recorded in
 * `reading_exports`, and only then is the partition dropped. A partition with no export, or with
 * rows the export does not hold (late data arrived since), is never dropped.
 */
import { createHash } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  openSync,
  fsyncSync,
  closeSync,
  readFileSync,
  writeFileSync,
  renameSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { READING_COLUMNS, readingFromRow, readingToJson, type Row } from "../rows.js";
import { StoreError } from "../store-error.js";
import { DAY_MS, type PartitionInfo, type Partitions } from "./partitions.js";
import type { PgDb } from "./pg-db.js";

export interface PartitionExport {
  readonly partition: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly rows: number;
  /** Absolute path of the .ndjson.gz file. */
  readonly file: string;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly bytes: number;
  readonly exportedAtMs: number;
}

export interface RetentionResult {
  readonly exported: readonly PartitionExport[];
  readonly dropped: readonly string[];
}

const FETCH_ROWS = 5000;

export class Retention {
  constructor(
    private readonly db: PgDb,
    private readonly partitions: Partitions,
  ) {}

  /**
   * Exports then drops every day partition whose days all lie before `nowMs - olderThanDays`.
   * Stops at the first failure, leaving later partitions in place.
   */
  async run(options: { olderThanDays: number; exportDir: string; nowMs?: number }): Promise<RetentionResult> {
    const nowMs = options.nowMs ?? Date.now();
    const cutoff = nowMs - options.olderThanDays * DAY_MS;
    const exported: PartitionExport[] = [];
    const dropped: string[] = [];
    for (const partition of await this.partitions.list()) {
      if (partition.toMs > cutoff) continue;
      exported.push(await this.exportPartition(partition.name, options.exportDir));
      await this.dropPartition(partition.name, { verifyFile: true });
      dropped.push(partition.name);
    }
    return { exported, dropped };
  }

  /** Writes `<dir>/<partition>.ndjson.gz` and its manifest, and records the export. */
  async exportPartition(name: string, dir: string): Promise<PartitionExport> {
    const partition = await this.find(name);
    const folder = resolve(dir);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${name}.ndjson.gz`);
    const partial = `${file}.partial`;
    const hash = createHash("sha256");
    let bytes = 0;
    let rows = 0;
    // One snapshot for the whole partition, so that the row count matches the file.
    await this.db.transaction(async (c) => {
      await c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await c.query(
        `DECLARE partition_export NO SCROLL CURSOR FOR SELECT ${READING_COLUMNS.join(", ")}, rejected FROM ${name} ORDER BY seq, dedup_key`,
      );
      async function* lines(): AsyncGenerator<string> {
        for (;;) {
          const result = await c.query<Row>(`FETCH ${FETCH_ROWS} FROM partition_export`);
          if (result.rows.length === 0) return;
          rows += result.rows.length;
          yield result.rows
            .map(
              (row) =>
                `${JSON.stringify(readingToJson(readingFromRow(row), (row.rejected as string | null) ?? undefined))}\n`,
            )
            .join("");
        }
      }
      const out = createWriteStream(partial);
      const gzip = createGzip();
      gzip.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      await pipeline(Readable.from(lines()), gzip, out);
    });
    fsyncFile(partial);
    renameSync(partial, file);
    const record: PartitionExport = {
      partition: name,
      fromMs: partition.fromMs,
      toMs: partition.toMs,
      rows,
      file,
      sha256: hash.digest("hex"),
      bytes,
      exportedAtMs: Date.now(),
    };
    const manifest = join(folder, `${name}.manifest.json`);
    writeFileSync(
      manifest,
      `${JSON.stringify({ ...record, file: `${name}.ndjson.gz`, store: this.db.location }, null, 2)}\n`,
    );
    fsyncFile(manifest);
    fsyncFile(folder);
    await this.db.query(
      `INSERT INTO reading_exports (partition_name, from_ms, to_ms, rows, file, sha256, bytes, exported_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [name, record.fromMs, record.toMs, rows, file, record.sha256, bytes, record.exportedAtMs],
    );
    return record;
  }

  /**
   * Drops a day partition, refusing (STORE_NOT_EXPORTED) unless its latest export holds exactly its
   * current rows, and, with `verifyFile`, the export file is still there with the recorded SHA-256.
   */
  async dropPartition(name: string, options: { verifyFile?: boolean } = {}): Promise<void> {
    const partition = await this.find(name);
    await this.db.transaction(async (c) => {
      const { rows: exports } = await c.query<{ rows: number; file: string; sha256: string }>(
        "SELECT rows, file, sha256 FROM reading_exports WHERE partition_name = $1 ORDER BY id DESC LIMIT 1",
        [name],
      );
      const last = exports[0];
      if (last === undefined)
        throw new StoreError(
          "STORE_NOT_EXPORTED",
          `${this.db.location}: partition ${name} has not been exported; refusing to drop it (run db retention with --export-dir)`,
        );
      // Block writers to this partition while counting and dropping.
      await c.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
      const { rows } = await c.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${name}`);
      const current = rows[0]?.n ?? 0;
      if (current !== last.rows)
        throw new StoreError(
          "STORE_NOT_EXPORTED",
          `${this.db.location}: partition ${name} holds ${current} readings but its export holds ${last.rows}; export it again before dropping`,
        );
      if (options.verifyFile === true) {
        let actual: string;
        try {
          actual = createHash("sha256").update(readFileSync(last.file)).digest("hex");
        } catch (error) {
          throw new StoreError(
            "STORE_NOT_EXPORTED",
            `${this.db.location}: export file ${last.file} of ${name} cannot be read; refusing to drop`,
            error,
          );
        }
        if (actual !== last.sha256)
          throw new StoreError(
            "STORE_NOT_EXPORTED",
            `${this.db.location}: export file ${last.file} of ${name} does not match its SHA-256; refusing to drop`,
          );
      }
      await c.query(`DROP TABLE ${name}`);
      await c.query(
        "UPDATE reading_exports SET dropped_at_ms = $2 WHERE partition_name = $1 AND dropped_at_ms IS NULL",
        [name, Date.now()],
      );
    });
    this.partitions.forget(partition.fromMs);
  }

  private async find(name: string): Promise<PartitionInfo> {
    const partition = (await this.partitions.list()).find((p) => p.name === name);
    if (partition === undefined)
      throw new StoreError("UNKNOWN_REFERENCE", `${this.db.location}: no readings partition named ${name}`);
    return partition;
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
