/**
 * Jointech e-locks over real TCP connections into a temp-dir SQLite store with the engine host:
 * the conformance corpus end to end, a trip armed through the host whose alarms come from e-lock
 * frames, no answer before durability, store failures, unknown and retired devices.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createJointechFramer, decodeJointechFrame } from "../../src/protocols/jointech/index.js";
import type { JointechLockStatus } from "../../src/core/domain/reading.js";
import { plausibilityProblems } from "../../src/protocols/plausibility.js";
import { jointechFrame, readCorpus } from "../protocols/support/corpus.js";
import { CUT, frame, OPENED, record, SEALED } from "./jointech-frames.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { ManualClock } from "../../src/monitor/clock.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  DeviceClient,
  eventually,
  MIDWAY,
  ORIGIN,
  sleep,
  startStack,
  storedReadings,
  trip,
  type Stack,
} from "./support.js";

describe("Jointech over TCP: the conformance corpus end to end", () => {
  // Every Jointech row of the corpus (not the downlink encoder rows 53–56, not other vendors' 71–79),
  // cut by the framer; frames that ask for the time are left out (their answer depends on the clock).
  const frames: { identity: string; bytes: Uint8Array; ack?: Uint8Array; readings: number }[] = [];
  for (const row of readCorpus("jt600-frames.tsv")) {
    const n = Number(row.row);
    if ((n >= 53 && n <= 56) || n >= 71) continue;
    for (const out of createJointechFramer().push(jointechFrame(row))) {
      if (out.kind !== "frame") continue;
      const outcome = decodeJointechFrame(out.frame, { nowMs: Date.now() });
      if (outcome.kind !== "readings" || outcome.identity === undefined) continue;
      const text = Buffer.from(out.frame).toString("latin1");
      if (/,P22,2|BASE,2,TIME/.test(text)) continue;
      frames.push({
        identity: outcome.identity,
        bytes: out.frame,
        ...(outcome.ack === undefined ? {} : { ack: outcome.ack }),
        readings: outcome.readings.filter((r) => plausibilityProblems(r, Date.now()).length === 0).length,
      });
    }
  }
  const identities = [...new Set(frames.map((f) => f.identity))];
  let stack: Stack;

  before(async () => {
    stack = await startStack({
      registry: corridorRegistry(identities.map((id) => device(`LOCK-${id}`, [id], "jt701"))),
    });
  });
  after(() => stack.close());

  it("stores every reading of every supported frame and sends each answer the frame expects, in order", async () => {
    assert.ok(frames.length >= 50, `corpus frames: ${frames.length}`);
    const port = stack.gateway.ports.jt701!;
    await Promise.all(
      identities.map(async (identity) => {
        const own = frames.filter((f) => f.identity === identity);
        const expected = Buffer.concat(own.flatMap((f) => (f.ack === undefined ? [] : [Buffer.from(f.ack)])));
        const client = await DeviceClient.connect(port);
        for (const f of own) await client.send(f.bytes);
        await client.until((r) => r.length >= expected.length, 5_000, `${identity}'s answers`);
        await sleep(50);
        assert.equal(client.text, expected.toString("latin1"), `answers to ${identity}`);
        client.close();
      }),
    );
    const expectedReadings = frames.reduce((n, f) => n + f.readings, 0);
    await eventually(
      () => stack.gateway.counters.acknowledgedCount("jt701"),
      (n) => n === expectedReadings,
      5_000,
      `${expectedReadings} acknowledged readings`,
    );
    let stored = 0;
    for (const identity of identities)
      stored += (await storedReadings(stack.store, `LOCK-${identity}`)).length;
    const duplicates = stack.gateway.snapshot().readingsDuplicate.jt701 ?? 0;
    assert.equal(stored + duplicates, expectedReadings);
    assert.equal(stack.gateway.counters.rejectedCount("jt701"), 0);
    const one = (await storedReadings(stack.store, "LOCK-2050018634"))[0]!;
    assert.equal(one.protocol, "jt701");
    assert.equal(Buffer.from(one.raw).toString("latin1").slice(0, 16), "(2050018634,P45,");
  });
});

describe("Jointech over TCP: a trip monitored from e-lock frames", () => {
  const LOCK = "8043396604";
  // The stack runs in chosen time: an hour ago, whole seconds (e-lock times are whole seconds).
  const t0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
  const clock = new ManualClock(t0);
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      clock,
      registry: corridorRegistry([device("ELK-1", [LOCK], "jt701")], [trip("T-1", ["ELK-1"])]),
    });
  });
  after(() => stack.close());

  /** Sends a frame as received `delayMs` after its event time. */
  async function sendAt(
    client: DeviceClient,
    serial: number,
    atMs: number,
    where: LonLat,
    status: number,
  ): Promise<void> {
    clock.set(atMs + 1_000);
    await client.send(frame(LOCK, serial, record(atMs, where, status)));
    await client.untilText(`(P69,0,${serial})`);
  }

  it("arms on a sealed lock, then raises tamper and unauthorized opening from the lock's frames", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await sendAt(client, 1, t0, ORIGIN, SEALED);
    await stack.host.idle();
    clock.set(t0 + 60_000);
    const armed = await stack.host.command({ tripId: "T-1", command: "arm", actor: "officer-1" });
    assert.equal(armed.accepted, true, armed.refusal);
    await sendAt(client, 2, t0 + 5 * 60_000, MIDWAY, SEALED);
    await sendAt(client, 3, t0 + 6 * 60_000, MIDWAY, CUT);
    await sendAt(client, 4, t0 + 7 * 60_000, MIDWAY, OPENED);
    assert.equal(client.text, "(P69,0,1)(P69,0,2)(P69,0,3)(P69,0,4)");
    await stack.host.idle();
    const alarms = await stack.store.alarms.forTrip("T-1");
    const types = alarms
      .filter((a) => !a.retracted)
      .map((a) => a.type)
      .sort();
    assert.deepEqual(types, ["tamper", "unauthorized_opening"]);
    const tamper = alarms.find((a) => a.type === "tamper")!;
    assert.equal(tamper.device, "ELK-1");
    assert.equal(tamper.startedAtMs, t0 + 6 * 60_000);
    assert.equal((await stack.store.trips.get("T-1"))?.state, "in_transit");
    const readings = await storedReadings(stack.store, "ELK-1");
    assert.equal(readings.length, 4);
    const cut = readings.find((r) => r.tamper === true)!;
    assert.equal(cut.seal, "closed");
    assert.equal((cut.vendor as { lockStatus: JointechLockStatus }).lockStatus.ropeCut, true);
    client.close();
  });

  it("a retransmitted frame (answer lost) is answered again and stored once", async () => {
    const t = t0 + 10 * 60_000;
    clock.set(t + 1_000);
    const f = frame(LOCK, 9, record(t, MIDWAY, SEALED));
    const before = (await storedReadings(stack.store, "ELK-1")).length;
    for (let i = 0; i < 2; i++) {
      const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
      await client.send(f);
      await client.untilText("(P69,0,9)");
      client.close();
    }
    assert.equal((await storedReadings(stack.store, "ELK-1")).length, before + 1);
  });
});

