/**
 * A worker thread that owns a second connection to the SQLite file and does everything whose disk
 * waits must not stall the main thread (and with it every device acknowledgement and the engine):
 * every write of the store (a durable commit, with its fsync, each; readings in group-commit
 * batches) and copying the write-ahead log back into the database (a PASSIVE checkpoint every
 * `intervalMs`). Writes run one at a time, in the order they were posted.
 *
 * Messages in: `{ id, rows, raw }` (readings to append, see PackedRows), `{ id, op, args }` (a
 * write method of the store's parts, see sub-stores.ts) and `"stop"`. Messages out: `{ id, result }`
 * or `{ id, error: { code, message } }`, and `"stopped"`.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { SqliteDb, sqliteError } from "./sqlite-db.js";
import { insertRowsNow, unpackRows, type PackedRows } from "./sqlite-readings.js";
import type { AppendOutcome } from "../ports.js";
import type { StoreError } from "../store-error.js";
import { runWrite, subStores, type WriteRequest } from "./sub-stores.js";

const { path, intervalMs, cacheKib } = workerData as { path: string; intervalMs: number; cacheKib: number };
const db = new Database(path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma(`cache_size = ${-cacheKib}`);
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
const connection = new SqliteDb(db, path, undefined);
const stores = subStores(connection);

let stopping = false;

function checkpoint(): void {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // A busy database: the next round (or the writing connection itself) checkpoints.
  }
}

const timer = setInterval(() => {
  if (!stopping) checkpoint();
}, intervalMs);

parentPort?.on("message", (message: unknown) => {
  if (message === "stop") {
    stopping = true;
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort?.postMessage("stopped");
    return;
  }
  const request = message as ({ id: number } & ReadingsPart) | WriteRequest;
  if ("rows" in request) {
    appendPart(request);
    return;
  }
  const { id } = request;
  runWrite(stores, request.op, request.args).then(
    (result) => parentPort?.postMessage({ id, result }),
    (error: unknown) => reply(id, sqliteError(error, path)),
  );
});

function reply(id: number, error: StoreError): void {
  parentPort?.postMessage({ id, error: { code: error.code, message: error.message } });
}

/** One part of a batch of readings; the parts of a batch come one after the other, nothing between. */
type ReadingsPart = PackedRows & { readonly first: boolean; readonly last: boolean };

/** The batch whose parts are arriving: its transaction is open until its last part. */
let batch: { id: number; outcomes: AppendOutcome[]; failed?: StoreError } | undefined;

function appendPart(part: { id: number } & ReadingsPart): void {
  if (part.first) {
    batch = { id: part.id, outcomes: [] };
    try {
      connection.begin();
    } catch (error) {
      batch.failed = sqliteError(error, path);
    }
  }
  const current = batch;
  if (current?.id !== part.id) return; // a part of a batch that never began: cannot happen
  if (current.failed === undefined) {
    try {
      insertRowsNow(connection, unpackRows(part), current.outcomes);
      if (part.last) connection.commit();
    } catch (error) {
      current.failed = sqliteError(error, path);
      connection.rollback();
    }
  }
  if (!part.last) return;
  batch = undefined;
  if (current.failed !== undefined) reply(current.id, current.failed);
  else parentPort?.postMessage({ id: current.id, result: current.outcomes });
}
