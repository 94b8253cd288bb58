/**
 * Clock-driven state survives restarts exactly (issue 17, item 19): a live overdue alarm is neither
 * retracted by recovery nor raised again by the next tick, whether the engine stopped cleanly or
 * died (no checkpoint written), on SQLite and on PostgreSQL. The audit chain is the witness: one
 * alarm.raise, and no retract/reinstate pair however often the server restarts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { MonitorHost } from "../../src/monitor/host.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/ports.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { T0, device, trip, zone } from "../store/records.js";

const probe = await probePostgres();
const ORIGIN: [number, number] = [8.54, 47.37];
const MIDWAY: [number, number] = [8.8, 47.45];
const FURTHER: [number, number] = [8.9, 47.48];
const DEADLINE_MS = T0 + 3_600_000;
const RESTARTS = 6;

async function openHost(store: Store, clock: ManualClock): Promise<MonitorHost> {
  return MonitorHost.open({ store, log: new ReadingWriter(store.readings), bus: new MemoryLiveBus(), clock });
}

async function reading(host: MonitorHost, clock: ManualClock, at: [number, number]): Promise<void> {
  await host.submitReading({
    deviceId: "dev-1",
    kind: "message",
    atMs: clock.nowMs(),
    lon: at[0],
    lat: at[1],
    valid: true,
    seal: "closed",
    protocol: "test",
    raw: new Uint8Array([1]),
  });
  await host.idle();
}

/** Arms a trip, lets its deadline pass (overdue raised), then restarts it `RESTARTS` times. */
async function restartWithLiveOverdue(open: () => Promise<Store>): Promise<void> {
  const clock = new ManualClock(T0);
  let store = await open();
  await store.zones.put(zone("office-a", { shape: { type: "circle", center: ORIGIN, radiusM: 500 } }));
  await store.zones.put(zone("office-b", { shape: { type: "circle", center: [9.0, 47.5], radiusM: 500 } }));
  // Reporting daily: the hours without a message raise no signal loss, only the deadline counts.
  await store.devices.put(device("dev-1", { reportIntervalS: 86_400 }));
  await store.trips.insert(trip("t1", { deadlineMs: DEADLINE_MS }));
  let host = await openHost(store, clock);
  await reading(host, clock, ORIGIN);
  clock.advance(60_000);
  const armed = await host.command({ tripId: "t1", command: "arm", actor: "officer" });
  assert.equal(armed.accepted, true, armed.refusal);
  clock.advance(60_000);
  await reading(host, clock, MIDWAY);
  clock.set(DEADLINE_MS + 60_000);
  await host.tick();
  await host.idle();
  const alarmActions = async (): Promise<string[]> =>
    (await store.audit.list({ subjectType: "alarm" })).map(
      (r) => `${r.action} ${(r.details as { type?: string } | undefined)?.type}`,
    );
  assert.deepEqual(await alarmActions(), ["alarm.raise overdue"], "the deadline passed: overdue raised");

  for (let i = 0; i < RESTARTS; i++) {
    const crash = i % 2 === 0;
    clock.advance(30_000);
    if (i === 2) await reading(host, clock, FURTHER);
    await host.tick();
    await host.idle();
    // A crash leaves no checkpoint: only what the store holds survives.
    if (!crash) await host.close();
    await store.close();
    store = await open();
    host = await openHost(store, clock);
    await host.idle();
    clock.advance(30_000);
    await host.tick();
    await host.idle();
    assert.deepEqual(
      await alarmActions(),
      ["alarm.raise overdue"],
      `after restart ${i + 1} (${crash ? "crash" : "stop"})`,
    );
  }
  const overdue = (await store.alarms.forTrip("t1")).filter((a) => a.type === "overdue");
  assert.equal(overdue.length, 1);
  assert.equal(overdue[0]!.retracted, false);
  assert.equal(overdue[0]!.clearedAtMs, null);
  assert.equal((await store.audit.verify()).ok, true);
  await host.close();
  await store.close();
}

describe("a live overdue alarm across restarts", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-overdue-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("SQLite: no retraction and no second raise after stops and crashes", async () => {
    const path = join(dir, "overdue.db");
    await restartWithLiveOverdue(() => openStore({ path }));
  });

  it(
    "PostgreSQL: no retraction and no second raise after stops and crashes",
    {
      skip: probe.ok ? false : "PostgreSQL unreachable",
    },
    async () => {
      const db = await createThrowawayDatabase("sealwatch_overdue");
      try {
        await restartWithLiveOverdue(() => openStore({ url: db.url }));
      } finally {
        await dropDatabase(db.name);
      }
    },
  );
});
