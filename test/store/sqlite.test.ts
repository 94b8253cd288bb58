/** The SQLite store: the contract suite, then the faults only a file has. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { openStore, DEFAULT_SQLITE_PATH } from "../../src/store/open.js";
import type { Store } from "../../src/store/ports.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { SqliteDb } from "../../src/store/sqlite/sqlite-db.js";
import { PART_READINGS } from "../../src/store/sqlite/sqlite-readings.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { subStores, WRITE_METHODS } from "../../src/store/sqlite/sub-stores.js";
import { isStoreError } from "../../src/store/store-error.js";
import { storeContract, type StoreHarness } from "./contract.js";
import { reading } from "./records.js";

const root = mkdtempSync(join(tmpdir(), "sealwatch-sqlite-"));
const opened: Store[] = [];
let counter = 0;

function track<T extends Store>(store: T): T {
  opened.push(store);
  return store;
}

function newPath(): string {
  return join(root, `store-${++counter}`, "sealwatch.db");
}

after(async () => {
  for (const store of opened) await store.close();
  rmSync(root, { recursive: true, force: true });
});

const harness: StoreHarness = {
  fresh: async () => track(await SqliteStore.open(newPath())),
  sql: (store, statements) => {
    (store as SqliteStore).database.exec(statements);
    return Promise.resolve();
  },
  openReadOnly: async (store) => track(await SqliteStore.open(store.location, { readOnly: true })),
  reopen: async (store) => {
    await store.close();
    return track(await SqliteStore.open(store.location));
  },
};

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

function expectStoreError(code: string, ...fragments: string[]) {
  return (error: unknown): boolean => {
    assert.ok(isStoreError(error), `expected a StoreError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" should mention ${fragment}`);
    return true;
  };
}

/** Runs a child node process that opens the store at `path`; resolves with what it printed first. */
function childOpening(path: string, hold: boolean) {
  const storeModule = fileURLToPath(new URL("../../src/store/sqlite/sqlite-store.js", import.meta.url));
  const code = `
    import { SqliteStore } from ${JSON.stringify(storeModule)};
    try {
      const store = await SqliteStore.open(${JSON.stringify(path)});
      console.log("opened " + process.pid);
      if (!${hold}) await store.close();
      else setInterval(() => {}, 1000);
    } catch (error) {
      console.log(JSON.stringify({ code: error.code, message: error.message }));
    }`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0]!);
    });
    child.on("error", reject);
    child.on("exit", () => resolve(text.split("\n")[0] ?? ""));
  });
  return { child, firstLine };
}

