/**
 * MQTT through the machine's Mosquitto (127.0.0.1:1883, MQTT_URL mode): the gateway holds a
 * persistent session and acknowledges each message only once its reading is durable, so that a
 * message whose write failed is delivered again by the broker. Without Mosquitto the tests fail in
 * CI (process.env.CI) and are skipped, loudly, elsewhere.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { readingsTopic } from "../../src/gateway/mqtt/topics.js";
import type { IssuedKey } from "../../src/gateway/security/key-vault.js";
import { jsonReading, mqttDevice, reachable, signed } from "./mqtt-support.js";
import { Gateway } from "../../src/gateway/gateway.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  eventually,
  MIDWAY,
  startStack,
  storedReadings,
  testConfig,
  type Stack,
} from "./support.js";

const HOST = "127.0.0.1";
const PORT = 1883;
const URL = `mqtt://${HOST}:${PORT}`;
const available = await reachable(HOST, PORT);
if (!available) {
  if (process.env.CI !== undefined && process.env.CI !== "") {
    throw new Error(
      `Mosquitto is not reachable at ${HOST}:${PORT}, and CI is set: the external-broker tests must run`,
    );
  }
  console.error(
    `\n*** SKIPPING the Mosquitto tests: nothing listens on ${HOST}:${PORT} (set CI to make this a failure) ***\n`,
  );
}

/** Removes the gateway's persistent session from the broker (tests only; a real gateway keeps it). */
async function dropSession(clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(URL, {
    clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await client.endAsync();
}

describe("MQTT through Mosquitto (MQTT_URL)", { skip: !available && "Mosquitto unreachable" }, () => {
  // Unique names: the broker is shared with whatever else runs on this machine.
  const run = randomBytes(4).toString("hex");
  const identifier = `mq-ext-${run}`;
  const clientId = `sealwatch-test-${run}`;
  let stack: Stack;
  let sink: ControlledSink;
  let key: IssuedKey;
  let counter = 0;

  before(async () => {
    stack = await startStack({
      config: { mqttUrl: URL, mqttClientId: clientId },
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([device("MQX-1", [identifier], "mqtt")]),
    });
    key = await stack.gateway.context.keys.issueKey("MQX-1", "hmac-sha256");
    assert.equal(stack.gateway.ports.mqtt, undefined, "no embedded broker with MQTT_URL");
  });
  after(async () => {
    await stack?.close();
    if (available) await dropSession(clientId);
  });

  it("stores a signed reading published to the external broker", async () => {
    const device = await mqttDevice(URL, `dev-${run}`);
    const at = Date.now() - 10_000;
    await device.publishAsync(
      readingsTopic(identifier),
      signed(key.secret, identifier, key.keyId, ++counter, jsonReading(at, MIDWAY, { seal: "closed" })),
      {
        qos: 1,
      },
    );
    const [stored] = await eventually(
      () => storedReadings(stack.store, "MQX-1"),
      (r) => r.length === 1,
    );
    assert.equal(stored?.protocol, "mqtt");
    assert.equal(stored?.seal, "closed");
    await device.endAsync();
  });

  it("does not acknowledge a message whose write failed: the broker delivers it again and it is stored", async () => {
    const device = await mqttDevice(URL, `dev2-${run}`);
    sink.failNext = 1;
    const before = sink.submitted.length;
    const at = Date.now() - 5_000;
    await device.publishAsync(
      readingsTopic(identifier),
      signed(key.secret, identifier, key.keyId, ++counter, jsonReading(at, MIDWAY, { batteryPct: 61 })),
      {
        qos: 1,
      },
    );
    const readings = await eventually(
      () => storedReadings(stack.store, "MQX-1"),
      (r) => r.some((x) => x.batteryPct === 61),
      10_000,
      "the redelivered reading",
    );
    assert.equal(readings.filter((x) => x.batteryPct === 61).length, 1);
    assert.ok(sink.submitted.length - before >= 2, "delivered at least twice");
    assert.equal(sink.events.filter((e) => e === "failed").length, 1);
    assert.equal(stack.gateway.counters.rejectedCount("mqtt", "store_failed"), 1);
    await device.endAsync();
  });

  it("keeps a message published while the gateway is down, and takes it when its session resumes", async () => {
    await stack.gateway.stop();
    const device = await mqttDevice(URL, `dev3-${run}`);
    const at = Date.now() - 2_000;
    await device.publishAsync(
      readingsTopic(identifier),
      signed(key.secret, identifier, key.keyId, ++counter, jsonReading(at, MIDWAY, { batteryPct: 62 })),
      {
        qos: 1,
      },
    );
    await device.endAsync();
    const second = await Gateway.start({
      sink,
      store: stack.store,
      config: testConfig({
        mqttUrl: URL,
        mqttClientId: clientId,
        jt701Enabled: false,
        teltonikaEnabled: false,
      }),
      masterKey: stack.masterKey,
    });
    try {
      await eventually(
        () => storedReadings(stack.store, "MQX-1"),
        (r) => r.some((x) => x.batteryPct === 62),
        10_000,
        "the reading kept by the broker",
      );
    } finally {
      await second.stop();
    }
  });
});
