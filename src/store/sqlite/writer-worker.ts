/**
 * A worker thread that owns a second connection to the SQLite file and does the two things whose
 * disk waits must not stall the main thread (and with it every device acknowledgement and the
 * engine): appending readings (a durable commit, with its fsync, per batch) and copying the
 * write-ahead log back into the database (a PASSIVE checkpoint every `intervalMs`).
 *
 * Messages in: `{ id, rows }` (the column values of readings to append) and `"stop"`. Messages out: `{ id, outcomes }`
 * or `{ id, error: { code, message } }`, and `"stopped"`.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { SqliteDb, sqliteError } from "./sqlite-db.js";
import { insertReadingRows } from "./sqlite-readings.js";

const { path, intervalMs, cacheKib } = workerData as { path: string; intervalMs: number; cacheKib: number };
const db = new Database(path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma(`cache_size = ${-cacheKib}`);
db.pragma("synchronous = FULL");
const connection = new SqliteDb(db, path, undefined);

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
  const { id, rows } = message as { id: number; rows: unknown[][] };
  insertReadingRows(connection, rows).then(
    (outcomes) => parentPort?.postMessage({ id, outcomes }),
    (error: unknown) => {
      const storeError = sqliteError(error, path);
      parentPort?.postMessage({ id, error: { code: storeError.code, message: storeError.message } });
    },
  );
});
