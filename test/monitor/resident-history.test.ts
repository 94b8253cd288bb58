/**
 * Memory follows the devices and live trips, not the readings ever received (issue 17, item 24):
 * the host trims each device's history to what the rules can still need on its clock ticks. Devices
 * on no trip keep a window bounded in time; a device on a live trip keeps its trip window; a late
 * reading that reaches back before the window loads the history from the store and is judged
 * exactly as if it had never left memory (here: a duplicate of a trimmed reading stays a duplicate).
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
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { T0, device, trip, zone } from "../store/records.js";

const ORIGIN: [number, number] = [8.54, 47.37];
const INTERVAL_MS = 30_000;
const MARGIN_MS = 5 * 60_000;
/** The margin plus one trim period (1 min), in readings, plus the kept seal and fix. */
const BOUND = (MARGIN_MS + 60_000) / INTERVAL_MS + 4;

function message(deviceId: string, atMs: number, i: number) {
  return {
    deviceId,
    kind: "message" as const,
    atMs,
    lon: ORIGIN[0] + (i % 7) * 1e-5,
    lat: ORIGIN[1],
    valid: true,
    seal: "closed" as const,
    protocol: "test",
    raw: new Uint8Array([i & 0xff, i >> 8]),
  };
}

describe("device histories in memory are bounded", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-resident-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("devices on no trip keep a bounded window whatever the number of readings; late data reloads", async () => {
    const store = await openStore({ path: join(dir, "resident.db") });
    await store.zones.put(zone("office-a", { shape: { type: "circle", center: ORIGIN, radiusM: 500 } }));
    await store.zones.put(zone("office-b", { shape: { type: "circle", center: [9.0, 47.5], radiusM: 500 } }));
    await store.devices.put(device("idle-1"));
    await store.devices.put(device("idle-2"));
    await store.devices.put(device("dev-1"));
    await store.trips.insert(trip("t1", { deadlineMs: T0 + 30 * 86_400_000 }));
    const clock = new ManualClock(T0);
    const host = await MonitorHost.open({
      store,
      log: new ReadingWriter(store.readings),
      bus: new MemoryLiveBus(),
      clock,
      residentHistoryMarginMs: MARGIN_MS,
    });
    try {
      await host.submitReading(message("dev-1", clock.nowMs(), 0));
      await host.idle();
      clock.advance(1_000);
      const armed = await host.command({ tripId: "t1", command: "arm", actor: "officer" });
      assert.equal(armed.accepted, true, armed.refusal);
      const readings = 400;
      const peaks = new Map<string, number>();
      for (let i = 1; i <= readings; i++) {
        clock.advance(INTERVAL_MS);
        for (const id of ["idle-1", "idle-2", "dev-1"])
          await host.submitReading(message(id, clock.nowMs(), i));
        await host.idle();
        await host.tick();
        await host.idle();
        for (const id of ["idle-1", "idle-2"])
          peaks.set(id, Math.max(peaks.get(id) ?? 0, host.engine.residentEventCount(id)));
      }
      // Each reading sits in two sequences (fixes, seals): 800 events resident without trimming.
      for (const id of ["idle-1", "idle-2"]) {
        const peak = peaks.get(id)!;
        assert.ok(peak <= 2 * BOUND, `${id}: ${peak} events resident, bound ${2 * BOUND}`);
        assert.ok(host.engine.residentFromMs(id) > T0 + 60 * 60_000, `${id} was trimmed`);
      }
      // The device on a live trip keeps its whole trip window (its rules read it back).
      assert.ok(host.engine.residentEventCount("dev-1") >= 2 * readings);
      assert.ok(host.engine.residentFromMs("dev-1") < T0);

      // A copy of a trimmed reading arrives: its history comes back from the store, and it is a duplicate.
      const oldAtMs = T0 + 1_000 + 10 * INTERVAL_MS;
      assert.ok(oldAtMs < host.engine.residentFromMs("idle-1"));
      const before = host.stats.readingsDuplicate;
      const resubmitted = await host.submitReading(message("idle-1", oldAtMs, 10));
      assert.equal(resubmitted.outcome, "duplicate", "the store holds it already");
      await host.idle();
      assert.ok(host.engine.residentFromMs("idle-1") <= oldAtMs, "history reloaded from the store");
      assert.equal(host.stats.readingsDuplicate, before + 1, "the copy is recognised as a duplicate");
      // The next trim lets it go again.
      clock.advance(2 * 60_000);
      await host.tick();
      await host.idle();
      assert.ok(host.engine.residentEventCount("idle-1") <= 2 * BOUND);
    } finally {
      await host.close();
      await store.close();
    }
  });
});
