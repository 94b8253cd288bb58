/** MQTT devices for the tests: an mqtt.js client, signed and encrypted readings. */
import { randomBytes } from "node:crypto";
import { connect as netConnect } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { encryptEnvelope, signEnvelope } from "../../src/gateway/security/envelope.js";

/** Connects a device (MQTT 3.1.1, QoS 1 publishes). */
export async function mqttDevice(
  url: string,
  clientId: string,
  options: { clean?: boolean } = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    clientId,
    clean: options.clean ?? true,
    protocolVersion: 4,
    reconnectPeriod: 200,
    connectTimeout: 5_000,
  });
}

/** A reading as JSON (the schema of docs/protocols/mqtt-http.md). */
export function jsonReading(
  atMs: number,
  lonLat: readonly [number, number] | undefined,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    at: new Date(atMs).toISOString(),
    ...(lonLat === undefined
      ? {}
      : { position: { lon: lonLat[0], lat: lonLat[1], speedKmh: 40, courseDeg: 90 } }),
    ...extra,
  };
}

export function signed(
  secretBase64: string,
  deviceId: string,
  keyId: string,
  counter: number,
  reading: Record<string, unknown> | string,
): string {
  return JSON.stringify(
    signEnvelope(Buffer.from(secretBase64, "base64"), { deviceId, keyId, counter }, reading),
  );
}

export function encrypted(
  secretBase64: string,
  deviceId: string,
  keyId: string,
  counter: number,
  reading: Record<string, unknown>,
): string {
  return JSON.stringify(
    encryptEnvelope(
      Buffer.from(secretBase64, "base64"),
      { deviceId, keyId, counter },
      reading,
      randomBytes(12),
    ),
  );
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function reachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
