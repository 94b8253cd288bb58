/**
 * Chooses and opens the store: a `postgres://` or `postgresql://` URL selects PostgreSQL, anything
 * else is a SQLite file path (default ./data/sealwatch.db). Pending migrations are applied unless
 * the store is opened read-only. Reading DATABASE_URL is the config layer's job, not this one's.
 */
import { PostgresStore, type PostgresOpenOptions } from "./postgres/postgres-store.js";
import { isPostgresUrl } from "./redact.js";
import { DEFAULT_SQLITE_PATH, SqliteStore } from "./sqlite/sqlite-store.js";

export { DEFAULT_SQLITE_PATH } from "./sqlite/sqlite-store.js";

export interface OpenStoreOptions {
  /** A PostgreSQL URL, or a SQLite path given as a URL-less string. Takes precedence over `path`. */
  readonly url?: string;
  /** A SQLite file path. */
  readonly path?: string;
  /** Open for reading only: no lock, no migration, every write fails with STORE_READ_ONLY. */
  readonly readOnly?: boolean;
  /** PostgreSQL tuning (pool size, partitions, timeouts); ignored for SQLite. */
  readonly postgres?: Omit<PostgresOpenOptions, "readOnly">;
}

export type OpenedStore = SqliteStore | PostgresStore;

/** Opens the store the options name (see the module comment). */
export function openStore(options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const target = options.url ?? options.path ?? DEFAULT_SQLITE_PATH;
  const readOnly = options.readOnly === true;
  if (isPostgresUrl(target)) return PostgresStore.open(target, { ...options.postgres, readOnly });
  return SqliteStore.open(target, { readOnly });
}
