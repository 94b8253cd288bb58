/**
 * Unauthorized opening: the device's seal goes from closed to open (in event-time order) and the
 * position at that moment is not inside an office zone. The position is the message's own fix, else
 * the latest earlier fix at most `openingFixMaxAgeS` older; with no such fix the opening is
 * unauthorized. The seal state before the opening and the fix may be older than the arming time.
 */
import { ALARM_SEVERITY } from "../../domain/model.js";
import type { AlarmBook } from "../alarm-book.js";
import type { DeviceEvent } from "../device-event.js";
import type { DeviceRuntime } from "../device-runtime.js";

export class OpeningRule {
  /** The largest openingFixMaxAgeS of any trip: how far after a fix an opening may be located by it. */
  maxFixAgeMs = 0;

  constructor(private readonly book: AlarmBook) {}

  /** A seal-carrying message was inserted: the transitions at it and at the next seal message may change. */
  sealInserted(device: DeviceRuntime, event: DeviceEvent): void {
    const seals = device.timeline.seals;
    const index = seals.insert(event);
    this.transitionAt(device, index);
    if (index + 1 < seals.length) this.transitionAt(device, index + 1);
  }

  /** Recomputes every seal transition of a device (after events were restored in bulk). */
  recomputeAll(device: DeviceRuntime): void {
    const seals = device.timeline.seals;
    for (let i = 0; i < seals.length; i++) this.transitionAt(device, i);
  }

  private transitionAt(device: DeviceRuntime, index: number): void {
    const seals = device.timeline.seals;
    const event = seals.get(index);
    const previous = index > 0 ? seals.get(index - 1) : undefined;
    const isOpening = previous !== undefined && previous.seal === "closed" && event.seal === "open";
    const wasOpening = event.isOpening;
    if (isOpening !== wasOpening) {
      event.isOpening = isOpening;
      if (isOpening) device.timeline.openings.insert(event);
      else device.timeline.openings.remove(event);
    }
    // Nothing to raise or withdraw for an event that is not, and was not, an opening.
    if (isOpening || wasOpening) this.evaluate(device, event);
  }

  /** A fix may now be the one that locates openings shortly after it. */
  fixInserted(device: DeviceRuntime, fix: DeviceEvent): void {
    const openings = device.timeline.openings;
    if (openings.length === 0) return;
    const from = openings.lowerBoundTime(fix.atMs + 1);
    const to = openings.lowerBoundTime(fix.atMs + this.maxFixAgeMs + 1);
    for (let i = from; i < to; i++) this.evaluate(device, openings.get(i));
  }

  /** Evaluates the openings at or after `fromMs` (a window opened there). */
  evaluateFrom(device: DeviceRuntime, fromMs: number): void {
    const openings = device.timeline.openings;
    for (let i = openings.lowerBoundTime(fromMs); i < openings.length; i++)
      this.evaluate(device, openings.get(i));
  }

  /** Withdraws a trip's opening alarms at or after `fromMs` (its window closed there). */
  withdrawFrom(device: DeviceRuntime, tripId: string, fromMs: number): void {
    const openings = device.timeline.openings;
    for (let i = openings.lowerBoundTime(fromMs); i < openings.length; i++) {
      this.book.remove({
        type: "unauthorized_opening",
        trip: tripId,
        device: device.id,
        startedAtMs: openings.get(i).atMs,
      });
    }
  }

  /**
   * Raises or withdraws the alarm at a seal event's instant. The alarm's identity is the instant, so
   * it stands if any opening at that instant (same-instant messages of different content) is
   * unauthorized.
   */
  evaluate(device: DeviceRuntime, event: DeviceEvent): void {
    const track = device.trackAt(event.atMs);
    if (track === undefined) return;
    const identity = {
      type: "unauthorized_opening" as const,
      trip: track.trip.id,
      device: device.id,
      startedAtMs: event.atMs,
    };
    const maxAgeMs = track.trip.rules.openingFixMaxAgeS * 1000;
    const openings = device.timeline.openings;
    let unauthorized = false;
    for (let i = openings.lowerBoundTime(event.atMs); i < openings.length; i++) {
      const opening = openings.get(i);
      if (opening.atMs !== event.atMs) break;
      if (!openedInOffice(device, opening, maxAgeMs)) {
        unauthorized = true;
        break;
      }
    }
    if (unauthorized) {
      this.book.set({ ...identity, severity: ALARM_SEVERITY.unauthorized_opening, clearedAtMs: null });
    } else {
      this.book.remove(identity);
    }
  }
}

/** Whether an opening is located inside an office: by its own fix, else by a recent enough earlier fix. */
function openedInOffice(device: DeviceRuntime, event: DeviceEvent, maxAgeMs: number): boolean {
  if (event.hasFix) return event.inOffice;
  const fixes = device.timeline.fixes;
  const before = fixes.lowerBoundTime(event.atMs) - 1;
  if (before < 0) return false;
  const fix = fixes.get(before);
  return event.atMs - fix.atMs <= maxAgeMs && fix.inOffice;
}
