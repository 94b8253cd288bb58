/**
 * The set of alarms the rules currently give, with the net change of each input.
 *
 * Rules add and remove alarms freely while an input is applied; only the difference between the
 * book before and after the input is reported, so an alarm raised and disproved within one input
 * never appears.
 */
import { alarmKey, type Alarm, type AlarmIdentity } from "../domain/model.js";

export type AlarmChange =
  | { readonly change: "raised"; readonly alarm: Alarm }
  | { readonly change: "updated"; readonly alarm: Alarm; readonly previous: Alarm }
  | { readonly change: "retracted"; readonly alarm: Alarm };

export class AlarmBook {
  private readonly present = new Map<string, Alarm>();
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
    this.present.set(key, alarm);
  }

  remove(identity: AlarmIdentity): void {
    const key = alarmKey(identity);
    const current = this.present.get(key);
    if (current === undefined) return;
    if (!this.before.has(key)) this.before.set(key, current);
    this.present.delete(key);
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

  /** Every alarm currently given by the rules. */
  all(): Alarm[] {
    return [...this.present.values()];
  }
}

const NO_CHANGES: AlarmChange[] = [];