describe("SqliteStore", () => {
  describe("contract", () => storeContract(harness));

  describe("one writer per file", () => {
    it("refuses a second writer in the same process, naming the file and the holder", async () => {
      const store = await harness.fresh();
      await assert.rejects(
        SqliteStore.open(store.location),
        expectStoreError("STORE_LOCKED", store.location, String(process.pid)),
      );
      assert.deepEqual(
        await store.readings.append([reading(1)]),
        ["stored"],
        "the first writer is not disturbed",
      );
    });

    it("refuses a second writer process, and the first writer process refuses us", async () => {
      const store = await harness.fresh();
      const second = childOpening(store.location, false);
      const refused = JSON.parse(await second.firstLine) as { code: string; message: string };
      assert.equal(refused.code, "STORE_LOCKED");
      assert.ok(refused.message.includes(`process ${process.pid}`), refused.message);
      await store.close();

      const holder = childOpening(store.location, true);
      const line = await holder.firstLine;
      assert.match(line, /^opened \d+$/);
      const pid = Number(line.split(" ")[1]);
      try {
        await assert.rejects(
          SqliteStore.open(store.location),
          expectStoreError("STORE_LOCKED", `process ${pid}`),
        );
        // A status command still reads while the other process writes.
        const reader = track(await SqliteStore.open(store.location, { readOnly: true }));
        assert.equal(await reader.readings.maxSeq(), 0);
      } finally {
        holder.child.kill("SIGKILL");
        await new Promise((resolve) => holder.child.once("exit", resolve));
      }
      // The holder died without closing: its lock is stale and taken over.
      assert.ok(existsSync(`${store.location}.lock`));
      const next = track(await SqliteStore.open(store.location));
      assert.deepEqual(await next.readings.append([reading(1)]), ["stored"]);
    });

    it("takes over an unreadable lock file left long ago, and removes its lock on close", async () => {
      const path = newPath();
      const first = await SqliteStore.open(path);
      await first.close();
      assert.equal(existsSync(`${path}.lock`), false);
      writeFileSync(`${path}.lock`, "{partial");
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${path}.lock`, old, old);
      const store = track(await SqliteStore.open(path));
      assert.equal((JSON.parse(readFileSync(`${path}.lock`, "utf8")) as { pid: number }).pid, process.pid);
      await store.close();
      assert.equal(existsSync(`${path}.lock`), false);
    });
  });

  describe("refused files are left untouched", () => {
    it("a file that is not SQLite", async () => {
      const path = join(root, "notes.db");
      writeFileSync(path, "These are my notes, not a database.\n".repeat(20));
      const before = sha256(path);
      await assert.rejects(
        SqliteStore.open(path),
        expectStoreError("STORE_FOREIGN", path, "not a SQLite database"),
      );
      await assert.rejects(SqliteStore.open(path, { readOnly: true }), expectStoreError("STORE_FOREIGN"));
      assert.equal(sha256(path), before);
      assert.equal(existsSync(`${path}.lock`), false);
    });

    it("a SQLite database of another application", async () => {
      const path = join(root, "crm.db");
      const other = new Database(path);
      other.pragma("journal_mode = WAL");
      other.exec(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada')",
      );
      other.close();
      const before = sha256(path);
      await assert.rejects(
        SqliteStore.open(path),
        expectStoreError("STORE_FOREIGN", path, "without Sealwatch's schema", "customers"),
      );
      assert.equal(sha256(path), before);
      assert.deepEqual(
        [existsSync(`${path}-wal`), existsSync(`${path}-shm`), existsSync(`${path}.lock`)],
        [false, false, false],
      );

      const marked = join(root, "marked.db");
      const app = new Database(marked);
      app.pragma("application_id = 42");
      app.exec("CREATE TABLE things (x)");
      app.close();
      await assert.rejects(
        SqliteStore.open(marked),
        expectStoreError("STORE_FOREIGN", "another application"),
      );
    });

    it("a damaged Sealwatch file", async () => {
      const path = newPath();
      const store = await SqliteStore.open(path);
      await store.readings.append([reading(1), reading(2)]);
      await store.close();
      const damaged = readFileSync(path);
      damaged.fill(0xff, 100, 200); // the schema table's page header
      writeFileSync(path, damaged);
      const before = sha256(path);
      await assert.rejects(SqliteStore.open(path), expectStoreError("STORE_CORRUPT", path, "left untouched"));
      assert.equal(sha256(path), before);
      assert.deepEqual([existsSync(`${path}-wal`), existsSync(`${path}.lock`)], [false, false]);
    });

    it("a directory, and a missing file opened read-only", async () => {
      await assert.rejects(SqliteStore.open(root), expectStoreError("STORE_FOREIGN", "directory"));
      await assert.rejects(
        SqliteStore.open(join(root, "missing.db"), { readOnly: true }),
        expectStoreError("STORE_UNAVAILABLE", "no database"),
      );
      assert.equal(existsSync(join(root, "missing.db")), false);
    });
  });

  describe("write failures are loud and nothing is reported durable", () => {
    it("a write-protected file opens for reading; every write fails with STORE_READ_ONLY", async () => {
      const path = newPath();
      const store = await SqliteStore.open(path);
      await store.readings.append([reading(1)]);
      await store.close();
      chmodSync(path, 0o444);
      try {
        const before = sha256(path);
        const protectedStore = track(await SqliteStore.open(path));
        assert.match(protectedStore.readOnlyReason ?? "", /write-protected/);
        assert.equal(await protectedStore.readings.maxSeq(), 1);
        await assert.rejects(
          protectedStore.readings.append([reading(2)]),
          expectStoreError("STORE_READ_ONLY", path, "nothing was written"),
        );
        const writer = new ReadingWriter(protectedStore.readings, { maxDelayMs: 1 });
        await assert.rejects(writer.write(reading(3)), expectStoreError("STORE_READ_ONLY"));
        await writer.close();
        assert.equal(await protectedStore.readings.maxSeq(), 1);
        await protectedStore.close();
        assert.equal(sha256(path), before);
      } finally {
        chmodSync(path, 0o644);
      }
    });

    it("a full database fails the whole batch with STORE_FULL, then recovers when there is room", async () => {
      // One connection for everything, so that the page limit set here applies to the appends.
      const store = track(await SqliteStore.open(newPath(), { writerThread: false }));
      const db = store.database;
      const pages = db.pragma("page_count", { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 2}`);
      const big = Array.from({ length: 500 }, (_, i) =>
        reading(i + 1, { vendor: { padding: "x".repeat(500) } }),
      );
      await assert.rejects(store.readings.append(big), expectStoreError("STORE_FULL", store.location));
      assert.equal(await store.readings.maxSeq(), 0, "nothing of the failed batch is stored");
      const writer = new ReadingWriter(store.readings, { maxBatch: 100, maxDelayMs: 1 });
      const results = await Promise.allSettled(big.slice(0, 200).map((r) => writer.write(r)));
      assert.ok(
        results.some((r) => r.status === "rejected"),
        "the writer rejects the readings of failed batches",
      );
      const acknowledged = results.filter((r) => r.status === "fulfilled").length;
      assert.equal((await store.readings.maxSeq()) >= 0, true);
      assert.equal(
        (await store.readings.afterSeq(0, 1000)).length,
        acknowledged,
        "exactly the acknowledged readings are stored",
      );
      db.pragma("max_page_count = 1073741823");
      assert.deepEqual(await store.readings.append(big.slice(400)), Array(100).fill("stored"));
      await writer.close();
    });
  });

  describe("opening", () => {
    it("creates the file and its folders, durable settings on", async () => {
      const path = join(root, "a", "b", "c", "store.db");
      const store = track(await SqliteStore.open(path));
      assert.equal(store.location, path);
      assert.equal(store.database.pragma("journal_mode", { simple: true }), "wal");
      assert.equal(store.database.pragma("synchronous", { simple: true }), 2, "synchronous=FULL");
      assert.equal(store.database.pragma("foreign_keys", { simple: true }), 1);
      assert.equal(DEFAULT_SQLITE_PATH, "./data/sealwatch.db");
    });

    it("openStore picks SQLite for a path and opens read-only on request", async () => {
      const path = newPath();
      const store = track(await openStore({ path }));
      assert.equal(store.kind, "sqlite");
      const viaUrl = track(await openStore({ url: path, readOnly: true }));
      assert.equal(viaUrl.kind, "sqlite");
      await assert.rejects(viaUrl.engineState.set("a", "b"), expectStoreError("STORE_READ_ONLY"));
    });

    it("refuses a file migrated by a newer Sealwatch", async () => {
      const path = newPath();
      const store = await SqliteStore.open(path);
      store.database
        .prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (99, 'future', 0)")
        .run();
      await store.close();
      await assert.rejects(SqliteStore.open(path), expectStoreError("STORE_SCHEMA_TOO_NEW", "99"));
      assert.equal(existsSync(`${path}.lock`), false);
    });
  });

  describe("the writer thread", () => {
    it("lists every write method of every part (a missing one would write on the main thread)", () => {
      const parts = subStores(new SqliteDb(new Database(":memory:"), ":memory:", undefined));
      for (const [part, store] of Object.entries(parts)) {
        const prototype = Object.getPrototypeOf(store) as Record<string, unknown>;
        const writes = Object.getOwnPropertyNames(prototype).filter(
          (name) => name !== "constructor" && /\.write\(|insertReadingRows\(/.test(String(prototype[name])),
        );
        const listed = (WRITE_METHODS as Record<string, readonly string[]>)[part] ?? [];
        // readings.append posts its rows itself (see SqliteReadings.remote).
        const expected = part === "readings" ? writes.filter((name) => name !== "append") : writes;
        assert.deepEqual([...listed].sort(), expected.sort(), `the write methods of ${part}`);
      }
    });

    it("takes a batch in parts in one transaction: a failure in a late part stores none of it", async () => {
      const store = track(await SqliteStore.open(newPath()));
      assert.deepEqual(await store.readings.append([reading(1)]), ["stored"]);
      const size = PART_READINGS * 2 + 100;
      const batch = Array.from({ length: size }, (_, i) => reading(i + 2));
      // A reading of the last part reuses seq 1 (with other content): the primary key refuses it.
      batch[size - 50] = reading(1, { atMs: Date.UTC(2026, 0, 1) });
      await assert.rejects(store.readings.append(batch), (error: unknown) =>
        isStoreError(error, "STORE_CONFLICT"),
      );
      assert.equal(await store.readings.maxSeq(), 1, "nothing of the failed batch is stored");
      const count = store.database.prepare("SELECT count(*) AS n FROM readings").get() as { n: number };
      assert.equal(count.n, 1);
      // The thread goes on: the next batch, in parts too, is stored whole.
      const next = Array.from({ length: size }, (_, i) => reading(i + 2));
      const outcomes = await store.readings.append(next);
      assert.equal(outcomes.length, size);
      assert.ok(outcomes.every((o) => o === "stored"));
      assert.equal(await store.readings.maxSeq(), size + 1);
      assert.deepEqual(await store.readings.append(next.slice(0, 3)), [
        "duplicate",
        "duplicate",
        "duplicate",
      ]);
    });

    it("runs every write on its own connection and in order; this thread only reads", async () => {
      const store = track(await SqliteStore.open(newPath()));
      const mainConnection = (store as unknown as { s: SqliteDb }).s;
      let mainWrites = 0;
      const original = mainConnection.write.bind(mainConnection);
      mainConnection.write = <T>(body: () => T): Promise<T> => {
        mainWrites++;
        return original(body);
      };
      const now = Date.UTC(2026, 10, 1);
      await store.zones.put({
        id: "Z1",
        kind: "office",
        shape: { type: "circle", center: [100.9, 13.1], radiusM: 500 },
        createdAtMs: now,
        updatedAtMs: now,
      });
      // Not awaited one by one: they must still be applied in the order they were called.
      const first = store.engineState.set("k", "1");
      const second = store.engineState.set("k", "2");
      const audited = store.audit.appendMany([
        { atMs: now, actor: "u1", action: "zone.define", subjectType: "zone", subjectId: "Z1", details: {} },
        { atMs: now, actor: "u1", action: "zone.define", subjectType: "zone", subjectId: "Z1", details: {} },
      ]);
      await Promise.all([first, second]);
      const records = await audited;
      assert.equal(records.length, 2);
      assert.equal(await store.engineState.get("k"), "2");
      assert.equal((await store.zones.get("Z1"))?.kind, "office");
      assert.equal((await store.audit.verify()).ok, true);
      assert.deepEqual(await store.readings.append([reading(1)]), ["stored"]);
      assert.equal(mainWrites, 0, "no write ran on the main thread's connection");
      // A write the store refuses comes back as the same StoreError it would be on this thread.
      await assert.rejects(
        store.trips.updateState({ id: "NO-SUCH-TRIP", state: "armed", updatedAtMs: now }),
        (error: unknown) => isStoreError(error, "UNKNOWN_REFERENCE") && /NO-SUCH-TRIP/.test(error.message),
      );
    });
  });
});
