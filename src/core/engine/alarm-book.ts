/**
 * The set of alarms the rules currently give, with the net change of each input.
 *
 * Rules add and remove alarms freely while an input is applied; only the difference between the
 * book before and after the input is reported, so an alarm raised and disproved within one input
 * never appears.
 */
import { alarmKey, type Alarm, type AlarmIdentity } from "../domain/model.js";
import type { AlarmEvidence } from "../evidence/alarm-evidence.js";

/**
 * A net change of one input. The engine adds the evidence of raised and updated alarms (why, where,
 * on which readings) as its history shows it when the change is made.
 */
export type AlarmChange =
  | { readonly change: "raised"; readonly alarm: Alarm; readonly evidence?: AlarmEvidence }
  | {
      readonly change: "updated";
      readonly alarm: Alarm;
      readonly previous: Alarm;
      readonly evidence?: AlarmEvidence;
    }
  | { readonly change: "retracted"; readonly alarm: Alarm };

export class AlarmBook {
  private readonly present = new Map<string, Alarm>();
  /** Keys of present alarms by trip. */
  private readonly byTrip = new Map<string, Set<string>>();
  /** State at the start of the current input of every alarm touched since. */
  private readonly before = new Map<string, Alarm | null>();

  get size(): number {
    return this.present.size;
  }

  get(identity: AlarmIdentity): Alarm | undefined {
    return this.present.get(alarmKey(identity));
  }

  set(alarm: Alarm): void {
    const key = alarmKey(alarm);
    const current = this.present.get(key);
    if (current !== undefined && current.clearedAtMs === alarm.clearedAtMs) return;
    if (!this.before.has(key)) this.before.set(key, current ?? null);
    this.put(key, alarm);
  }

  remove(identity: AlarmIdentity): void {
    const key = alarmKey(identity);
    const current = this.present.get(key);
    if (current === undefined) return;
    if (!this.before.has(key)) this.before.set(key, current);
    this.present.delete(key);
    this.byTrip.get(current.trip)?.delete(key);
  }

  private put(key: string, alarm: Alarm): void {
    this.present.set(key, alarm);
    let keys = this.byTrip.get(alarm.trip);
    if (keys === undefined) this.byTrip.set(alarm.trip, (keys = new Set()));
    keys.add(key);
  }

  /** Ends the current input: returns its net changes and starts a new one. */
  commit(): AlarmChange[] {
    if (this.before.size === 0) return NO_CHANGES;
    const changes: AlarmChange[] = [];
    for (const [key, previous] of this.before) {
      const now = this.present.get(key);
      if (previous === null) {
        if (now !== undefined) changes.push({ change: "raised", alarm: now });
      } else if (now === undefined) {
        changes.push({ change: "retracted", alarm: previous });
      } else if (now.clearedAtMs !== previous.clearedAtMs) {
        changes.push({ change: "updated", alarm: now, previous });
      }
    }
    this.before.clear();
    return changes;
  }

  /** Discards the pending changes of the current input (after a silent restore). */
  discard(): void {
    this.before.clear();
  }

  /** Every alarm currently given by the rules. */
  all(): Alarm[] {
    return [...this.present.values()];
  }

  /** The alarms of one trip. */
  forTrip(tripId: string): Alarm[] {
    const keys = this.byTrip.get(tripId);
    if (keys === undefined) return [];
    return [...keys].map((key) => this.present.get(key)!);
  }

  /** Silently drops a trip's alarms from memory (the trip was evicted; the alarms are not retracted). */
  forget(tripId: string): void {
    const keys = this.byTrip.get(tripId);
    if (keys === undefined) return;
    for (const key of keys) {
      this.present.delete(key);
      this.before.delete(key);
    }
    this.byTrip.delete(tripId);
  }

  /** Silently puts an alarm known from the store (recovery), without reporting a change. */
  restore(alarm: Alarm): void {
    const key = alarmKey(alarm);
    this.put(key, alarm);
    this.before.delete(key);
  }
}

const NO_CHANGES: AlarmChange[] = [];
