/**
 * The PostgreSQL store against the real server at 127.0.0.1:5432, in a throwaway database: the
 * contract suite, then partitions, retention, and an outage through a TCP proxy. Without a server
 * the suite is skipped loudly, except under CI (CI set), where it fails.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openStore } from "../../src/store/open.js";
import type { AppendOutcome, Store } from "../../src/store/ports.js";
import { PG_MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { DAY_MS, partitionName } from "../../src/store/postgres/partitions.js";
import { PostgresStore, type PostgresOpenOptions } from "../../src/store/postgres/postgres-store.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { redactUrl } from "../../src/store/redact.js";
import { isStoreError } from "../../src/store/store-error.js";
import { runCli } from "../support/cli.js";
import { storeContract, type StoreHarness } from "./contract.js";
import { ADMIN_URL, createThrowawayDatabase, dropDatabase, probePostgres, TcpProxy } from "./pg-support.js";
import { reading } from "./records.js";

const probe = await probePostgres();

if (!probe.ok) {
  const message = `PostgreSQL is not reachable at ${new URL(ADMIN_URL).host} (${probe.reason})`;
  if (process.env.CI !== undefined && process.env.CI !== "") {
    describe("PostgresStore", () => {
      it("needs PostgreSQL in CI", () => assert.fail(`${message}; CI never skips the PostgreSQL tests`));
    });
  } else {
    console.error(
      `\n${"!".repeat(100)}\n!!! SKIPPING the PostgreSQL store tests: ${message}\n${"!".repeat(100)}\n`,
    );
    describe("PostgresStore", { skip: message }, () => {});
  }
} else {
  registerPostgresTests();
}

function expectStoreError(code: string, ...fragments: string[]) {
  return (error: unknown): boolean => {
    assert.ok(isStoreError(error), `expected a StoreError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" should mention ${fragment}`);
    return true;
  };
}

const TABLES = [
  "readings", "reading_exports", "devices", "device_identifiers", "device_keys", "zones", "trips", "trip_devices",
  "commands", "ticks", "device_commands", "alarms", "alarm_actions", "audit_log", "companies", "users", "sessions",
  "api_keys", "engine_state", "outbox", "subscriptions", "inspections", "notification_rules", "on_call_rosters",
  "notification_profiles",
]; // prettier-ignore

function registerPostgresTests(): void {
  describe("PostgresStore", () => {
    let database: Awaited<ReturnType<typeof createThrowawayDatabase>>;
    /** The URL with a password the server never asks for (trust auth), to check that it never shows. */
    let url: string;
    let admin: pg.Pool;
    const opened: Store[] = [];
    const exportRoot = mkdtempSync(join(tmpdir(), "sealwatch-pg-export-"));

    const open = async (options: PostgresOpenOptions = {}, target = url): Promise<PostgresStore> => {
      const store = await PostgresStore.open(target, options);
      opened.push(store);
      return store;
    };

    before(async () => {
      database = await createThrowawayDatabase();
      const withPassword = new URL(database.url);
      withPassword.password = "not-a-secret";
      url = withPassword.toString();
      admin = new pg.Pool({ connectionString: database.url, max: 2 });
    });

    after(async () => {
      for (const store of opened) await store.close();
      await admin?.end();
      if (database !== undefined) await dropDatabase(database.name);
      rmSync(exportRoot, { recursive: true, force: true });
    });

    it("migrates once when several processes start at the same time (advisory lock)", async () => {
      const stores = await Promise.all([open(), open(), open()]);
      for (const store of stores) assert.equal((await store.migrationStatus()).current, PG_MIGRATIONS.length);
      const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM schema_migrations");
      assert.equal(Number(rows[0]!.n), PG_MIGRATIONS.length);
      assert.equal(stores[0].location, redactUrl(url));
      assert.ok(!stores[0].location.includes("not-a-secret"));
    });

    const harness: StoreHarness = {
      fresh: async () => {
        for (const store of opened.splice(0)) await store.close();
        const store = await open();
        await admin.query(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`);
        return store;
      },
      sql: async (store, statements) => {
        await (store as PostgresStore).pool.query(statements);
      },
      openReadOnly: () => open({ readOnly: true }),
      reopen: async (store) => {
        await store.close();
        return open();
      },
    };

    describe("contract", () => storeContract(harness));

    const freshPg = async (): Promise<PostgresStore> => (await harness.fresh()) as PostgresStore;

    describe("partitions by event time", () => {
      const partitionOf = async (seq: number): Promise<string> =>
        (
          await admin.query<{ p: string }>(
            "SELECT tableoid::regclass::text AS p FROM readings WHERE seq = $1",
            [seq],
          )
        ).rows[0]!.p;

      it("creates daily partitions ahead at open", async () => {
        const store = await freshPg();
        const today = Math.floor(Date.now() / DAY_MS);
        const names = new Set((await store.listPartitions()).map((p) => p.name));
        for (let day = today - 1; day <= today + 7; day++)
          assert.ok(names.has(partitionName(day)), partitionName(day));
      });

      it("creates a partition on demand, and sends far-off device clocks to the default partition", async () => {
        const store = await freshPg();
        const day = Date.UTC(2024, 1, 29);
        await store.readings.append([
          reading(1, { atMs: day + 3_600_000 }),
          reading(2, { atMs: Date.UTC(2099, 0, 1) }),
          reading(3, { atMs: 0 }),
          reading(4, { atMs: Date.now() }),
        ]);
        assert.equal(await partitionOf(1), "readings_p20240229");
        assert.equal(await partitionOf(2), "readings_default");
        assert.equal(await partitionOf(3), "readings_default");
        assert.equal(await partitionOf(4), partitionName(Math.floor(Date.now() / DAY_MS)));
        // Dedup holds in every partition.
        assert.deepEqual(
          await store.readings.append([
            reading(1, { atMs: day + 3_600_000 }),
            reading(2, { atMs: Date.UTC(2099, 0, 1) }),
          ]),
          ["duplicate", "duplicate"],
        );
      });

      it("moves a day's readings out of the default partition when its partition is created", async () => {
        const narrow = await freshPg();
        await narrow.close();
        const shortSighted = await open({ partitions: { pastDays: 1 } });
        const day = Date.UTC(2023, 6, 14);
        await shortSighted.readings.append([reading(1, { atMs: day + 1000 })]);
        assert.equal(await partitionOf(1), "readings_default");
        const store = await open();
        assert.deepEqual(await store.readings.append([reading(2, { atMs: day + 2000 })]), ["stored"]);
        assert.equal(await partitionOf(1), "readings_p20230714");
        assert.equal(await partitionOf(2), "readings_p20230714");
        assert.deepEqual(await store.readings.append([reading(1, { atMs: day + 1000 })]), ["duplicate"]);
        assert.deepEqual(
          (await store.readings.forDevice("dev-1", day, day + DAY_MS)).map((r) => r.seq),
          [1, 2],
        );
      });

      it("uses its indexes for a trip's track, a device's latest reading and the alarm queue", async () => {
        const store = await freshPg();
        const explain = async (sql: string): Promise<string> => {
          const client = await store.pool.connect();
          try {
            await client.query("SET enable_seqscan = off");
            return (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`)).rows
              .map((r) => r["QUERY PLAN"])
              .join("\n");
          } finally {
            await client.query("RESET enable_seqscan");
            client.release();
          }
        };
        const now = Date.now();
        assert.match(
          await explain(
            `SELECT * FROM readings WHERE device_id = 'd' AND at_ms >= ${now} AND at_ms < ${now + 3_600_000} ORDER BY at_ms`,
          ),
          /readings_p\d+_device_id_at_ms_dedup_key_idx/,
        );
        assert.match(
          await explain("SELECT * FROM readings WHERE device_id = 'd' ORDER BY at_ms DESC LIMIT 1"),
          /device_id_at_ms_dedup_key_idx/,
        );
        assert.match(
          await explain(
            "SELECT * FROM alarms WHERE NOT retracted AND workflow <> 'resolved' ORDER BY severity_rank, raised_at_ms LIMIT 50",
          ),
          /alarms_open_queue/,
        );
      });
    });

    describe("retention", () => {
      it("refuses to drop a partition that was not exported, or that changed since its export", async () => {
        const store = await freshPg();
        const day = Date.UTC(2024, 9, 1);
        await store.readings.append([1, 2, 3].map((s) => reading(s, { atMs: day + s * 1000 })));
        const name = "readings_p20241001";
        await assert.rejects(
          store.dropPartition(name),
          expectStoreError("STORE_NOT_EXPORTED", name, "not been exported"),
        );

        const dir = join(exportRoot, "one");
        const exported = await store.exportPartition(name, dir);
        assert.equal(exported.rows, 3);
        const bytes = readFileSync(exported.file);
        assert.equal(createHash("sha256").update(bytes).digest("hex"), exported.sha256);
        const manifest = JSON.parse(readFileSync(join(dir, `${name}.manifest.json`), "utf8")) as {
          sha256: string;
          rows: number;
          file: string;
        };
        assert.deepEqual(
          [manifest.sha256, manifest.rows, manifest.file],
          [exported.sha256, 3, `${name}.ndjson.gz`],
        );
        const lines = gunzipSync(bytes)
          .toString("utf8")
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l) as { seq: number; raw: string; dedupKey: string });
        assert.deepEqual(
          lines.map((l) => l.seq),
          [1, 2, 3],
        );
        assert.equal(lines[0]!.raw, Buffer.from(reading(1).raw).toString("hex"));
        assert.equal(lines[0]!.dedupKey, reading(1, { atMs: day + 1000 }).dedupKey);

        // A late reading for that day arrives after the export.
        await store.readings.append([reading(4, { atMs: day + 4000 })]);
        await assert.rejects(
          store.dropPartition(name),
          expectStoreError("STORE_NOT_EXPORTED", "holds 4 readings but its export holds 3"),
        );
        await store.exportPartition(name, dir);
        await store.dropPartition(name);
        assert.ok(!(await store.listPartitions()).some((p) => p.name === name));
        assert.deepEqual(await store.readings.forDevice("dev-1", day, day + DAY_MS), []);
        const { rows } = await admin.query<{ dropped: string | null }>(
          "SELECT dropped_at_ms AS dropped FROM reading_exports WHERE partition_name = $1 ORDER BY id",
          [name],
        );
        assert.equal(rows.length, 2);
        assert.ok(rows.every((r) => r.dropped !== null));
      });

      it("exports then drops only the partitions older than the retention period", async () => {
        const store = await freshPg();
        const nowMs = Date.now();
        const old = Math.floor(nowMs / DAY_MS) * DAY_MS - 40 * DAY_MS;
        const recent = Math.floor(nowMs / DAY_MS) * DAY_MS - 5 * DAY_MS;
        await store.readings.append([
          reading(1, { atMs: old + 5000 }),
          reading(2, { atMs: recent + 5000 }),
          reading(3, { atMs: Date.UTC(2099, 0, 1) }),
        ]);
        const dir = join(exportRoot, "retention");
        const result = await store.applyRetention({ olderThanDays: 30, exportDir: dir, nowMs });
        const oldName = partitionName(old / DAY_MS);
        assert.ok(result.dropped.includes(oldName), result.dropped.join(","));
        assert.ok(!result.dropped.includes(partitionName(recent / DAY_MS)));
        assert.deepEqual(
          result.exported.map((e) => e.partition),
          result.dropped,
        );
        for (const e of result.exported) assert.ok(existsSync(e.file));
        assert.equal(result.exported.find((e) => e.partition === oldName)?.rows, 1);
        const left = (await store.readings.afterSeq(0, 10)).map((r) => r.seq);
        assert.deepEqual(left, [2, 3], "recent and default-partition readings stay");
        const again = await store.applyRetention({ olderThanDays: 30, exportDir: dir, nowMs });
        assert.deepEqual(again.dropped, []);
      });
    });

    describe("outages", () => {
      it("fails loudly while the database is down and recovers by itself when it returns", async () => {
        await harness.fresh();
        const proxy = await TcpProxy.start(database.host, database.port);
        try {
          const through = new URL(url);
          through.host = `127.0.0.1:${proxy.port}`;
          const store = await open({ connectTimeoutMs: 1000 }, through.toString());
          assert.deepEqual(await store.readings.append([reading(1)]), ["stored"]);

          proxy.cut();
          await assert.rejects(
            store.readings.append([reading(2)]),
            expectStoreError("STORE_UNAVAILABLE", store.location),
          );
          await assert.rejects(
            store.audit.append({ atMs: 1, actor: "a", action: "x", subjectType: "t", subjectId: "1" }),
            expectStoreError("STORE_UNAVAILABLE"),
          );
          await assert.rejects(
            store.readings.latest("dev-1"),
            (error: unknown) =>
              isStoreError(error, "STORE_UNAVAILABLE") && !error.message.includes("not-a-secret"),
          );

          proxy.restore();
          assert.deepEqual(
            await store.readings.append([reading(2)]),
            ["stored"],
            "the first call after the return succeeds",
          );
          assert.equal(await store.readings.maxSeq(), 2);
        } finally {
          await proxy.close();
        }
      });

      it("under load, acknowledges only what is stored and stores everything once retried", async () => {
        await harness.fresh();
        const proxy = await TcpProxy.start(database.host, database.port);
        try {
          const through = new URL(url);
          through.host = `127.0.0.1:${proxy.port}`;
          const store = await open({ connectTimeoutMs: 500 }, through.toString());
          const writer = new ReadingWriter(store.readings, { maxBatch: 50, maxDelayMs: 2 });
          const records = Array.from({ length: 1500 }, (_, i) => reading(i + 1));
          const results: PromiseSettledResult<AppendOutcome>[] = [];
          const pending: Promise<void>[] = [];
          for (let i = 0; i < records.length; i++) {
            pending.push(
              writer.write(records[i]!).then(
                (value) => void (results[i] = { status: "fulfilled", value }),
                (reason: unknown) => void (results[i] = { status: "rejected", reason }),
              ),
            );
            if (i === 500) proxy.cut();
            if (i === 900) proxy.restore();
            if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
          }
          await Promise.all(pending);
          await writer.close();
          const acknowledged = results.flatMap((r, i) => (r.status === "fulfilled" ? [i + 1] : []));
          const failed = results.flatMap((r, i) => (r.status === "rejected" ? [i + 1] : []));
          assert.ok(failed.length > 0, "the outage was felt");
          for (const r of results)
            if (r.status === "rejected")
              assert.ok(isStoreError(r.reason, "STORE_UNAVAILABLE"), String(r.reason));
          const { rows } = await admin.query<{ seq: string }>("SELECT seq FROM readings");
          const stored = new Set(rows.map((r) => Number(r.seq)));
          for (const seq of acknowledged) assert.ok(stored.has(seq), `acknowledged reading ${seq} is stored`);
          // The gateway retries what was not acknowledged; dedup makes the retry safe.
          const retried = await store.readings.append(failed.map((seq) => records[seq - 1]!));
          assert.ok(retried.every((o) => o === "stored" || o === "duplicate"));
          assert.equal(await store.readings.maxSeq(), 1500);
          const { rows: count } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM readings");
          assert.equal(Number(count[0]!.n), 1500);
        } finally {
          await proxy.close();
        }
      });

      it("refuses to open when nothing answers, quickly and without the password", async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as { port: number }).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        await assert.rejects(
          openStore({
            url: `postgres://postgres:hunter2@127.0.0.1:${port}/sealwatch`,
            postgres: { connectTimeoutMs: 500 },
          }),
          (error: unknown) =>
            isStoreError(error, "STORE_UNAVAILABLE") &&
            error.message.includes(`127.0.0.1:${port}`) &&
            !error.message.includes("hunter2"),
        );
      });
    });

    describe("command line", () => {
      it("db status, audit verify and db retention work on a PostgreSQL URL", async () => {
        const store = await freshPg();
        const nowMs = Date.now();
        const old = Math.floor(nowMs / DAY_MS) * DAY_MS - 100 * DAY_MS;
        await store.readings.append([reading(1, { atMs: old + 1 }), reading(2, { atMs: nowMs })]);
        await store.audit.append({
          atMs: nowMs,
          actor: "officer-1",
          action: "trip.declare",
          subjectType: "trip",
          subjectId: "t1",
        });

        const status = await runCli(["db", "status", "--db", url]);
        assert.equal(status.code, 0, status.stderr);
        assert.ok(status.stdout.includes(`store: postgres ${redactUrl(url)}`), status.stdout);
        assert.ok(!status.stdout.includes("not-a-secret"));
        const latest = PG_MIGRATIONS.length;
        assert.match(status.stdout, new RegExp(`schema: version ${latest} applied, latest ${latest}`));
        assert.match(status.stdout, /counts: readings 2, /);
        assert.match(status.stdout, /partitions: \d+ daily/);

        const verify = await runCli(["audit", "verify", "--db", url]);
        assert.equal(verify.code, 0, verify.stderr);
        await store.pool.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1");
        const broken = await runCli(["audit", "verify", "--db", url]);
        assert.equal(broken.code, 1);
        assert.match(broken.stdout, /^BROKEN at record 1/);

        const exportDir = join(exportRoot, "cli");
        const retention = await runCli([
          "db",
          "retention",
          "--older-than",
          "30",
          "--export-dir",
          exportDir,
          "--db",
          url,
        ]);
        assert.equal(retention.code, 0, retention.stderr);
        assert.match(retention.stdout, new RegExp(`dropped ${partitionName(old / DAY_MS)}`));
        assert.deepEqual(
          (await store.readings.afterSeq(0, 10)).map((r) => r.seq),
          [2],
        );
      });
    });

    describe("opening", () => {
      it("openStore picks PostgreSQL for postgres:// and postgresql:// URLs", async () => {
        await harness.fresh();
        const a = await openStore({ url });
        opened.push(a);
        assert.equal(a.kind, "postgres");
        const b = await openStore({ url: url.replace(/^postgresql:/, "postgres:"), readOnly: true });
        opened.push(b);
        assert.equal(b.kind, "postgres");
        assert.ok(!b.location.includes("not-a-secret"));
      });

      it("the unnest append path gives the same outcomes as COPY", async () => {
        await harness.fresh();
        const store = await open({ appendMethod: "unnest" });
        const awkward = reading(3, {
          deviceId: "dev\t1\\x",
          vendor: { text: "line\nbreak\ttab\\slash\r" },
          office: "o\\N",
        });
        assert.deepEqual(await store.readings.append([reading(1), reading(2), reading(1), awkward]), [
          "stored",
          "stored",
          "duplicate",
          "stored",
        ]);
        assert.deepEqual(await store.readings.append([reading(2)]), ["duplicate"]);
        const copy = await open();
        assert.deepEqual(await copy.readings.append([awkward, reading(4, { deviceId: "dev\t1\\x" })]), [
          "duplicate",
          "stored",
        ]);
        assert.deepEqual(
          (await copy.readings.afterSeq(2, 10)).find((r) => r.seq === 3),
          awkward,
        );
      });

      it("refuses a database migrated by a newer Sealwatch", async () => {
        await harness.fresh();
        await admin.query(
          "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (99, 'future', 0)",
        );
        try {
          await assert.rejects(open(), expectStoreError("STORE_SCHEMA_TOO_NEW", "99"));
        } finally {
          await admin.query("DELETE FROM schema_migrations WHERE version = 99");
        }
      });
    });
  });
}
