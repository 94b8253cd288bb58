/**
 * From a decoded reading (the device's own identifier) to what the sink stores (the registry's
 * device id, the transport, the arrival time). The raw frame goes with it as evidence.
 */
import type { Mutable } from "../core/mutable.js";
import type { NormalizedReading } from "../core/domain/reading.js";
import type { IncomingReading } from "./sink.js";

export function incomingOf(
  reading: NormalizedReading,
  deviceId: string,
  protocol: string,
  receivedAtMs: number,
): IncomingReading {
  const p = reading.position;
  // Member by member (this runs for every reading): absent members stay absent.
  const incoming: Mutable<IncomingReading> = {
    deviceId,
    kind: "message",
    atMs: reading.atMs,
    receivedAtMs,
    protocol,
    raw: reading.raw,
  };
  if (p !== undefined) {
    incoming.lon = p.lon;
    incoming.lat = p.lat;
    incoming.speedKmh = p.speedKmh;
    incoming.courseDeg = p.courseDeg;
    incoming.valid = p.valid;
    if (p.altitudeM !== undefined) incoming.altitudeM = p.altitudeM;
  }
  if (reading.seal !== undefined) incoming.seal = reading.seal;
  if (reading.tamper !== undefined) incoming.tamper = reading.tamper;
  if (reading.batteryPct !== undefined) incoming.batteryPct = reading.batteryPct;
  if (reading.vendor !== undefined)
    incoming.vendor =
      p?.satellites === undefined ? reading.vendor : { ...reading.vendor, satellites: p.satellites };
  return incoming;
}
