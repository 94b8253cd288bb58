/**
 * A worker thread that copies the write-ahead log back into the database (a PASSIVE checkpoint)
 * on its own connection, so that the main thread's commits never pay for it: an automatic
 * checkpoint of tens of megabytes, with its fsync, would otherwise stall the event loop (and every
 * device acknowledgement) for up to a second.
 */
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new Database(path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
db.pragma("synchronous = FULL");

let stopping = false;

function checkpoint(): void {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
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
  }
});
