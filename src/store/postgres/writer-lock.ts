/**
 * One writer per PostgreSQL database for the single-node engine (`sealwatch serve`, `sealwatch
 * gateway` without a bus, a replay into a database): that engine numbers its inputs (readings,
 * commands, ticks) from its own counter, which the database does not check, so two such processes
 * on one database would hand out the same numbers. The writer holds a session-level advisory lock on
 * a connection of its own for as long as the store is open; a second process is refused with
 * STORE_LOCKED naming the database. The distributed mode (src/cluster/) takes its numbers from the
 * partitioned log and its ownership from partition leases, so its engine workers never claim this.
 *
 * If the lock's connection dies (the server restarted, the backend was terminated), nothing is
 * written until the lock is held again: `fence` makes every store call fail meanwhile (STORE_UNAVAILABLE
 * while reconnecting; STORE_LOCKED for good when another process took the lock in between).
 */
import pg from "pg";
import { StoreError } from "../store-error.js";

/** pg_advisory_lock key of the single-node writer ("SWWRIT"). */
export const WRITER_LOCK = 0x5357_5752_4954;

/** How the store refuses calls while the lock is not held (undefined: calls go through). */
export type Fence = (error: StoreError | undefined) => void;

export interface WriterLockOptions {
  readonly connectTimeoutMs: number;
  /** Told when the lock is lost, taken again, or taken by another process. */
  readonly onEvent?: (event: "lost" | "regained" | "taken_over", detail: string) => void;
}

export class PgWriterLock {
  private client: pg.Client | undefined;
  private released = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly location: string,
    private readonly fence: Fence,
    private readonly options: WriterLockOptions,
  ) {}

  /** Takes the lock or throws STORE_LOCKED (another writer) / STORE_UNAVAILABLE (no database). */
  static async claim(
    url: string,
    location: string,
    fence: Fence,
    options: WriterLockOptions,
  ): Promise<PgWriterLock> {
    const lock = new PgWriterLock(url, location, fence, options);
    const outcome = await lock.tryTake();
    if (outcome !== "held") {
      await lock.release();
      throw outcome === "taken" ? lock.lockedError() : outcome;
    }
    return lock;
  }

  /** Ends the lock's connection (the server drops the lock with it). */
  async release(): Promise<void> {
    this.released = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lockedError(): StoreError {
    return new StoreError(
      "STORE_LOCKED",
      `${this.location}: another Sealwatch process is the writer of this database (it holds the writer lock); ` +
        "a single-node server has one writer per database: stop the other process, or run the distributed mode (sealwatch engine)",
    );
  }

  /** Connects and tries the lock once: "held", "taken" (by another session), or why not. */
  private async tryTake(): Promise<"held" | "taken" | StoreError> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      keepAlive: true,
      application_name: "sealwatch-writer-lock",
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ held: boolean }>("SELECT pg_try_advisory_lock($1) AS held", [
        WRITER_LOCK,
      ]);
      if (rows[0]?.held !== true) {
        await client.end().catch(() => undefined);
        return "taken";
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      return new StoreError(
        "STORE_UNAVAILABLE",
        `${this.location}: cannot take the writer lock (${(error as Error).message})`,
        error,
      );
    }
    if (this.released) {
      await client.end().catch(() => undefined);
      return "taken";
    }
    this.client = client;
    client.once("end", () => this.lost(client));
    return "held";
  }

  private lost(client: pg.Client): void {
    if (this.released || this.client !== client) return;
    this.client = undefined;
    this.fence(
      new StoreError(
        "STORE_UNAVAILABLE",
        `${this.location}: the connection holding the writer lock was lost; nothing is written until it is held again`,
      ),
    );
    this.options.onEvent?.("lost", "the writer lock's connection ended");
    this.again(0);
  }

  private again(pauseMs: number): void {
    this.retry = setTimeout(() => {
      void this.tryTake().then((outcome) => {
        if (this.released) return;
        if (outcome === "held") {
          this.fence(undefined);
          this.options.onEvent?.("regained", "the writer lock is held again");
        } else if (outcome === "taken") {
          // Another process became the writer meanwhile: this one must never write again.
          this.fence(this.lockedError());
          this.options.onEvent?.("taken_over", "another process took the writer lock");
        } else {
          this.again(Math.min(Math.max(pauseMs * 2, 100), 2_000));
        }
      });
    }, pauseMs);
    this.retry.unref();
  }
}
