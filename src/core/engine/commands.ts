/** Why a trip command is refused (section 2 of the contract), or null when it is accepted. */
import { formatTimeMs } from "../time/rfc3339.js";
import type { DeviceEvent } from "./device-event.js";
import type { DeviceRuntime } from "./device-runtime.js";
import type { CommandInput } from "./inputs.js";
import type { TripRuntime } from "./trip-runtime.js";

export function armRefusal(
  trip: TripRuntime,
  devices: readonly DeviceRuntime[],
  atMs: number,
): string | null {
  if (trip.state !== "declared") return `trip ${trip.id} is ${trip.state}, not declared`;
  if (atMs > trip.deadlineMs)
    return `the deadline ${formatTimeMs(trip.deadlineMs)} of trip ${trip.id} has passed`;
  for (const device of devices) {
    const other = device.activeTrack;
    if (other !== undefined)
      return `device ${device.id} is on trip ${other.trip.id}, which is ${other.trip.state}`;
  }
  for (const device of devices) {
    if (device.spec.class === "passive") {
      const latest = latestReadAt(device, trip.spec.origin);
      if (latest === undefined) return `passive seal ${device.id} has not been read at ${trip.spec.origin}`;
      if (latest.readStatus !== "intact") {
        return `passive seal ${device.id} was last read ${latest.readStatus ?? "?"} at ${trip.spec.origin}`;
      }
      // Extension: the seal fitted must be one the declaration lists, when both are known.
      const found = latest.sealNumber;
      if (trip.declaredSeals !== null && found !== null && !trip.declaredSeals.has(found.trim())) {
        return `passive seal ${device.id} was read at ${trip.spec.origin} with seal number "${found}", which the declaration does not list`;
      }
    } else {
      // Every message received so far has an event time at or before the command's time.
      const latest = device.timeline.seals.last();
      if (latest === undefined) return `device ${device.id} has not reported its seal state`;
      if (latest.seal !== "closed") return `seal of ${device.id} is ${latest.seal ?? "?"}, not closed`;
    }
  }
  return null;
}

function latestReadAt(device: DeviceRuntime, office: string): DeviceEvent | undefined {
  const reads = device.timeline.reads;
  for (let i = reads.length - 1; i >= 0; i--) {
    const read = reads.get(i);
    if (read.office === office) return read;
  }
  return undefined;
}

export function disarmRefusal(trip: TripRuntime, input: CommandInput): string | null {
  const state = trip.state;
  if (state === "arrived") return null;
  if (state === "armed" || state === "in_transit") {
    if (input.force !== true) return `trip ${trip.id} is ${state}, not arrived`;
    if (input.reason === undefined || !/\S/.test(input.reason)) {
      return `trip ${trip.id} is ${state} and the forced disarm has no reason`;
    }
    return null;
  }
  return `trip ${trip.id} is ${state}, not arrived`;
}

export function cancelRefusal(trip: TripRuntime): string | null {
  return trip.state === "declared" ? null : `trip ${trip.id} is ${trip.state}, not declared`;
}
