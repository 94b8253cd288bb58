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
import { insertReadingRows, unpackRows, type PackedRows } from "./sqlite-readings.js";
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
  const request = message as ({ id: number } & PackedRows) | WriteRequest;
  const { id } = request;
  const done =
    "rows" in request
      ? insertReadingRows(connection, unpackRows(request))
      : runWrite(stores, request.op, request.args);
  done.then(
    (result) => parentPort?.postMessage({ id, result }),
    (error: unknown) => {
      const storeError = sqliteError(error, path);
      parentPort?.postMessage({ id, error: { code: storeError.code, message: storeError.message } });
    },
  );
});
