/**
 * Teltonika trackers (Codec 8/8E) over real TCP: the IMEI login accepted or refused by the
 * registry, AVL packets answered with their record count once durable, IO elements mapped per
 * device, damaged packets counted and unanswered.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { buildAvlPacket, buildLogin } from "../protocols/support/teltonika-builder.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  DeviceClient,
  eventually,
  MIDWAY,
  sleep,
  startStack,
  storedReadings,
  type Stack,
} from "./support.js";
import { avl, COUNT } from "./teltonika-support.js";

const IMEI = "356307042441013";
const UNKNOWN_IMEI = "356307042449999";
const RETIRED_IMEI = "356307042440000";

describe("Teltonika over TCP", () => {
  let stack: Stack;
  let sink: ControlledSink;
  before(async () => {
    stack = await startStack({
      config: { maxBadFrames: 5 },
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([
        device("TEL-1", [IMEI], "teltonika", {
          // DIN1 carries the seal loop (1 = closed), DIN2 the case switch (1 = opened).
          settings: {
            teltonikaIo: {
              seal: { io: 1, closedWhen: 1 },
              tamper: { io: 2, tamperedWhen: 1 },
              batteryPct: { io: 113 },
            },
          },
        }),
        device("TEL-OLD", [RETIRED_IMEI], "teltonika", { lifecycle: "retired" }),
      ]),
    });
  });
  after(() => stack.close());

  it("accepts a registered IMEI with 0x01 and answers each AVL packet with its record count once stored", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1);
    assert.equal(client.bytes.toString("hex"), "01");
    const t = Date.now() - 120_000;
    const packet = buildAvlPacket("8E", [
      avl(t, [
        [1, 1],
        [2, 0],
        [113, 87],
      ]),
      avl(t + 60_000, [
        [1, 0],
        [2, 1],
        [113, 86],
      ]),
    ]);
    await client.send(packet);
    await client.until((r) => r.length >= 5);
    assert.equal(client.bytes.toString("hex"), `01${COUNT(2)}`);
    const readings = await storedReadings(stack.store, "TEL-1");
    assert.equal(readings.length, 2);
    assert.deepEqual(
      readings.map((r) => [r.seal, r.tamper, r.batteryPct, r.protocol]),
      [
        ["closed", false, 87, "teltonika"],
        ["open", true, 86, "teltonika"],
      ],
    );
    assert.equal(readings[0]!.lon, MIDWAY[0]);
    assert.equal(readings[0]!.speedKmh, 72);
    assert.deepEqual(Buffer.from(readings[0]!.raw), Buffer.from(packet));
    client.close();
  });

  it("refuses an unknown IMEI with 0x00 and closes the connection, counted and logged", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(UNKNOWN_IMEI));
    await client.untilClosed();
    assert.equal(client.bytes.toString("hex"), "00");
    assert.equal(stack.gateway.counters.rejectedCount("teltonika", "unknown_device"), 1);
    await eventually(
      () => stack.gateway.counters.closedCount("teltonika", "refused_login"),
      (n) => n === 1,
    );
    assert.ok(stack.logger.mentioning(UNKNOWN_IMEI).length > 0);
  });

  it("refuses a retired device's IMEI with 0x00", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(RETIRED_IMEI));
    await client.untilClosed();
    assert.equal(client.bytes.toString("hex"), "00");
    assert.equal(stack.gateway.counters.rejectedCount("teltonika", "retired_device"), 1);
  });

  it("does not answer AVL data before a login, nor a packet whose CRC is wrong; the next good packet is answered", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    const good = buildAvlPacket("8", [avl(Date.now() - 10_000, [[1, 1]])]);
    await client.send(good);
    await eventually(
      () => stack.gateway.counters.rejectedCount("teltonika", "unknown_device"),
      (n) => n === 2,
    );
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1);
    const damaged = Uint8Array.from(good);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    await client.send(damaged);
    await eventually(
      () => stack.gateway.counters.rejectedCount("teltonika", "bad_checksum"),
      (n) => n === 1,
    );
    await client.send(buildAvlPacket("8", [avl(Date.now() - 5_000, [[1, 1]])]));
    await client.until((r) => r.length >= 5);
    assert.equal(client.bytes.toString("hex"), `01${COUNT(1)}`);
    client.close();
  });

  it("holds the record count until the readings are durable", async () => {
    const client = await DeviceClient.connect(stack.gateway.ports.teltonika!);
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1);
    sink.holding = true;
    const before = sink.submitted.length;
    await client.send(
      buildAvlPacket("8E", [avl(Date.now() - 3_000, [[1, 1]]), avl(Date.now() - 2_000, [[1, 1]])]),
    );
    await sink.untilSubmitted(before + 2);
    await sleep(300);
    assert.equal(client.bytes.toString("hex"), "01", "the count was sent before the readings were durable");
    sink.release();
    await client.until((r) => r.length >= 5);
    assert.equal(client.bytes.toString("hex"), `01${COUNT(2)}`);
    client.close();
  });
});
