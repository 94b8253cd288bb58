/**
 * Teltonika trackers over real UDP sockets: a datagram from a registered IMEI is stored and answered
 * with the 7-byte UDP acknowledgement only once durable (codecs 8, 8E and 16); a resent datagram is
 * stored once and answered again; unknown IMEIs and hostile datagrams (garbage, truncated, oversized,
 * an unsupported codec) are refused, counted by reason and never answered, and the listener keeps
 * serving; a store failure leaves the datagram unanswered so that the tracker resends it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import fc from "fast-check";
import { buildAvlData, buildUdp, type AvlCodec } from "../protocols/support/teltonika-builder.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  eventually,
  sleep,
  startStack,
  storedReadings,
  type Stack,
} from "./support.js";
import { avl } from "./teltonika-support.js";

const IMEI = "356307042441077";
const UNKNOWN_IMEI = "356307042449998";

/** A tracker's UDP socket: sends datagrams, collects the answers. */
class Tracker {
  readonly answers: Buffer[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on("message", (message) => this.answers.push(message));
  }

  static async open(): Promise<Tracker> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new Tracker(socket);
  }

  send(bytes: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(bytes, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())),
    );
  }

  close(): void {
    this.socket.close();
  }
}

describe("Teltonika over UDP", () => {
  let stack: Stack;
  let sink: ControlledSink;
  let port: number;
  before(async () => {
    stack = await startStack({
      config: { teltonikaUdpEnabled: true, teltonikaUdpPort: 0, teltonikaUdpMaxInFlight: 4 },
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([
        device("TEL-UDP", [IMEI], "teltonika", {
          settings: { teltonikaIo: { seal: { io: 1, closedWhen: 1 }, tamper: { io: 2, tamperedWhen: 1 } } },
        }),
      ]),
    });
    port = stack.gateway.ports.teltonikaUdp!;
  });
  after(() => stack.close());

  for (const [i, codec] of (["8", "8E", "16"] as AvlCodec[]).entries()) {
    it(`codec ${codec}: stores the records and answers 00 05 · packet id · 01 · AVL packet id · count`, async () => {
      const tracker = await Tracker.open();
      const t = Date.now() - 600_000 + i * 60_000;
      const datagram = buildUdp(
        0xca00 + i,
        0x20 + i,
        IMEI,
        buildAvlData(codec, [
          avl(t, [
            [1, 1],
            [2, 0],
          ]),
          avl(t + 1_000, [
            [1, 0],
            [2, 1],
          ]),
        ]),
      );
      await tracker.send(datagram, port);
      await eventually(
        () => tracker.answers.length,
        (n) => n === 1,
      );
      assert.equal(
        tracker.answers[0]!.toString("hex"),
        `0005${(0xca00 + i).toString(16)}01${(0x20 + i).toString(16)}02`,
      );
      const stored = (await storedReadings(stack.store, "TEL-UDP")).filter(
        (r) => r.atMs >= t && r.atMs <= t + 1_000,
      );
      assert.deepEqual(
        stored.map((r) => [r.seal, r.tamper, r.protocol]),
        [
          ["closed", false, "teltonika-udp"],
          ["open", true, "teltonika-udp"],
        ],
      );
      assert.deepEqual(Buffer.from(stored[0]!.raw), Buffer.from(datagram));
      tracker.close();
    });
  }

  it("a resent datagram (its answer lost) is stored once and answered again", async () => {
    const tracker = await Tracker.open();
    const t = Date.now() - 100_000;
    const datagram = buildUdp(7, 9, IMEI, buildAvlData("8", [avl(t, [[1, 1]])]));
    await tracker.send(datagram, port);
    await tracker.send(datagram, port);
    await eventually(
      () => tracker.answers.length,
      (n) => n === 2,
    );
    assert.deepEqual(
      tracker.answers.map((a) => a.toString("hex")),
      ["0005000701" + "0901", "0005000701" + "0901"],
    );
    const stored = (await storedReadings(stack.store, "TEL-UDP")).filter((r) => r.atMs === t);
    assert.equal(stored.length, 1);
    tracker.close();
  });

  it("holds the answer until the readings are durable, and gives none when the store fails", async () => {
    const tracker = await Tracker.open();
    sink.holding = true;
    const before = sink.submitted.length;
    await tracker.send(buildUdp(11, 1, IMEI, buildAvlData("8E", [avl(Date.now() - 50_000, [[1, 1]])])), port);
    await sink.untilSubmitted(before + 1);
    await sleep(200);
    assert.equal(tracker.answers.length, 0, "answered before the reading was durable");
    sink.release();
    await eventually(
      () => tracker.answers.length,
      (n) => n === 1,
    );
    sink.failNext = 1;
    await tracker.send(buildUdp(12, 2, IMEI, buildAvlData("8E", [avl(Date.now() - 40_000, [[1, 1]])])), port);
    await eventually(
      () => stack.gateway.counters.rejectedCount("teltonika-udp", "store_failed"),
      (n) => n === 1,
    );
    await sleep(100);
    assert.equal(tracker.answers.length, 1, "a datagram that was not stored was answered");
    tracker.close();
  });

  it("drops datagrams beyond the in-flight limit unanswered (overloaded), then serves again", async () => {
    const tracker = await Tracker.open();
    sink.holding = true;
    const base = Date.now() - 30_000;
    for (let k = 0; k < 6; k++)
      await tracker.send(
        buildUdp(100 + k, k, IMEI, buildAvlData("8", [avl(base + k * 1_000, [[1, 1]])])),
        port,
      );
    await eventually(
      () => stack.gateway.counters.rejectedCount("teltonika-udp", "overloaded"),
      (n) => n === 2,
    );
    sink.release();
    await eventually(
      () => tracker.answers.length,
      (n) => n === 4,
    );
    await tracker.send(buildUdp(200, 0, IMEI, buildAvlData("8", [avl(base + 9_000, [[1, 1]])])), port);
    await eventually(
      () => tracker.answers.length,
      (n) => n === 5,
    );
    tracker.close();
  });

  it("refuses an unknown IMEI without an answer, counted and logged", async () => {
    const tracker = await Tracker.open();
    await tracker.send(buildUdp(1, 1, UNKNOWN_IMEI, buildAvlData("8", [avl(Date.now() - 5_000, [])])), port);
    await eventually(
      () => stack.gateway.counters.rejectedCount("teltonika-udp", "unknown_device"),
      (n) => n === 1,
    );
    await sleep(100);
    assert.equal(tracker.answers.length, 0);
    assert.ok(stack.logger.mentioning(UNKNOWN_IMEI).length > 0);
    tracker.close();
  });

  it("refuses hostile datagrams by reason and keeps serving (property)", async () => {
    const tracker = await Tracker.open();
    const good = buildUdp(3, 4, IMEI, buildAvlData("8E", [avl(Date.now() - 20_000, [[1, 1]])]));
    const received = (): number => stack.gateway.counters.snapshot().framesReceived["teltonika-udp"] ?? 0;
    const rejected = (): number => stack.gateway.counters.rejectedCount("teltonika-udp");
    const named: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["truncated", good.subarray(0, good.length - 5)],
      ["oversized", new Uint8Array(20_000).fill(0x41)],
      ["codec 12", Uint8Array.from([...good.subarray(0, 8 + IMEI.length), 0x0c, 1, 1])],
    ];
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 200, seed: 16 });
    const mutated = fc.sample(
      fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
        const copy = Uint8Array.from(good);
        copy[at] = copy[at]! ^ flip;
        return copy;
      }),
      { numRuns: 200, seed: 17 },
    );
    const before = { received: received(), rejected: rejected(), answers: tracker.answers.length };
    const all = [...named.map(([, b]) => b), ...samples, ...mutated];
    // One at a time: UDP may drop what a busy receiver has no room for, and this test counts.
    for (const [k, bytes] of all.entries()) {
      await tracker.send(bytes, port);
      await eventually(
        () => received(),
        (n) => n === before.received + k + 1,
        5_000,
        `datagram ${k} received`,
        1,
      );
    }
    await sleep(300);
    // Every named and random datagram is refused (a mutated one may stay well formed: a changed
    // coordinate is stored and answered, a changed packet type is stored unanswered).
    assert.ok(rejected() - before.rejected >= named.length + samples.length);
    assert.ok(stack.gateway.counters.rejectedCount("teltonika-udp", "oversized") >= 1);
    assert.ok(stack.gateway.counters.rejectedCount("teltonika-udp", "unsupported") >= 1);
    assert.ok(stack.gateway.counters.rejectedCount("teltonika-udp", "malformed") >= 1);
    for (const answer of tracker.answers.slice(before.answers)) assert.equal(answer.length, 7);
    const count = tracker.answers.length;
    await tracker.send(good, port);
    await eventually(
      () => tracker.answers.length,
      (n) => n === count + 1,
    );
    tracker.close();
  });
});
