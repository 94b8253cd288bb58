/**
 * What every SQLite sub-store shares: the connection, a cache of prepared statements, and the one
 * place where driver errors become StoreErrors. better-sqlite3 is synchronous; the port is async, so
 * each call runs to completion (a write transaction commits durably) before its promise settles.
 */
import type Database from "better-sqlite3";
import { StoreError, type StoreErrorCode } from "../store-error.js";

export class SqliteDb {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly location: string,
    /** Why writes are impossible, when the store was opened read-only. */
    readonly readOnlyReason: string | undefined,
  ) {}

  /** A prepared statement, compiled once per SQL text. */
  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a read. */
  read<T>(body: () => T): Promise<T> {
    try {
      return Promise.resolve(body());
    } catch (error) {
      return Promise.reject(this.toStoreError(error));
    }
  }

  /** Runs `body` in one IMMEDIATE transaction; resolves after the commit is durable. */
  write<T>(body: () => T): Promise<T> {
    try {
      if (this.readOnlyReason !== undefined)
        throw new StoreError(
          "STORE_READ_ONLY",
          `${this.location} is read-only (${this.readOnlyReason}); nothing was written`,
        );
      this.begin();
      try {
        const result = body();
        this.commit();
        return Promise.resolve(result);
      } catch (error) {
        this.rollback();
        throw error;
      }
    } catch (error) {
      return Promise.reject(this.toStoreError(error));
    }
  }

  /**
   * Opens an IMMEDIATE transaction that later calls add to (a batch arriving in parts); `commit` or
   * `rollback` ends it. `write` is the usual way.
   */
  begin(): void {
    this.stmt("BEGIN IMMEDIATE").run();
  }

  commit(): void {
    this.stmt("COMMIT").run();
  }

  rollback(): void {
    try {
      if (this.db.inTransaction) this.stmt("ROLLBACK").run();
    } catch {
      // SQLite already rolled back (e.g. after SQLITE_FULL); the original error is what matters.
    }
  }

  /** The StoreError for a driver error (StoreErrors pass through). */
  toStoreError(error: unknown): StoreError {
    return sqliteError(error, this.location);
  }
}

/** Maps a better-sqlite3 error to a StoreError that says what went wrong and where. */
export function sqliteError(error: unknown, location: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) {
    if (error instanceof TypeError && /not open/.test(message))
      return new StoreError("STORE_UNAVAILABLE", `${location}: the store is closed`, error);
    return new StoreError("STORE_FAILED", `${location}: ${message}`, error);
  }
  const [kind, detail]: [StoreErrorCode, string] = classify(code, message);
  return new StoreError(kind, `${location}: ${detail}`, error);
}

function classify(code: string, message: string): [StoreErrorCode, string] {
  if (code === "SQLITE_FULL")
    return ["STORE_FULL", `the database or its disk is full; nothing was written (${message})`];
  if (code.startsWith("SQLITE_READONLY"))
    return ["STORE_READ_ONLY", `the database is read-only; nothing was written (${message})`];
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
    return ["STORE_CORRUPT", `the database file is damaged (${message})`];
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return ["STORE_LOCKED", `the database is locked by another connection (${message})`];
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY")
    return ["UNKNOWN_REFERENCE", `a write refers to a row that does not exist (${message})`];
  if (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE")
    return ["STORE_CONFLICT", `a write conflicts with a stored row (${message})`];
  if (code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN"))
    return ["STORE_UNAVAILABLE", `input/output error; nothing was written (${message})`];
  return ["STORE_FAILED", message];
}
