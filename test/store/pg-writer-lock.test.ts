/**
 * One single-node writer per PostgreSQL database (src/store/postgres/writer-lock.ts), against the real
 * server: a second engine host on the same database is refused with STORE_LOCKED naming the database;
 * the lock goes with the store; a terminated lock connection stops every write until the lock is held
 * again, and for good when another process took it meanwhile. Partition hosts (the distributed mode)
 * never claim it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { MonitorHost } from "../../src/monitor/host.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { WRITER_LOCK } from "../../src/store/postgres/writer-lock.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { isStoreError } from "../../src/store/store-error.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "./pg-support.js";
import { reading } from "./records.js";

const probe = await probePostgres();

const lockedError = (database: string) => (error: unknown) => {
  assert.ok(isStoreError(error, "STORE_LOCKED"), `expected STORE_LOCKED, got ${String(error)}`);
  assert.ok(error.message.includes(database), `"${error.message}" should name the database ${database}`);
  return true;
};

describe("PostgreSQL single-node writer lock", { skip: probe.ok ? false : "PostgreSQL unreachable" }, () => {
  let database: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let admin: pg.Pool;
  const opened: PostgresStore[] = [];
  const open = async (events?: { event: string }[]): Promise<PostgresStore> => {
    const store = await PostgresStore.open(database.url, {
      ...(events === undefined ? {} : { onWriterLock: (event) => events.push({ event }) }),
    });
    opened.push(store);
    return store;
  };
  const hostOn = (store: PostgresStore, partition?: number): Promise<MonitorHost> =>
    MonitorHost.open({
      store,
      log: new ReadingWriter(store.readings),
      bus: new MemoryLiveBus(),
      clock: new ManualClock(0),
      ...(partition === undefined
        ? {}
        : {
            partition: { ownsTrip: () => true, stateKeyPrefix: `partition.${partition}.` },
          }),
    });
  /** The backend pid holding the writer lock, if any. */
  const lockHolder = async (): Promise<number | undefined> => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
         AND ((classid::bigint << 32) | objid::bigint) = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [WRITER_LOCK],
    );
    return rows[0]?.pid;
  };
  const eventually = async (what: string, check: () => boolean | Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`never happened: ${what}`);
  };

  before(async () => {
    database = await createThrowawayDatabase("sealwatch_writer");
    admin = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    for (const store of opened) await store.close();
    await admin?.end();
    if (database !== undefined) await dropDatabase(database.name);
  });

  it("refuses a second single-node engine on the same database, naming it, until the first closes", async () => {
    const first = await open();
    const host = await hostOn(first);
    assert.notEqual(await lockHolder(), undefined);
    const second = await open();
    await assert.rejects(hostOn(second), lockedError(database.name));
    await assert.rejects(second.claimWriter(), lockedError(database.name));
    // Reading and the distributed mode's partition hosts are not refused.
    assert.equal((await second.migrationStatus()).current > 0, true);
    const partitionHost = await hostOn(second, 0);
    await partitionHost.close();
    await host.close();
    await first.close();
    await eventually(
      "the lock is free once its store closed",
      async () => (await lockHolder()) === undefined,
    );
    await second.claimWriter();
    await second.claimWriter();
    assert.notEqual(await lockHolder(), undefined);
    await second.close();
  });

  it("writes nothing while its lock connection is gone and resumes once it holds the lock again", async () => {
    const events: { event: string }[] = [];
    const store = await open(events);
    await store.claimWriter();
    await store.readings.append([reading(1)]);
    const pid = (await lockHolder())!;
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    await eventually("the loss is noticed", () => events.some((e) => e.event === "lost"));
    await eventually("the lock is held again", () => events.some((e) => e.event === "regained"));
    assert.notEqual(await lockHolder(), pid);
    assert.deepEqual(await store.readings.append([reading(2)]), ["stored"]);
    await store.close();
  });

  it("never writes again once another process took the lock while it was lost", async () => {
    const events: { event: string }[] = [];
    const store = await open(events);
    await store.claimWriter();
    const pid = (await lockHolder())!;
    // Another process waits for the lock, so it gets it the instant the first one's connection is gone.
    const thief = new pg.Client({ connectionString: database.url });
    await thief.connect();
    try {
      const taken = thief.query("SELECT pg_advisory_lock($1)", [WRITER_LOCK]);
      await eventually("the other process waits for the lock", async () => {
        const { rows } = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return rows[0]!.n === 1;
      });
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      await taken;
      await eventually("the takeover is noticed", () => events.some((e) => e.event === "taken_over"));
      await assert.rejects(store.readings.append([reading(3)]), lockedError(database.name));
      await assert.rejects(store.alarms.get("any"), lockedError(database.name));
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM readings WHERE seq = 3",
      );
      assert.equal(rows[0]!.n, 0);
    } finally {
      await thief.end();
      await store.close();
    }
  });
});
