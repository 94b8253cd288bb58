/**
 * A simulated reading as the JSON reading format of MQTT and HTTP devices (the gateway's
 * reading-1 schema), signed in an HMAC-SHA256 envelope with the device's key and a rising counter.
 */
import { createHmac } from "node:crypto";
import type { SimReading } from "./link.js";

export interface DeviceKeyMaterial {
  readonly keyId: string;
  /** The key (the base64 secret the API showed once, decoded). */
  readonly secret: Buffer;
}

export function jsonReading(reading: SimReading): Record<string, unknown> {
  return {
    at: new Date(reading.atMs).toISOString(),
    position: {
      lon: Math.round(reading.lon * 1e6) / 1e6,
      lat: Math.round(reading.lat * 1e6) / 1e6,
      speedKmh: Math.round(reading.speedKmh * 10) / 10,
      courseDeg: Math.round(reading.courseDeg) % 360,
      valid: reading.valid,
    },
    seal: reading.seal,
    tamper: reading.tamper,
    batteryPct: Math.round(reading.batteryPct),
  };
}

/**
 * The signed envelope of docs/protocols/mqtt-http.md: the MAC covers a header naming device, key
 * and counter, then the reading's JSON text, sent as a string so the device needs no canonical JSON.
 */
export function signedEnvelope(
  deviceId: string,
  key: DeviceKeyMaterial,
  counter: number,
  reading: SimReading,
): Record<string, unknown> {
  const payload = JSON.stringify(jsonReading(reading));
  const mac = createHmac("sha256", key.secret)
    .update(`sealwatch-mac-v1\n${deviceId}\n${key.keyId}\n${counter}\n`, "utf8")
    .update(payload, "utf8")
    .digest("base64");
  return { v: 1, deviceId, keyId: key.keyId, counter, payload, mac };
}

/**
 * A counter that rises across runs too (the gateway keeps the highest counter a key has used): the
 * wall clock in milliseconds, bumped when two messages fall in the same millisecond.
 */
export class MessageCounter {
  private last = 0;

  next(): number {
    this.last = Math.max(this.last + 1, Date.now());
    return this.last;
  }
}
