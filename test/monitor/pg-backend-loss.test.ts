/**
 * Durable means applied (issue 17, item 20), against the real PostgreSQL: while every Sealwatch
 * backend is terminated again and again (pg_terminate_backend) under load, each reading the store
 * acknowledged is stored once and reaches the engine once; a batch whose COMMIT confirmation was lost
 * is settled by looking its readings up, not reported as failed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { MonitorHost, type IncomingReading } from "../../src/monitor/host.js";
import { PostgresStore } from "../../src/store/postgres/postgres-store.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { StoreError, isStoreError } from "../../src/store/store-error.js";
import type { ReadingRecord } from "../../src/store/ports.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { T0, device, reading } from "../store/records.js";

const probe = await probePostgres();
const READINGS = 600;
const DEVICES = 12;

type CopyPath = { appendByCopy(batch: readonly ReadingRecord[]): Promise<boolean> };

describe("PostgreSQL backends lost under load", { skip: probe.ok ? false : "PostgreSQL unreachable" }, () => {
  let database: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let admin: pg.Pool;
  before(async () => {
    database = await createThrowawayDatabase("sealwatch_backends");
    admin = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  after(async () => {
    await admin?.end();
    if (database !== undefined) await dropDatabase(database.name);
  });

  it("settles a batch whose COMMIT confirmation was lost by looking it up", async () => {
    const store = await PostgresStore.open(database.url);
    try {
      const copy = store.readings as unknown as CopyPath;
      const original = copy.appendByCopy.bind(copy);
      const lost = new StoreError("STORE_UNAVAILABLE", "Connection terminated unexpectedly");
      // Committed, but the answer never came back.
      copy.appendByCopy = async (batch) => {
        await original(batch);
        throw lost;
      };
      assert.deepEqual(await store.readings.append([reading(1), reading(2), reading(2)]), [
        "stored",
        "stored",
        "duplicate",
      ]);
      // Not committed: the failure stands, and nothing is stored.
      copy.appendByCopy = () => Promise.reject(lost);
      await assert.rejects(store.readings.append([reading(3), reading(4)]), (error: unknown) =>
        isStoreError(error, "STORE_UNAVAILABLE"),
      );
      copy.appendByCopy = original;
      assert.deepEqual(
        (await store.readings.forDevice("dev-1", 0, Number.MAX_SAFE_INTEGER)).map((r) => r.seq),
        [1, 2],
      );
    } finally {
      await store.close();
    }
  });

  it("applies every acknowledged reading exactly once while backends are terminated", async () => {
    const store = await PostgresStore.open(database.url, { connectTimeoutMs: 2000 });
    await admin.query("TRUNCATE readings");
    for (let d = 0; d < DEVICES; d++) await store.devices.put(device(`dev-${d}`));
    const host = await MonitorHost.open({
      store,
      log: new ReadingWriter(store.readings, { maxDelayMs: 2 }),
      bus: new MemoryLiveBus(),
      clock: new ManualClock(T0),
    });
    let loading = true;
    let terminated = 0;
    const terminator = (async () => {
      while (loading) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'sealwatch%'`,
        );
        terminated += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    let failures = 0;
    const acknowledged = new Set<number>();
    /** One device: its readings in order, each sent again until the store acknowledges it. */
    const deviceLoad = async (d: number): Promise<void> => {
      for (let i = d; i < READINGS; i += DEVICES) {
        const incoming: IncomingReading = {
          deviceId: `dev-${d}`,
          kind: "message",
          atMs: T0 + i * 1000,
          lon: 8.5 + i / 10_000,
          lat: 47.3,
          valid: true,
          protocol: "test",
          raw: new Uint8Array([i & 0xff]),
        };
        for (;;) {
          try {
            await host.submitReading(incoming);
            acknowledged.add(i);
            break;
          } catch {
            failures++;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: DEVICES }, (_, d) => deviceLoad(d)));
    } finally {
      loading = false;
      await terminator;
    }
    await host.idle();
    assert.ok(
      terminated > 0 && failures > 0,
      `the load met lost backends (${terminated}, ${failures} failures)`,
    );
    assert.equal(acknowledged.size, READINGS);
    const { rows } = await admin.query<{ n: number; distinct: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT (device_id, at_ms))::int AS distinct FROM readings",
    );
    assert.deepEqual(rows[0], { n: READINGS, distinct: READINGS }, "each reading stored once");
    assert.equal(host.stats.readingsApplied, READINGS, "each stored reading reached the engine once");
    await host.close();
    await store.close();
  });
});
