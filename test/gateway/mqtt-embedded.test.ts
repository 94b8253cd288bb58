/**
 * MQTT devices on the embedded broker (aedes on a free port): signed and encrypted readings, the
 * PUBACK only after the reading is durable, forged, altered, replayed and unsigned messages
 * refused and counted, key rotation, and a trip's alarm raised from MQTT readings.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { MqttClient } from "mqtt";
import { readingsTopic } from "../../src/gateway/mqtt/topics.js";
import type { IssuedKey } from "../../src/gateway/security/key-vault.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { encrypted, jsonReading, mqttDevice, signed } from "./mqtt-support.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  eventually,
  MIDWAY,
  ORIGIN,
  sleep,
  startStack,
  storedReadings,
  trip,
  type Stack,
} from "./support.js";

describe("MQTT on the embedded broker", () => {
  const t0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
  const clock = new ManualClock(t0);
  let stack: Stack;
  let sink: ControlledSink;
  let hmac: IssuedKey;
  let aes: IssuedKey;
  let client: MqttClient;
  let counter = 0;

  before(async () => {
    stack = await startStack({
      clock,
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry(
        [
          device("MQ-1", ["mq-1"], "mqtt"),
          device("MQ-2", ["mq-2"], "mqtt"),
          device("MQ-SEMI", ["mq-semi"], "mqtt", { class: "semi-active" }),
          device("MQ-NOKEY", ["mq-nokey"], "mqtt"),
        ],
        [trip("T-M", ["MQ-1"])],
      ),
    });
    hmac = await stack.gateway.context.keys.issueKey("MQ-1", "hmac-sha256");
    aes = await stack.gateway.context.keys.issueKey("MQ-2", "aes-256-gcm");
    client = await mqttDevice(`mqtt://127.0.0.1:${stack.gateway.ports.mqtt}`, "device-mq-1");
  });
  after(async () => {
    await client.endAsync(true);
    await stack.close();
  });

  /** Publishes at `atMs` (the stack's clock one second later), QoS 1; resolves on PUBACK. */
  async function publish(deviceId: string, payload: string, atMs: number): Promise<void> {
    clock.set(atMs + 1_000);
    await client.publishAsync(readingsTopic(deviceId), payload, { qos: 1 });
  }

  it("stores a signed reading and acknowledges it (PUBACK) only after it is durable", async () => {
    sink.holding = true;
    let acked = false;
    const at = t0;
    const publishing = publish(
      "mq-1",
      signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at, ORIGIN, { seal: "closed" })),
      at,
    ).then(() => {
      acked = true;
      sink.events.push("puback");
    });
    await sink.untilSubmitted(1);
    await sleep(300);
    assert.equal(acked, false, "PUBACK before the reading was durable");
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 0);
    sink.release();
    await publishing;
    assert.deepEqual(sink.events, ["durable", "puback"]);
    const [stored] = await storedReadings(stack.store, "MQ-1");
    assert.equal(stored?.protocol, "mqtt");
    assert.equal(stored?.seal, "closed");
    assert.equal(stored?.lon, ORIGIN[0]);
    assert.deepEqual(stored?.vendor, { vendor: "json", details: { keyId: "k1", counter: 1 } });
  });

  it("refuses a replayed message (acknowledged, not stored again) and counts it", async () => {
    const at = t0 + 30_000;
    const message = signed(
      hmac.secret,
      "mq-1",
      hmac.keyId,
      ++counter,
      jsonReading(at, ORIGIN, { seal: "closed", batteryPct: 90 }),
    );
    await publish("mq-1", message, at);
    await publish("mq-1", message, at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "replayed"), 1);
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 2);
    const older = signed(
      hmac.secret,
      "mq-1",
      hmac.keyId,
      1,
      jsonReading(at + 1_000, ORIGIN, { batteryPct: 10 }),
    );
    await publish("mq-1", older, at + 1_000);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "replayed"), 2);
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 2);
  });

  it("refuses altered and forged messages", async () => {
    const at = t0 + 40_000;
    const genuine = JSON.parse(
      signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at, ORIGIN, { seal: "closed" })),
    ) as {
      payload: { seal: string };
      counter: number;
    };
    await publish("mq-1", JSON.stringify({ ...genuine, payload: { ...genuine.payload, seal: "open" } }), at);
    await publish("mq-1", JSON.stringify({ ...genuine, counter: genuine.counter + 100 }), at);
    const wrongKey = Buffer.alloc(32, 7).toString("base64");
    await publish("mq-1", signed(wrongKey, "mq-1", hmac.keyId, ++counter, jsonReading(at, ORIGIN)), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "forged"), 3);
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 2);
    // The device's genuine message, unaltered, still goes through: forgeries burn no counter.
    await publish("mq-1", JSON.stringify(genuine), at);
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 3);
  });

  it("stores an encrypted reading and refuses a tampered ciphertext", async () => {
    const at = t0 + 50_000;
    await publish(
      "mq-2",
      encrypted(aes.secret, "mq-2", aes.keyId, 1, jsonReading(at, MIDWAY, { tamper: false })),
      at,
    );
    const message = JSON.parse(
      encrypted(aes.secret, "mq-2", aes.keyId, 2, jsonReading(at + 1_000, MIDWAY)),
    ) as { ciphertext: string };
    const bytes = Buffer.from(message.ciphertext, "base64");
    bytes[0] = bytes[0]! ^ 1;
    await publish("mq-2", JSON.stringify({ ...message, ciphertext: bytes.toString("base64") }), at + 1_000);
    const readings = await storedReadings(stack.store, "MQ-2");
    assert.equal(readings.length, 1);
    assert.equal(readings[0]!.tamper, false);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "forged"), 4);
  });

  it("takes plain JSON only from a keyless device that is not active; refuses unknown devices and bad JSON", async () => {
    const at = t0 + 60_000;
    await publish("mq-semi", JSON.stringify(jsonReading(at, MIDWAY, { batteryPct: 55 })), at);
    assert.equal((await storedReadings(stack.store, "MQ-SEMI")).length, 1);
    await publish("mq-nokey", JSON.stringify(jsonReading(at, MIDWAY)), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "unsigned"), 1);
    await publish("mq-1", JSON.stringify(jsonReading(at, MIDWAY)), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "unsigned"), 2);
    await publish("nobody", JSON.stringify(jsonReading(at, MIDWAY)), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "unknown_device"), 1);
    await publish("mq-semi", "{not json", at);
    await publish("mq-semi", JSON.stringify({ at: "yesterday" }), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "invalid"), 2);
    await publish("mq-2", signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at, MIDWAY)), at);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "identity_mismatch"), 1);
    assert.ok(
      stack.logger
        .mentioning("nobody")
        .some((l) => JSON.stringify(l.details).includes("device-mq-1@127.0.0.1")),
    );
  });

  it("refuses subscriptions: nobody can listen to the devices' readings", async () => {
    const listener = await mqttDevice(`mqtt://127.0.0.1:${stack.gateway.ports.mqtt}`, "eavesdropper");
    await assert.rejects(
      listener.subscribeAsync("sealwatch/#", { qos: 1 }),
      (error: { packet?: { granted?: number[] } }) => {
        assert.deepEqual(error.packet?.granted, [128]);
        return true;
      },
    );
    await listener.endAsync(true);
  });

  it("rotates a key: the old key verifies until it is retired, then is refused", async () => {
    const at = t0 + 70_000;
    const rotated = await stack.gateway.context.keys.rotateKey("MQ-1", { graceMs: 60_000 });
    stack.gateway.deviceChanged("MQ-1");
    assert.equal(rotated.keyId, "k2");
    await publish("mq-1", signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at, MIDWAY)), at);
    await publish(
      "mq-1",
      signed(rotated.secret, "mq-1", rotated.keyId, 1, jsonReading(at + 1_000, MIDWAY)),
      at + 1_000,
    );
    assert.equal((await storedReadings(stack.store, "MQ-1")).length, 5);
    clock.set(at + 120_000);
    await publish(
      "mq-1",
      signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at + 110_000, MIDWAY)),
      at + 110_000,
    );
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "retired_key"), 1);
    hmac = rotated;
    counter = 1;
  });

  it("raises the trip's tamper alarm from MQTT readings", async () => {
    const at = t0 + 200_000;
    clock.set(at);
    await publish(
      "mq-1",
      signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at, ORIGIN, { seal: "closed" })),
      at,
    );
    await stack.host.idle();
    clock.set(at + 5_000);
    const armed = await stack.host.command({ tripId: "T-M", command: "arm", actor: "officer-1" });
    assert.equal(armed.accepted, true, armed.refusal);
    await publish(
      "mq-1",
      signed(hmac.secret, "mq-1", hmac.keyId, ++counter, jsonReading(at + 60_000, MIDWAY, { tamper: true })),
      at + 60_000,
    );
    await stack.host.idle();
    const alarms = (await stack.store.alarms.forTrip("T-M")).filter((a) => !a.retracted);
    assert.deepEqual(
      alarms.map((a) => [a.type, a.device, a.startedAtMs]),
      [["tamper", "MQ-1", at + 60_000]],
    );
  });

  it("withholds the PUBACK when the store fails; the device's resend after reconnecting is stored", async () => {
    const at = t0 + 300_000;
    const before = (await storedReadings(stack.store, "MQ-SEMI")).length;
    const resender = await mqttDevice(`mqtt://127.0.0.1:${stack.gateway.ports.mqtt}`, "device-mq-semi", {
      clean: false,
    });
    sink.failNext = 1;
    let reconnected = false;
    resender.on("reconnect", () => (reconnected = true));
    clock.set(at + 1_000);
    await resender.publishAsync(
      readingsTopic("mq-semi"),
      JSON.stringify(jsonReading(at, MIDWAY, { batteryPct: 44 })),
      { qos: 1 },
    );
    assert.equal(reconnected, true, "the broker should have dropped the connection instead of acknowledging");
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "store_failed"), 1);
    await eventually(
      () => storedReadings(stack.store, "MQ-SEMI"),
      (r) => r.length === before + 1,
    );
    await resender.endAsync(true);
  });
});