describe("Jointech over TCP: answers wait for durability", () => {
  const LOCK = "8043396605";
  let stack: Stack;
  let sink: ControlledSink;
  before(async () => {
    stack = await startStack({
      registry: corridorRegistry([
        device("ELK-2", [LOCK], "jt701"),
        device("ELK-3", ["8043396606"], "jt701"),
      ]),
      wrapSink: (host) => (sink = new ControlledSink(host)),
    });
  });
  after(() => stack.close());

  it("sends no answer byte while the reading's write is held, and answers once it is durable", async () => {
    sink.holding = true;
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await client.send(frame(LOCK, 7, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await sink.untilSubmitted(1);
    await sleep(300);
    assert.equal(client.bytes.length, 0, "an answer before the reading was durable");
    assert.equal((await storedReadings(stack.store, "ELK-2")).length, 0);
    sink.release();
    await client.untilText("(P69,0,7)");
    assert.deepEqual(sink.events, ["durable"]);
    assert.equal((await storedReadings(stack.store, "ELK-2")).length, 1);
    client.close();
  });

  it("a failed write gets no answer, the connection keeps serving, and the device's resend is stored", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    sink.failNext = 1;
    const failing = frame(LOCK, 20, record(Date.now() - 3_000, ORIGIN, SEALED));
    await client.send(failing);
    await client.send(frame(LOCK, 21, record(Date.now() - 2_000, ORIGIN, SEALED)));
    await client.untilText("(P69,0,21)");
    assert.equal(client.text, "(P69,0,21)", "the failed frame must not be answered");
    assert.equal(stack.gateway.counters.rejectedCount("jt701", "store_failed"), 1);
    await client.send(failing);
    await client.untilText("(P69,0,20)");
    assert.equal(client.closed, false);
    const atMs = (await storedReadings(stack.store, "ELK-2")).map((r) => r.atMs);
    assert.equal(atMs.length, 3);
    client.close();
  });

  it("another device is not slowed by a device whose writes are held", async () => {
    const first = await DeviceClient.connect(stack.gateway.ports.jt701!);
    const other = await DeviceClient.connect(stack.gateway.ports.jt701!);
    sink.holding = true;
    await first.send(frame(LOCK, 30, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await sink.untilSubmitted(sink.submitted.length);
    sink.release();
    await other.send(frame("8043396606", 31, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await other.untilText("(P69,0,31)");
    await first.untilText("(P69,0,30)");
    first.close();
    other.close();
  });
});

describe("Jointech over TCP: unknown, retired and mismatched devices", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      config: { maxBadFrames: 3 },
      registry: corridorRegistry([
        device("ELK-OK", ["8000000001"], "jt701"),
        device("ELK-OLD", ["8000000002"], "jt701", { lifecycle: "retired" }),
      ]),
    });
  });
  after(() => stack.close());

  it("drops an unknown device's frames unanswered, counts them and logs the peer, then closes after maxBadFrames", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    for (let i = 1; i <= 3; i++)
      await client.send(frame("8000000099", i, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await client.untilClosed();
    assert.equal(client.bytes.length, 0);
    assert.equal(stack.gateway.counters.rejectedCount("jt701", "unknown_device"), 3);
    await eventually(
      () => stack.gateway.counters.closedCount("jt701", "too_many_bad_frames"),
      (n) => n === 1,
    );
    const lines = stack.logger.mentioning("unknown_device");
    assert.ok(lines.length >= 3);
    assert.match(JSON.stringify(lines[0]!.details), /"peer":"127\.0\.0\.1:\d+"/);
  });

  it("refuses a retired device's frames", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await client.send(frame("8000000002", 1, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await eventually(
      () => stack.gateway.counters.rejectedCount("jt701", "retired_device"),
      (n) => n === 1,
    );
    assert.equal(client.bytes.length, 0);
    assert.equal((await storedReadings(stack.store, "ELK-OLD")).length, 0);
    client.close();
  });

  it("rejects a frame naming another device on a connection already bound to one", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await client.send(frame("8000000001", 1, record(Date.now() - 2_000, ORIGIN, SEALED)));
    await client.untilText("(P69,0,1)");
    await client.send(frame("8000000002", 2, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await client.send(frame("8000000001", 3, record(Date.now() - 1_000, ORIGIN, SEALED)));
    await client.untilText("(P69,0,3)");
    assert.equal(client.text, "(P69,0,1)(P69,0,3)");
    assert.equal(stack.gateway.counters.rejectedCount("jt701", "identity_mismatch"), 1);
    client.close();
  });
});
