/**
 * Input that once wedged a device or flooded the log: a record with a valid CRC and a time past the
 * range of dates (the plausibility check threw: never answered, resent for ever), pipelined frames
 * behind a failing one (its answer was taken for the failed one's), and garbage by the megabyte
 * (one log line per bad byte run). Each is refused, counted, answered as the protocol requires and
 * kept for forensics; the device moves on.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { FORENSICS_FILE, ForensicsLog, readForensics } from "../../src/gateway/forensics.js";
import { buildAvlPacket, buildLogin } from "../protocols/support/teltonika-builder.js";
import { frame, record, SEALED } from "./jointech-frames.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  DeviceClient,
  eventually,
  ORIGIN,
  startStack,
  storedReadings,
  type Stack,
} from "./support.js";
import { avl, COUNT } from "./teltonika-support.js";

const IMEI = "356307042441501";
const LOCK = "8100000501";

describe("poison input on device connections", () => {
  let stack: Stack;
  let sink: ControlledSink;
  before(async () => {
    stack = await startStack({
      config: { maxBadFrames: 1_000_000 },
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([device("TEL-P", [IMEI], "teltonika"), device("ELK-P", [LOCK], "jt701")]),
    });
  });
  after(() => stack.close());

  it("answers a packet whose record has a time past the range of dates; the bad record is counted and kept", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1);
    const good = Date.now() - 60_000;
    const poison = buildAvlPacket("8E", [avl(good), avl(9e18)]);
    await client.send(poison);
    await client.until((r) => r.length >= 5, 5_000, "the answer to the poisoned packet");
    assert.equal(
      client.bytes.toString("hex"),
      `01${COUNT(2)}`,
      "the device may move on: both records answered",
    );
    assert.equal(stack.gateway.counters.rejectedCount("teltonika", "implausible"), 1);
    assert.equal(stack.gateway.counters.rejectedCount("teltonika", "store_failed"), 0);
    assert.deepEqual(
      (await storedReadings(stack.store, "TEL-P")).map((r) => r.atMs),
      [good],
    );
    const kept = stack.gateway.forensics.recent().filter((e) => e.device === "TEL-P");
    assert.equal(kept.length, 1);
    assert.equal(kept[0]!.reason, "implausible");
    assert.equal(kept[0]!.frameHex, Buffer.from(poison).toString("hex"));
    // The next packet goes through as usual.
    await client.send(buildAvlPacket("8", [avl(good + 1_000)]));
    await client.until((r) => r.length >= 9);
    assert.equal(client.bytes.toString("hex").slice(10), COUNT(1));
    client.close();
  });

  it("a value the store cannot keep (a NUL in a text) is refused, not retried for ever", async () => {
    const before = stack.host.stats.readingsRefused;
    await assert.rejects(
      stack.host.submitReading({
        deviceId: "ELK-\u0000P",
        kind: "message",
        atMs: Date.now() - 1_000,
        protocol: "jt701",
        raw: new Uint8Array(1),
      }),
      (error: { code?: string; message: string }) =>
        error.code === "READING_REFUSED" && error.message.includes("NUL"),
    );
    assert.equal(stack.host.stats.readingsRefused, before + 1);
    // No gap in the sequence: the next reading is applied.
    await stack.host.submitReading({
      deviceId: "ELK-P",
      kind: "message",
      atMs: Date.now() - 500,
      protocol: "jt701",
      raw: new Uint8Array(1),
    });
    await stack.host.idle();
  });

  it("a failing Teltonika packet pipelined with a good one: no answer is taken for the failed packet's", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1);
    const t = Date.now() - 30_000;
    const a = buildAvlPacket("8", [avl(t), avl(t + 1)]);
    const b = buildAvlPacket("8", [avl(t + 2)]);
    sink.failNext = 2; // both of A's readings fail in the store
    await client.send(Buffer.concat([Buffer.from(a), Buffer.from(b)]));
    await client.untilClosed();
    assert.equal(client.bytes.toString("hex"), "01", "neither packet may be answered");
    await eventually(
      () => stack.gateway.counters.closedCount("teltonika", "unanswered_frame"),
      (n) => n === 1,
    );
    // The device sends both again on a new connection; each gets its own answer.
    const again = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await again.send(buildLogin(IMEI));
    await again.until((r) => r.length >= 1);
    await again.send(Buffer.concat([Buffer.from(a), Buffer.from(b)]));
    await again.until((r) => r.length >= 9);
    assert.equal(again.bytes.toString("hex"), `01${COUNT(2)}${COUNT(1)}`);
    again.close();
  });

  it("a JT701D answer names its frame: the connection keeps serving after a failed frame", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    sink.failNext = 1;
    await client.send(
      Buffer.concat([
        Buffer.from(frame(LOCK, 40, record(Date.now() - 3_000, ORIGIN, SEALED))),
        Buffer.from(frame(LOCK, 41, record(Date.now() - 2_000, ORIGIN, SEALED))),
      ]),
    );
    await client.untilText("(P69,0,41)");
    assert.equal(client.text, "(P69,0,41)");
    assert.equal(client.closed, false);
    client.close();
  });

  it("a megabyte of garbage makes a few log lines, not one per bad run; every run is counted", async () => {
    const lines = stack.logger.lines.length;
    const rejected = stack.gateway.counters.rejectedCount("jt701");
    const client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    // "(" starts a frame, "x" cannot: 512 Ki one-byte false starts and runs.
    const garbage = Buffer.from("(x".repeat(512 * 1024), "latin1");
    await client.send(garbage);
    await eventually(
      () => stack.gateway.counters.rejectedCount("jt701") - rejected,
      (n) => n >= 1_000,
      20_000,
      "garbage counted",
    );
    client.close();
    const summary = await eventually(
      () =>
        stack.logger.lines.slice(lines).find((l) => l.message === "further rejections not logged one by one"),
      (line) => line !== undefined,
      5_000,
      "a summary of the rejections left out, once the connection is gone",
    );
    const logged = stack.logger.lines.slice(lines);
    assert.ok(logged.length <= 20, `${logged.length} log lines for the garbage`);
    assert.ok(summary !== undefined);
    assert.ok((summary.details as { suppressed: number }).suppressed > 0);
    assert.ok(stack.gateway.forensics.recent().length <= 1_000);
  });
});

describe("forensics file", () => {
  it("keeps refused frames in a bounded, rotated file read back newest last", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealwatch-forensics-"));
    try {
      const log = new ForensicsLog({ dir, maxFileBytes: 8_192, maxEntries: 10 });
      for (let i = 0; i < 200; i++)
        log.keep(
          { atMs: i, transport: "jt701", peer: "p", reason: "malformed", detail: `run ${i}` },
          Uint8Array.from([i & 0xff, 1, 2, 3]),
        );
      await log.flush();
      assert.equal(log.recent().length, 10);
      assert.equal(log.recent().at(-1)!.detail, "run 199");
      assert.ok(statSync(join(dir, FORENSICS_FILE)).size <= 8_192);
      assert.ok(statSync(join(dir, `${FORENSICS_FILE}.1`)).size <= 8_192);
      const read = await readForensics(dir, 5);
      assert.deepEqual(
        read.map((e) => e.detail),
        ["run 195", "run 196", "run 197", "run 198", "run 199"],
      );
      assert.equal(read[4]!.frameHex, "c7010203");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
