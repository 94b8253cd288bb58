/**
 * One writer per SQLite file: an exclusive lock file next to the database (`<db>.lock`, created with
 * O_EXCL) holding the owner's pid, host and start time. A lock whose process is gone (same host) is
 * stale and taken over; a live one refuses the second writer with a message naming it. Read-only
 * opens take no lock, so `db status` and `audit verify` work while a server runs.
 */
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { StoreError } from "../store-error.js";

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly sinceMs: number;
}

export class LockFile {
  private held = true;

  private constructor(readonly path: string) {}

  /** Takes the lock for `databasePath`, or throws STORE_LOCKED naming the process that holds it. */
  static acquire(databasePath: string): LockFile {
    const path = `${databasePath}.lock`;
    const owner: LockOwner = { pid: process.pid, host: hostname(), sinceMs: Date.now() };
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, "wx", 0o644);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") {
          throw new StoreError(
            code === "EROFS" || code === "EACCES" || code === "EPERM"
              ? "STORE_READ_ONLY"
              : "STORE_UNAVAILABLE",
            `${databasePath}: cannot create the lock file ${path} (${code ?? String(error)})`,
            error,
          );
        }
        const holder = readOwner(path);
        if (holder !== undefined && (holder.host !== owner.host || isAlive(holder.pid))) {
          const since = new Date(holder.sinceMs).toISOString();
          throw new StoreError(
            "STORE_LOCKED",
            `${databasePath} is already open for writing by process ${holder.pid} on ${holder.host} (since ${since}); ` +
              `only one Sealwatch process may write to a SQLite file. Stop that process, use PostgreSQL for ` +
              `several processes, or delete ${path} if that process no longer exists.`,
          );
        }
        if (holder === undefined && isFresh(path)) {
          throw new StoreError(
            "STORE_LOCKED",
            `${databasePath} is being opened for writing by another process (lock file ${path} was just created)`,
          );
        }
        // Stale (the owner died without closing) or unreadable and old (it died while writing the lock).
        try {
          unlinkSync(path);
        } catch {
          // Another process removed it first; try again.
        }
        continue;
      }
      try {
        writeSync(fd, JSON.stringify(owner));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return new LockFile(path);
    }
    throw new StoreError("STORE_LOCKED", `${databasePath}: could not take the lock file ${path}; try again`);
  }

  /** Removes the lock file if it is still ours. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (readOwner(this.path)?.pid !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof owner.pid === "number" && typeof owner.host === "string" && typeof owner.sinceMs === "number")
      return owner as LockOwner;
  } catch {
    // Missing or partly written.
  }
  return undefined;
}

/** Whether the file was modified in the last few seconds (an owner may still be writing it). */
function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 5000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
