/**
 * One writer per SQLite file: an exclusive lock file next to the database (`<db>.lock`, created with
 * O_EXCL) naming its owner by more than a pid: host, boot id, the process's start time (from /proc)
 * and a random token of this process. A crash leaves the file behind, and a restarted process may
 * get the same pid (in a container the server is pid 1 every time): the start time and the token
 * tell the previous owner from a live one, so a crash never blocks the restart. A live owner refuses
 * the second writer with a message naming it. Read-only opens take no lock, so `db status` and
 * `audit verify` work while a server runs.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { StoreError } from "../store-error.js";

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly sinceMs: number;
  /** The kernel's boot id (Linux): a lock from before a reboot is stale. */
  readonly bootId?: string;
  /** The owner's start time in clock ticks since boot (Linux /proc): a reused pid starts later. */
  readonly startTicks?: string;
  /** A random token of the owning process: this process's own pid in an old lock is not its lock. */
  readonly token?: string;
}

/** This process's token, the same for every lock it takes. */
const TOKEN = randomBytes(12).toString("hex");

export class LockFile {
  private held = true;

  private constructor(readonly path: string) {}

  /** Takes the lock for `databasePath`, or throws STORE_LOCKED naming the process that holds it. */
  static acquire(databasePath: string): LockFile {
    const path = `${databasePath}.lock`;
    const bootId = readBootId();
    const startTicks = startTicksOf(process.pid);
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      sinceMs: Date.now(),
      token: TOKEN,
      ...(bootId === undefined ? {} : { bootId }),
      ...(startTicks === undefined ? {} : { startTicks }),
    };
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
        if (holder !== undefined && holds(holder, owner)) {
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
    const owner = readOwner(this.path);
    if (owner?.pid !== process.pid || (owner.token !== undefined && owner.token !== TOKEN)) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Whether the process a lock names still holds it, as far as `self` (on this host) can tell. On
 * another host nothing can be checked: the lock holds.
 */
function holds(holder: LockOwner, self: LockOwner): boolean {
  if (holder.host !== self.host) return true;
  if (holder.bootId !== undefined && self.bootId !== undefined && holder.bootId !== self.bootId) return false;
  if (holder.pid === process.pid) {
    // Our own pid: ours only if it carries our token (a lock without one is from an older version,
    // written by a previous process that had this pid).
    return holder.token === TOKEN;
  }
  if (!isAlive(holder.pid)) return false;
  if (holder.startTicks === undefined) return true;
  const now = startTicksOf(holder.pid);
  return now === undefined || now === holder.startTicks;
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
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (start time, clock ticks after boot); undefined off Linux. */
export function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}
