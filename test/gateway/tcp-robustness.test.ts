/**
 * Hostile and broken device connections: random, truncated and mutated bytes, slow drip, silence,
 * oversized frames and a flood against held writes. None of them may crash the gateway or disturb
 * another device's connection, and none may make it buffer without bound.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { buildAvlPacket, buildLogin } from "../protocols/support/teltonika-builder.js";
import { frame, record, SEALED } from "./jointech-frames.js";
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
  type Stack,
} from "./support.js";

const GOOD = "8100000001";
const FUZZ = "8100000002";
const IMEI = "356307042441777";

/** A device that keeps working while others misbehave: one frame, one answer. */
async function goodDeviceRoundTrip(stack: Stack, client: DeviceClient, serial: number): Promise<void> {
  await client.send(frame(GOOD, serial % 256, record(Date.now() - 1_000 - serial, ORIGIN, SEALED)));
  await client.untilText(`(P69,0,${serial % 256})`, 5_000);
  assert.equal(stack.gateway.ports.jt701 !== undefined, true);
}

describe("TCP robustness: random, truncated and mutated bytes", () => {
  let stack: Stack;
  let good: DeviceClient;
  before(async () => {
    stack = await startStack({
      registry: corridorRegistry([
        device("ELK-GOOD", [GOOD], "jt701"),
        device("ELK-FUZZ", [FUZZ], "jt701"),
        device("TEL-FUZZ", [IMEI], "teltonika"),
      ]),
    });
    good = await DeviceClient.connect(stack.gateway.ports.jt701!);
  });
  after(async () => {
    good.close();
    await stack.close();
  });

  const jointechFrames = [
    frame(FUZZ, 1, record(Date.now() - 60_000, MIDWAY, SEALED)),
    frame(FUZZ, 2, record(Date.now() - 50_000, MIDWAY, SEALED), record(Date.now() - 40_000, MIDWAY, SEALED)),
    Uint8Array.from(
      Buffer.from(`(${FUZZ},P45,051124,204046,9.861502,N,83.950336,W,A,1,0,1,1,0012260888,0,0,0)`, "latin1"),
    ),
  ];
  const teltonikaFrames = [
    Uint8Array.from(Buffer.concat([buildLogin(IMEI), buildAvlPacket("8E", [])].map((b) => Buffer.from(b)))),
  ];

  /** Random bytes, a valid frame cut short, or a valid frame with bytes replaced. */
  const hostile = (frames: Uint8Array[]): fc.Arbitrary<Uint8Array> =>
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }),
      fc.constantFrom(...frames).chain((f) => fc.nat({ max: f.length - 1 }).map((n) => f.subarray(0, n))),
      fc
        .tuple(
          fc.constantFrom(...frames),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        )
        .map(([f, edits]) => {
          const out = Uint8Array.from(f);
          for (const [at, value] of edits) out[at % out.length] = value;
          return out;
        }),
      // Several frames at once, some broken, in odd chunks.
      fc
        .array(fc.constantFrom(...frames), { minLength: 2, maxLength: 5 })
        .map((parts) => Uint8Array.from(Buffer.concat(parts))),
    );

  for (const [name, port, frames] of [
    ["Jointech", () => stack.gateway.ports.jt701!, jointechFrames],
    ["Teltonika", () => stack.gateway.ports.teltonika!, teltonikaFrames],
  ] as const) {
    it(`${name}: hostile connections never crash the gateway nor disturb another device`, async () => {
      let serial = 0;
      await fc.assert(
        fc.asyncProperty(hostile([...frames]), fc.integer({ min: 1, max: 64 }), async (bytes, chunk) => {
          const client = await DeviceClient.connect(port());
          for (let i = 0; i < bytes.length; i += chunk) await client.send(bytes.subarray(i, i + chunk));
          client.socket.end();
          await goodDeviceRoundTrip(stack, good, ++serial);
          client.close();
        }),
        { numRuns: 60, seed: 4242 },
      );
      assert.equal(good.closed, false);
    });
  }

  it("answers the same frames, in the same order, whatever the chunking of the byte stream", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 40 }),
        async (sizes) => {
          run++;
          const serials = [1, 2, 3, 4, 5].map((k) => (run * 5 + k) % 256);
          const t = Date.now() - 600_000 + run * 10_000;
          const stream = Buffer.concat(
            serials.map((n, i) => Buffer.from(frame(GOOD, n, record(t + i * 1_000, MIDWAY, SEALED)))),
          );
          const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = sizes[i % sizes.length]!;
            await client.send(stream.subarray(at, at + size));
            at += size;
            await sleep(0);
          }
          const expected = serials.map((n) => `(P69,0,${n})`).join("");
          await client.until((r) => r.length >= expected.length);
          assert.equal(client.text, expected);
          client.close();
        },
      ),
      { numRuns: 25, seed: 77 },
    );
  });

  it("counts what it rejected, by reason", () => {
    const snapshot = stack.gateway.snapshot();
    const jointech = snapshot.rejected.jt701 ?? {};
    assert.ok((jointech.malformed ?? 0) > 0, JSON.stringify(snapshot.rejected));
    assert.ok((snapshot.readingsAcknowledged.jt701 ?? 0) >= 120);
  });
});

