/**
 * Looks at an existing file before Sealwatch writes anything to it: a file that is not SQLite, a
 * SQLite file of another application, or a damaged Sealwatch file is refused with an error naming
 * it, and left exactly as it was.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { StoreError } from "../store-error.js";
import { SQLITE_APPLICATION_ID } from "./migrations.js";

const HEADER = Buffer.from("SQLite format 3\0", "latin1");
const UNTOUCHED = "the file was left untouched";

/** Throws STORE_FOREIGN or STORE_CORRUPT unless `path` is empty, a fresh SQLite file or Sealwatch's. */
export function checkExistingFile(path: string): void {
  const sidecars = [`${path}-wal`, `${path}-shm`];
  const existedBefore = sidecars.map((p) => existsSync(p));
  try {
    inspect(path);
  } catch (error) {
    // Reading a WAL-mode file creates its -wal and -shm files; a refused file gets no such trace.
    if (!existedBefore.some(Boolean) && sizeOrZero(sidecars[0]!) === 0)
      for (const sidecar of sidecars) rmSync(sidecar, { force: true });
    throw error;
  }
}

function sizeOrZero(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function inspect(path: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(path, "r");
  let length: number;
  try {
    length = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (length === 0) return;
  if (length < 100 || !header.subarray(0, 16).equals(HEADER))
    throw new StoreError(
      "STORE_FOREIGN",
      `${path} is not a SQLite database (no SQLite header: it is another kind of file, or its first bytes are damaged); ${UNTOUCHED}`,
    );
  foreignApplication(path, header.readUInt32BE(68));
  let tables: string[];
  let applicationId: number;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // Read through SQLite: the header page may still sit in the write-ahead log.
    applicationId = db.pragma("application_id", { simple: true }) as number;
    tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    if (tables.includes("schema_migrations")) db.prepare("SELECT max(version) FROM schema_migrations").get();
  } catch (error) {
    const code = String((error as { code?: unknown }).code);
    if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
      throw new StoreError(
        "STORE_CORRUPT",
        `${path} is a damaged SQLite database (${(error as Error).message}); ${UNTOUCHED}. Restore it from a backup.`,
        error,
      );
    throw new StoreError(
      "STORE_UNAVAILABLE",
      `${path}: cannot read the database (${(error as Error).message})`,
      error,
    );
  } finally {
    db?.close();
  }
  foreignApplication(path, applicationId);
  if (applicationId === 0 && tables.length > 0)
    throw new StoreError(
      "STORE_FOREIGN",
      `${path} is a SQLite database without Sealwatch's schema (tables: ${tables.slice(0, 8).join(", ")}${tables.length > 8 ? ", ..." : ""}); ${UNTOUCHED}`,
    );
  if (applicationId === SQLITE_APPLICATION_ID && !tables.includes("schema_migrations"))
    throw new StoreError(
      "STORE_CORRUPT",
      `${path} is marked as a Sealwatch store but has no schema_migrations table; ${UNTOUCHED}`,
    );
}

function foreignApplication(path: string, applicationId: number): void {
  if (applicationId !== 0 && applicationId !== SQLITE_APPLICATION_ID)
    throw new StoreError(
      "STORE_FOREIGN",
      `${path} is a SQLite database of another application (application_id 0x${applicationId.toString(16)}), not a Sealwatch store; ${UNTOUCHED}`,
    );
}
