/** The live stream: tenancy filtering, resumption from a cursor, reset, heartbeats, slow clients. */
import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Principal } from "../../src/api/auth/policy.js";
import { SseClient } from "../../src/api/stream/sse-client.js";
import { Scope } from "../../src/api/scope.js";
import type { Store } from "../../src/store/ports.js";
import { MemoryLiveBus, type LiveEventBody } from "../../src/bus/live-events.js";
import { createHarness, MIDWAY, type Harness } from "./support.js";
import { SseReader } from "./sse.js";

interface AlarmEvent {
  kind: string;
  change: string;
  alarm: { id: string; tripId: string; type: string; workflow: string };
}

describe("the live stream over a real socket", () => {
  let h: Harness;
  let base: string;
  const readers: SseReader[] = [];
  const open = async (as: keyof Harness["tokens"], query = "", headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${base}/api/v1/stream${query}`, {
      authorization: `Bearer ${h.tokens[as]}`,
      ...headers,
    });
    readers.push(reader);
    await reader.until((r) => r.of("ready").length > 0, 5_000, "the ready event");
    return reader;
  };
  before(async () => {
    h = await createHarness({ streamHeartbeatS: 1 });
    base = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    for (const reader of readers) reader.close();
    await h.close();
  });

  it("sends each caller only what it may see: traders their company's, officers their offices'", async () => {
    const admin = await open("admin");
    const trader = await open("trader");
    const otherTrader = await open("trader2");
    const officer = await open("officer");
    const farOfficer = await open("officer2");
    const mine = await h.newAlarm("ACME");
    const theirs = await h.newAlarm("OTHER");
    const raised = (reader: SseReader) =>
      reader
        .of<AlarmEvent>("alarm")
        .filter((e) => e.change === "raised")
        .map((e) => e.alarm.tripId);
    await admin.until((r) => raised(r).includes(theirs.tripId));
    await trader.until((r) => raised(r).includes(mine.tripId));
    await otherTrader.until((r) => raised(r).includes(theirs.tripId));
    await officer.until((r) => raised(r).includes(theirs.tripId));
    assert.deepEqual(raised(trader), [mine.tripId]);
    assert.deepEqual(raised(otherTrader), [theirs.tripId]);
    assert.ok(trader.of<{ trip: { companyId: string } }>("trip").every((e) => e.trip.companyId === "ACME"));
    assert.ok(
      trader.of<{ reading: { tripId?: string } }>("reading").every((e) => e.reading.tripId === mine.tripId),
    );
    assert.deepEqual(raised(farOfficer), []);
    assert.equal(farOfficer.events.filter((e) => e.event !== "ready").length, 0);
    // Traders do not see who handles an alarm.
    await h.request("POST", `/api/v1/alarms/${mine.alarm.id}/assign`, {
      as: "operator",
      body: { assignee: "officer" },
    });
    await trader.until((r) => r.of<AlarmEvent>("alarm").some((e) => e.change === "workflow"));
    const workflow = trader
      .of<{ alarm: Record<string, unknown> }>("alarm")
      .find((e) => (e as unknown as AlarmEvent).change === "workflow")!;
    assert.equal(workflow.alarm.assignee, undefined);
  });

  it("resumes after a reconnect from Last-Event-ID (or ?after=) with nothing missed or repeated", async () => {
    const actor = (await h.request("GET", "/api/v1/auth/me", { as: "supervisor" })).json<{ actor: string }>()
      .actor;
    const position = (token: string) => h.context.cursors.open("stream", token, actor, "test");
    const first = await open("supervisor");
    await h.newAlarm("ACME");
    await first.until((r) => r.of("alarm").length > 0);
    const lastSeen = first.events.filter((e) => e.id !== undefined).at(-1)!.id!;
    first.close();
    const second = await h.newAlarm("ACME");
    const third = await h.newAlarm("OTHER");
    const resumes: { headers: Record<string, string>; query: string }[] = [
      { headers: { "last-event-id": lastSeen }, query: "" },
      { headers: {}, query: `?after=${encodeURIComponent(lastSeen)}` },
    ];
    for (const resume of resumes) {
      const reader = await open("supervisor", resume.query, resume.headers);
      await reader.until((r) => r.of<AlarmEvent>("alarm").some((e) => e.alarm.tripId === third.tripId));
      const ids = reader.events.filter((e) => e.id !== undefined).map((e) => position(e.id!));
      assert.equal(ids[0], position(lastSeen) + 1);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(reader.of<AlarmEvent>("alarm").some((e) => e.alarm.tripId === second.tripId));
      const ready = reader.of<{ lastCursor: string; resumed: boolean }>("ready")[0]!;
      assert.equal(position(ready.lastCursor), h.bus.lastCursor);
      assert.equal(ready.resumed, true);
      reader.close();
    }
  });

  it("keeps the connection open with heartbeats", async () => {
    const reader = await open("operator");
    await reader.until((r) => r.comments.some((c) => c.startsWith("heartbeat")), 3_000, "a heartbeat");
  });

  it("takes the token from ?access_token= (EventSource sends no headers)", async () => {
    const reader = await SseReader.open(`${base}/api/v1/stream?access_token=${h.tokens.operator}`);
    readers.push(reader);
    assert.equal(reader.status, 200);
    const refused = await fetch(`${base}/api/v1/trips?access_token=${h.tokens.operator}`);
    assert.equal(refused.status, 401);
  });

  it("refuses a bad cursor", async () => {
    const r = await fetch(`${base}/api/v1/stream`, {
      headers: { authorization: `Bearer ${h.tokens.admin}`, "last-event-id": "yesterday" },
    });
    assert.equal(r.status, 400);
  });
});

describe("a cursor older than the buffer", () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await createHarness({}, { busCapacity: 10 });
    base = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(() => h.close());

  it("gets a reset event first, then what the buffer still holds", async () => {
    const { deviceId } = await h.newTrip({ stage: "in_transit" });
    for (let i = 0; i < 15; i++) await h.reading(deviceId, MIDWAY);
    assert.ok(h.bus.lastCursor > 12);
    const actor = (await h.request("GET", "/api/v1/auth/me", { as: "admin" })).json<{ actor: string }>()
      .actor;
    const old = h.context.cursors.seal("stream", 1, actor);
    const reader = await SseReader.open(`${base}/api/v1/stream?after=${old}`, {
      authorization: `Bearer ${h.tokens.admin}`,
    });
    await reader.until((r) => r.of("ready").length > 0);
    assert.equal(reader.events[0]!.event, "reset");
    const position = (token: string) => h.context.cursors.open("stream", token, actor, "test");
    const reset = reader.of<{ after: string; lastCursor: string }>("reset")[0]!;
    assert.equal(reset.after, old);
    assert.equal(position(reset.lastCursor), h.bus.lastCursor);
    const ready = reader.of<{ lastCursor: string; resumed: boolean }>("ready")[0]!;
    assert.equal(position(ready.lastCursor), h.bus.lastCursor);
    assert.equal(ready.resumed, false);
    reader.close();
  });
});

/** A response whose socket never drains: every write after the first reports backpressure. */
class StuckResponse extends EventEmitter {
  written: string[] = [];
  destroyed = false;
  ended = false;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.written.push(text);
    return false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

describe("a slow stream client", () => {
  const admin: Principal = {
    kind: "user",
    id: "admin",
    name: "admin",
    role: "admin",
    offices: [],
    actor: "user:admin",
  };
  // Staff see every reference: the scope never needs the store.
  const adminScope = new Scope(admin, {} as Store, Buffer.alloc(32));
  const reading = (deviceId: string, atMs: number): LiveEventBody => ({
    kind: "reading",
    reading: { deviceId, atMs, receivedAtMs: atMs, position: { lon: 1, lat: 1, valid: true } },
    offices: [],
  });

  it("never blocks the bus: readings are coalesced per device, and a client too far behind is cut off", () => {
    const bus = new MemoryLiveBus(1000);
    const response = new StuckResponse();
    const dropped: Record<string, number> = {};
    let closed = false;
    const client = new SseClient(response as unknown as ServerResponse, admin, {
      maxPending: 20,
      heartbeatMs: 60_000,
      targets: { critical: 120, high: 300, medium: 900, low: 3600 },
      scope: adminScope,
      cursorToken: String,
      credentialEnded: () => Promise.resolve(undefined),
      recheckMs: 60_000,
      onDropped: (reason, count) => (dropped[reason] = (dropped[reason] ?? 0) + count),
      onClosed: () => (closed = true),
    });
    client.start(bus, undefined);
    const writesAtStart = response.written.length;
    for (let i = 0; i < 1000; i++) bus.publish(reading(`D${i % 5}`, i), i);
    // Nothing more was written while the socket was full; five devices' latest readings wait.
    assert.equal(response.written.length, writesAtStart);
    assert.equal(dropped.coalesced, 995);
    assert.equal(closed, false);
    for (let i = 0; i < 30; i++) bus.publish(reading(`E${i}`, 2000 + i), 2000 + i);
    assert.equal(closed, true);
    assert.equal(response.destroyed, true);
    assert.ok((dropped.cut_off ?? 0) > 20);
    // The bus carries on for everyone else.
    bus.publish(reading("D0", 5000), 5000);
  });

  it("sends what waited, in cursor order, once the socket drains", async () => {
    const bus = new MemoryLiveBus(1000);
    const response = new StuckResponse();
    const client = new SseClient(response as unknown as ServerResponse, admin, {
      maxPending: 100,
      heartbeatMs: 60_000,
      targets: { critical: 120, high: 300, medium: 900, low: 3600 },
      scope: adminScope,
      cursorToken: String,
      credentialEnded: () => Promise.resolve(undefined),
      recheckMs: 60_000,
      onDropped: () => undefined,
      onClosed: () => undefined,
    });
    client.start(bus, undefined);
    bus.publish(reading("A", 1), 1);
    bus.publish(reading("B", 2), 2);
    bus.publish(reading("A", 3), 3);
    response.write = (text: string) => {
      response.written.push(text);
      return true;
    };
    response.emit("drain");
    // Written once the credential is checked for the batch.
    await new Promise((resolve) => setImmediate(resolve));
    const ids = response.written
      .filter((w) => w.startsWith("id: "))
      .map((w) => Number(/^id: (\d+)/.exec(w)![1]));
    assert.deepEqual(ids, [2, 3]);
    client.close();
  });
});
