/**
 * What every PostgreSQL sub-store shares: the pool, statements named once (so each connection
 * prepares them once), transactions that destroy a broken connection instead of reusing it, and the
 * one place where driver errors become StoreErrors. The pool reconnects by itself: a query after
 * the database came back simply gets a fresh connection.
 */
import type pg from "pg";
import { StoreError, type StoreErrorCode } from "../store-error.js";

export type Queryable = pg.Pool | pg.PoolClient;

export class PgDb {
  private readonly names = new Map<string, string>();
  /** Why every call is refused for now (the writer lock is not held; see writer-lock.ts). */
  fenced: StoreError | undefined;

  constructor(
    readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  /** A query config whose statement is prepared once per connection. */
  named(text: string, values: unknown[] = []): pg.QueryConfig {
    let name = this.names.get(text);
    if (name === undefined) {
      name = `sw_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    return { name, text, values };
  }

  /** Runs one statement (its own transaction) on any pool connection. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    on: Queryable = this.pool,
  ): Promise<pg.QueryResult<R>> {
    if (this.fenced !== undefined && on === this.pool) throw this.fenced;
    try {
      return await on.query<R>(this.named(text, values));
    } catch (error) {
      throw this.toStoreError(error);
    }
  }

  /**
   * A pool connection, or STORE_UNAVAILABLE. While checked out, a connection that dies between two
   * queries emits "error"; the next query fails anyway, so the event only needs a listener (an
   * unheard "error" event would end the process).
   */
  async connect(): Promise<pg.PoolClient> {
    if (this.fenced !== undefined) throw this.fenced;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.toStoreError(error);
    }
    if (!listened.has(client)) {
      listened.add(client);
      client.on("error", ignore);
    }
    return client;
  }

  /**
   * Runs `body` in one transaction; resolves after COMMIT returned (the commit is durable). A
   * connection that failed is destroyed, not returned to the pool.
   */
  async transaction<T>(
    body: (client: pg.PoolClient) => Promise<T>,
    before?: (client: pg.PoolClient) => Promise<void>,
  ): Promise<T> {
    const client = await this.connect();
    try {
      if (before !== undefined) await before(client);
      await client.query("BEGIN");
      const result = await body(client);
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
        client.release();
      } catch (rollbackError) {
        client.release(rollbackError as Error);
      }
      throw this.toStoreError(error);
    }
  }

  toStoreError(error: unknown): StoreError {
    return pgError(error, this.location);
  }
}

const listened = new WeakSet<pg.PoolClient>();
const ignore = (): void => undefined;

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Query read timeout|Connection closed/i;

/** Maps a node-postgres error (or a socket error) to a StoreError naming the database. */
export function pgError(error: unknown, location: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const [kind, detail] = classify(typeof code === "string" ? code : "", message, error);
  return new StoreError(kind, `${location}: ${detail}`, error);
}

function classify(code: string, message: string, error: unknown): [StoreErrorCode, string] {
  if (UNAVAILABLE_CODES.has(code) || (code === "" && UNAVAILABLE_MESSAGES.test(message)))
    return [
      "STORE_UNAVAILABLE",
      `the database cannot be reached (${message}); nothing was acknowledged as stored`,
    ];
  if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300")
    return [
      "STORE_UNAVAILABLE",
      `the database is unavailable (${message}); nothing was acknowledged as stored`,
    ];
  if (code === "3D000" || code === "28P01" || code === "28000")
    return ["STORE_UNAVAILABLE", `cannot connect (${message})`];
  if (code === "25006")
    return ["STORE_READ_ONLY", `the database is read-only; nothing was written (${message})`];
  if (code === "53100") return ["STORE_FULL", `the database disk is full; nothing was written (${message})`];
  if (code === "23505") {
    const constraint = (error as { constraint?: string }).constraint;
    return [
      "STORE_CONFLICT",
      `a write conflicts with a stored row${constraint === undefined ? "" : ` (${constraint})`}: ${message}`,
    ];
  }
  if (code === "23503")
    return ["UNKNOWN_REFERENCE", `a write refers to a row that does not exist (${message})`];
  if (code === "40001" || code === "40P01")
    return ["STORE_CONFLICT", `concurrent writes collided; retry (${message})`];
  if (code === "XX001" || code === "XX002")
    return ["STORE_CORRUPT", `the database reports damaged data (${message})`];
  return ["STORE_FAILED", message];
}
