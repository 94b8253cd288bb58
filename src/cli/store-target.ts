/** Which store a CLI command works on: --db, else DATABASE_URL, else ./data/sealwatch.db. */
import { SealwatchError } from "../core/errors.js";
import { DEFAULT_SQLITE_PATH, openStore, type OpenedStore } from "../store/open.js";
import type { CommandIo } from "./command.js";

/** The --db option, shared by the store commands. */
export const DB_OPTION = { db: { type: "string" } } as const;

export const DB_HELP = `  --db PATH_OR_URL  SQLite file or postgres:// URL (default: $DATABASE_URL, else ${DEFAULT_SQLITE_PATH})`;

export function storeTarget(db: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (db !== undefined && db !== "") return db;
  const fromEnv = env.DATABASE_URL;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_SQLITE_PATH;
}

/**
 * Opens the store for a command and runs `body`; a store failure is printed (it names the store,
 * never a password) and becomes exit code 2.
 */
export async function withStore(
  db: string | undefined,
  options: { readOnly: boolean },
  io: CommandIo,
  label: string,
  body: (store: OpenedStore) => Promise<number>,
): Promise<number> {
  let store: OpenedStore;
  try {
    store = await openStore({ url: storeTarget(db), readOnly: options.readOnly });
  } catch (error) {
    return failed(error, io, label);
  }
  try {
    return await body(store);
  } catch (error) {
    return failed(error, io, label);
  } finally {
    await store.close();
  }
}

function failed(error: unknown, io: CommandIo, label: string): number {
  if (error instanceof SealwatchError) {
    io.err(`sealwatch ${label}: ${error.message} [${error.code}]`);
    return 2;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    io.err(`sealwatch ${label}: ${(error as Error).message}`);
    return 2;
  }
  throw error;
}
