/**
 * The trip-level and point alarms: overdue (clock against deadline), unexpected checkpoint reads and
 * (an extension of the contract) seal reads whose number the declaration does not list.
 */
import { ALARM_SEVERITY } from "../../domain/model.js";
import type { AlarmBook } from "../alarm-book.js";
import type { DeviceEvent } from "../device-event.js";
import type { Track } from "../track.js";
import type { TripRuntime } from "../trip-runtime.js";

/**
 * Overdue: the clock is strictly later than the deadline and the trip was armed but neither arrived
 * nor closed at or before it. Stamped with the deadline; cleared by the arrival or the closing,
 * whichever comes first. A function of the clock and the trip's transitions, so it is simply
 * re-evaluated whenever either changes.
 */
export function evaluateOverdue(book: AlarmBook, trip: TripRuntime, clockMs: number | null): void {
  const deadline = trip.deadlineMs;
  const identity = { type: "overdue" as const, trip: trip.id, device: null, startedAtMs: deadline };
  const late =
    trip.armAtMs !== null &&
    clockMs !== null &&
    clockMs > deadline &&
    !(trip.arrivedAtMs !== null && trip.arrivedAtMs <= deadline) &&
    !(trip.closeAtMs !== null && trip.closeAtMs <= deadline);
  if (!late) {
    book.remove(identity);
    return;
  }
  let clearedAtMs: number | null = null;
  if (trip.arrivedAtMs !== null) clearedAtMs = trip.arrivedAtMs;
  if (trip.closeAtMs !== null && (clearedAtMs === null || trip.closeAtMs < clearedAtMs))
    clearedAtMs = trip.closeAtMs;
  book.set({ ...identity, severity: ALARM_SEVERITY.overdue, clearedAtMs });
}

/** Unexpected checkpoint: a passive seal read at an office the trip does not list (when it lists any). */
export function checkpointRead(book: AlarmBook, track: Track, read: DeviceEvent): void {
  const expected = track.trip.expectedOffices;
  if (expected === null || read.office === null || expected.has(read.office)) return;
  book.set({
    type: "unexpected_checkpoint",
    severity: ALARM_SEVERITY.unexpected_checkpoint,
    trip: track.trip.id,
    device: track.device.id,
    startedAtMs: read.atMs,
    clearedAtMs: null,
  });
}

/**
 * Seal mismatch (extension): a passive read inside the trip's window that reports a seal number the
 * trip's declaration does not list. Only when the trip declares seals and the read names a number.
 * Stamped with the read's event time; never clears (like tamper: the seal found is what it is).
 */
export function sealNumberRead(book: AlarmBook, track: Track, read: DeviceEvent): void {
  const declared = track.trip.declaredSeals;
  const found = read.sealNumber;
  if (declared === null || found === null || declared.has(found.trim())) return;
  book.set({
    type: "seal_mismatch",
    severity: ALARM_SEVERITY.seal_mismatch,
    trip: track.trip.id,
    device: track.device.id,
    startedAtMs: read.atMs,
    clearedAtMs: null,
  });
}

/** The point alarms a passive read inside a trip's window can raise. */
export function passiveRead(book: AlarmBook, track: Track, read: DeviceEvent): void {
  checkpointRead(book, track, read);
  sealNumberRead(book, track, read);
}

/** Withdraws the read alarms of reads at or after `fromMs` (the window closed there). */
export function withdrawCheckpointsFrom(book: AlarmBook, track: Track, fromMs: number): void {
  const reads = track.device.timeline.reads;
  for (let i = reads.lowerBoundTime(fromMs); i < reads.length; i++) {
    for (const type of ["unexpected_checkpoint", "seal_mismatch"] as const)
      book.remove({
        type,
        trip: track.trip.id,
        device: track.device.id,
        startedAtMs: reads.get(i).atMs,
      });
  }
}
