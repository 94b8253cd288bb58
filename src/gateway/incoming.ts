/**
 * From a decoded reading (the device's own identifier) to what the sink stores (the registry's
 * device id, the transport, the arrival time). The raw frame goes with it as evidence.
 */
import type { NormalizedReading } from "../core/domain/reading.js";
import type { IncomingReading } from "./sink.js";

export function incomingOf(
  reading: NormalizedReading,
  deviceId: string,
  protocol: string,
  receivedAtMs: number,
): IncomingReading {
  const p = reading.position;
  return {
    deviceId,
    kind: "message",
    atMs: reading.atMs,
    receivedAtMs,
    ...(p === undefined
      ? {}
      : {
          lon: p.lon,
          lat: p.lat,
          speedKmh: p.speedKmh,
          courseDeg: p.courseDeg,
          valid: p.valid,
          ...(p.altitudeM === undefined ? {} : { altitudeM: p.altitudeM }),
        }),
    ...(reading.seal === undefined ? {} : { seal: reading.seal }),
    ...(reading.tamper === undefined ? {} : { tamper: reading.tamper }),
    ...(reading.batteryPct === undefined ? {} : { batteryPct: reading.batteryPct }),
    protocol,
    raw: reading.raw,
    ...(reading.vendor === undefined
      ? {}
      : {
          vendor:
            p?.satellites === undefined ? reading.vendor : { ...reading.vendor, satellites: p.satellites },
        }),
  };
}