describe("TCP robustness: slow drip, silence, oversized frames", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      config: { deviceFrameTimeoutS: 1, deviceIdleTimeoutS: 2 },
      registry: corridorRegistry([device("ELK-GOOD", [GOOD], "jt701")]),
    });
  });
  after(() => stack.close());

  it("closes a connection that drips a frame byte by byte, while another device is served", async () => {
    const drip = await DeviceClient.connect(stack.gateway.ports.jt701!);
    const good = await DeviceClient.connect(stack.gateway.ports.jt701!);
    const bytes = frame(GOOD, 1, record(Date.now() - 5_000, ORIGIN, SEALED));
    let i = 0;
    const dripping = (async () => {
      while (!drip.closed && i < bytes.length) {
        await drip.send(bytes.subarray(i, i + 1));
        i++;
        await sleep(100);
      }
    })();
    await goodDeviceRoundTrip(stack, good, 2);
    await drip.untilClosed(4_000);
    await dripping;
    assert.ok(i < bytes.length, "the whole frame got through");
    assert.equal(stack.gateway.counters.rejectedCount("jt701", "slow_frame"), 1);
    await eventually(
      () => stack.gateway.counters.closedCount("jt701", "slow_frame"),
      (n) => n === 1,
    );
    await goodDeviceRoundTrip(stack, good, 3);
    good.close();
  });

  it("closes a connection that stays silent past the idle timeout", async () => {
    const silent = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await silent.untilClosed(5_000);
    await eventually(
      () => stack.gateway.counters.closedCount("jt701", "idle_timeout"),
      (n) => n >= 1,
    );
  });

  it("rejects a frame that declares more than the maximum frame size and resynchronises", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    const oversized = Uint8Array.from(frame(GOOD, 4, record(Date.now() - 3_000, ORIGIN, SEALED)));
    oversized[8] = 0x20; // length 0x20xx: 8 KiB, over the 4 KiB cap
    await client.send(oversized);
    await client.send(frame(GOOD, 5, record(Date.now() - 2_000, ORIGIN, SEALED)));
    await client.untilText("(P69,0,5)");
    assert.ok(stack.gateway.counters.rejectedCount("jt701", "oversized") >= 1);
    client.close();
  });
});

describe("TCP robustness: backpressure against held writes", () => {
  let stack: Stack;
  let sink: ControlledSink;
  before(async () => {
    stack = await startStack({
      config: { maxFramesInFlight: 4 },
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([device("ELK-GOOD", [GOOD], "jt701")]),
    });
  });
  after(() => stack.close());

  it("stops reading a device that floods while its writes wait, and catches up once they are durable", async () => {
    sink.holding = true;
    const flood = await DeviceClient.connect(stack.gateway.ports.jt701!);
    const count = 6_000;
    const t = Date.now() - 3_600_000;
    const frames = Array.from({ length: count }, (_, i) =>
      Buffer.from(frame(GOOD, i % 256, record(t + i * 1000, ORIGIN, SEALED))),
    );
    const all = Buffer.concat(frames);
    const writing = flood.send(all);
    await sleep(500);
    const admitted = sink.submitted.length;
    // At most what one or two socket reads (64 KiB each) hold beyond the in-flight limit.
    const bound = 2 * Math.ceil(65_536 / frames[0]!.length) + 4;
    assert.ok(
      admitted <= bound,
      `${admitted} of ${count} frames were read while none could be stored (bound ${bound})`,
    );
    // The rest waits in the kernel's socket buffers (TCP flow control), not in the gateway.
    await sleep(300);
    assert.equal(sink.submitted.length, admitted, "the gateway went on reading while paused");
    assert.equal(stack.gateway.inFlight(), admitted);
    assert.equal(flood.bytes.length, 0);
    sink.release();
    await writing;
    await eventually(
      () => stack.gateway.counters.acknowledgedCount("jt701"),
      (n) => n === count,
      30_000,
      "every frame answered",
    );
    assert.equal((await storedReadings(stack.store, "ELK-GOOD")).length, count);
    await eventually(
      () => stack.gateway.inFlight(),
      (n) => n === 0,
    );
    flood.close();
  });
});
