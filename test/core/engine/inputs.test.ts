/** Rejected inputs, duplicates and the arrival-order rule of the monitoring contract (sections 3 and 4). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScenarioBuilder, along, spans, t } from "../../support/scenario-builder.js";

function rejected(b: ScenarioBuilder): number[] {
  return b.run().rejected.map((r) => r.input);
}

describe("malformed inputs", () => {
  const [lon, lat] = along(10);
  const base = { type: "message", device: "D1", at: t(5) };
  const cases: [string, unknown][] = [
    ["not an object", 42],
    ["no type", { device: "D1", at: t(5) }],
    ["an unknown type", { ...base, type: "ping" }],
    ["no at", { type: "message", device: "D1" }],
    ["an unparsable time", { ...base, at: "2025-06-13T25:61:00Z" }],
    ["a leap second", { ...base, at: "2025-06-30T23:59:60Z" }],
    ["a lower-case t", { ...base, at: "2025-06-10t08:05:00Z" }],
    ["February 30th", { ...base, at: "2025-02-30T08:05:00Z" }],
    ["no device", { type: "message", at: t(5) }],
    ["an unknown device", { ...base, device: "NOPE" }],
    ["a latitude of 95", { ...base, position: { lon, lat: 95 } }],
    ["a longitude of -181", { ...base, position: { lon: -181, lat } }],
    ["a position without lat", { ...base, position: { lon } }],
    ["a position of null", { ...base, position: null }],
    ["a string speed", { ...base, position: { lon, lat, speedKmh: "60" } }],
    ["a negative speed", { ...base, position: { lon, lat, speedKmh: -1 } }],
    ["a course of 361", { ...base, position: { lon, lat, courseDeg: 361 } }],
    ["a non-boolean valid", { ...base, position: { lon, lat, valid: "yes" } }],
    ["a battery of 120", { ...base, batteryPct: 120 }],
    ["a negative battery", { ...base, batteryPct: -0.5 }],
    ["a seal of 'broken'", { ...base, seal: "broken" }],
    ["a tamper of null", { ...base, tamper: null }],
    ["a receivedAt before at", { ...base, receivedAt: t(4) }],
    ["a receivedAt that does not parse", { ...base, receivedAt: "yesterday" }],
    ["an unknown command", { type: "command", at: t(5), command: "unlock", trip: "T1" }],
    ["a command without trip", { type: "command", at: t(5), command: "arm" }],
    ["a command for an unknown trip", { type: "command", at: t(5), command: "arm", trip: "T9" }],
    [
      "a non-boolean force",
      { type: "command", at: t(5), command: "disarm", trip: "T1", force: "yes", reason: "x" },
    ],
    [
      "a non-string reason",
      { type: "command", at: t(5), command: "disarm", trip: "T1", force: true, reason: 7 },
    ],
    [
      "a read with an unknown status",
      { type: "read", at: t(5), device: "RF1", office: "ORIGIN", status: "ok" },
    ],
    [
      "a read at an unknown office",
      { type: "read", at: t(5), device: "RF1", office: "NOWHERE", status: "intact" },
    ],
    [
      "a read at a zone that is not an office",
      { type: "read", at: t(5), device: "RF1", office: "REST", status: "intact" },
    ],
    [
      "a read of an active device",
      { type: "read", at: t(5), device: "D1", office: "ORIGIN", status: "intact" },
    ],
    ["a message from a passive device", { type: "message", at: t(5), device: "RF1" }],
    ["a read without office", { type: "read", at: t(5), device: "RF1", status: "intact" }],
  ];
  for (const [name, input] of cases) {
    it(`rejects ${name} and goes on`, () => {
      const b = new ScenarioBuilder({
        devices: [
          { id: "D1", class: "active", reportIntervalS: 60 },
          { id: "RF1", class: "passive" },
        ],
        extraZones: [{ id: "REST", kind: "rest", circle: { center: along(50), radiusM: 500 } }],
      });
      b.msg(1, { km: 0, seal: "closed" }).raw(input).msg(6, { km: 0, seal: "closed" });
      const out = b.run();
      assert.deepEqual(
        out.rejected.map((r) => r.input),
        [1],
      );
      assert.ok(out.rejected[0]!.reason.length > 0);
    });
  }

  it("ignores fields the format does not name", () => {
    const b = new ScenarioBuilder().msg(1, {
      km: 0,
      seal: "closed",
      firmware: "3.2",
      extra: { nested: true },
    });
    assert.deepEqual(rejected(b), []);
  });
});

describe("arrival order and the clock", () => {
  it("rejects an input that arrives earlier than the clock, without advancing it", () => {
    const b = new ScenarioBuilder()
      .msg(10, { seal: "closed" })
      .msg(9, { seal: "closed" })
      .command(9.5, "arm")
      .command(10, "arm");
    assert.deepEqual(rejected(b), [1, 2]);
  });

  it("accepts a late event whose arrival is not earlier than the clock", () => {
    const b = new ScenarioBuilder().msg(10, { seal: "closed" }).msg(2, { seal: "closed", receivedMin: 10 });
    assert.deepEqual(rejected(b), []);
  });
});

describe("duplicates", () => {
  it("ignores a retransmission entirely: not rejected, not received, the clock does not move", () => {
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 });
    // The same message again, arriving much later (receivedAt differs: not part of the content).
    b.msg(1, { km: 5, receivedMin: 30 });
    b.tick(3.5);
    const out = b.run();
    assert.deepEqual(out.rejected, []);
    // Had the copy counted, the clock would be at 30 and the tick at 3.5 would be rejected.
    assert.deepEqual(spans(out, "signal_loss"), [[t(1), null]]);
  });

  it("detects duplicates before the arrival check", () => {
    const b = new ScenarioBuilder()
      .msg(1, { seal: "closed" })
      .msg(5, { seal: "open" })
      .msg(1, { seal: "closed" });
    assert.deepEqual(rejected(b), []);
  });

  it("keeps same-instant messages with different content, ordered by their canonical form", () => {
    // Both at minute 10: {"seal":"closed",...} sorts before {"seal":"open",...}, so the seal goes closed → open.
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 });
    b.msg(10, { km: 30, seal: "open" }).msg(10, { km: 30, seal: "closed" });
    assert.deepEqual(spans(b.run(), "unauthorized_opening"), [[t(10), null]]);
  });

  it("rejects a malformed copy as malformed; a copy of a rejected input is not a duplicate", () => {
    const b = new ScenarioBuilder().msg(5, { seal: "closed" });
    b.raw({ type: "message", device: "D1", at: t(5), seal: "closed", receivedAt: "bad" });
    b.msg(3, { seal: "closed" }); // late: rejected
    b.msg(3, { seal: "closed", receivedMin: 6 }); // same content as the rejected one: accepted
    assert.deepEqual(rejected(b), [1, 2]);
  });

  it("treats reads the same way", () => {
    const b = new ScenarioBuilder({ devices: [{ id: "RF1", class: "passive" }] });
    b.read(1, "RF1", "ORIGIN", "intact").read(1, "RF1", "ORIGIN", "intact").command(2, "arm");
    assert.deepEqual(rejected(b), []);
    assert.equal(b.run().trips[0]!.state, "in_transit");
  });
});

describe("reads uploaded late by a reader", () => {
  it("are placed by event time and judged by their arrival, without moving the clock by the reader's clock", async () => {
    const { MonitoringEngine } = await import("../../../src/core/engine/engine.js");
    const { along: at } = await import("../../support/scenario-builder.js");
    const engine = new MonitoringEngine();
    const square = (lon: number): [number, number][] => [
      [lon - 0.01, -0.01],
      [lon + 0.01, -0.01],
      [lon + 0.01, 0.01],
      [lon - 0.01, 0.01],
    ];
    engine.addZone({ id: "A", kind: "office", shape: { type: "polygon", ring: square(0) } });
    engine.addZone({ id: "B", kind: "office", shape: { type: "polygon", ring: square(1) } });
    engine.addDevice({ id: "RF1", class: "passive" });
    engine.addDevice({ id: "D9", class: "active", reportIntervalS: 3600 });
    engine.declareTrip({
      id: "T",
      origin: "A",
      destination: "B",
      route: [at(0), at(111)],
      devices: ["RF1"],
      deadlineMs: 10_000_000,
    });
    const read = (atMs: number, status: "intact" | "broken", receivedAtMs?: number) =>
      engine.apply({
        type: "read",
        device: "RF1",
        office: "A",
        status,
        atMs,
        ...(receivedAtMs === undefined ? {} : { receivedAtMs }),
        content: { atMs, status },
      });
    assert.equal(read(1000, "intact").status, "accepted");
    assert.equal(engine.apply({ type: "command", command: "arm", trip: "T", atMs: 2000 }).status, "accepted");
    // Another device moves the clock to 9000.
    assert.equal(
      engine.apply({ type: "message", device: "D9", atMs: 9000, receivedAtMs: 9000, content: {} }).status,
      "accepted",
    );
    // A read made at 5000 and uploaded at 9500 is accepted and raises tamper at its event time.
    const late = read(5000, "broken", 9500);
    assert.equal(late.status, "accepted");
    assert.deepEqual(
      late.alarms.map((c) => [c.change, c.alarm.type, c.alarm.startedAtMs]),
      [["raised", "tamper", 5000]],
    );
    assert.equal(engine.clockMs, 9500);
    // Without an arrival time, the same late read would be judged by its own time, and refused.
    assert.equal(read(6000, "intact").status, "rejected");
  });
});
