/** Turns the runs of a `RunTracker` into alarms of one type. */
import { ALARM_SEVERITY, type Alarm, type AlarmType } from "../../domain/model.js";
import type { AlarmBook } from "../alarm-book.js";
import type { Run, RunSink } from "../run-tracker.js";

export interface RunAlarmOptions {
  readonly type: AlarmType;
  readonly trip: string;
  readonly device: string;
  readonly zone?: string;
  /** Whether a run raises an alarm (a minimum duration, a non-exempt first fix). */
  readonly qualifies: (run: Run) => boolean;
  /** Whether the event after a run clears its alarm; tamper alarms never clear on their own. */
  readonly clears: boolean;
}

export class RunAlarms implements RunSink {
  constructor(
    private readonly book: AlarmBook,
    private readonly options: RunAlarmOptions,
  ) {}

  private alarmOf(run: Run): Alarm {
    const { type, trip, device, zone, clears } = this.options;
    const alarm: Alarm = {
      type,
      severity: ALARM_SEVERITY[type],
      trip,
      device,
      startedAtMs: run.first.atMs,
      clearedAtMs: clears && run.next !== null ? run.next.atMs : null,
    };
    return zone === undefined ? alarm : { ...alarm, zone };
  }

  replaced(removed: readonly Run[], added: readonly Run[]): void {
    const { qualifies, clears } = this.options;
    if (removed.length === 1 && added.length === 1) {
      // The usual change: the open run grew by one event.
      const before = removed[0]!;
      const after = added[0]!;
      if (before.first === after.first) {
        const was = qualifies(before);
        const is = qualifies(after);
        if (!was && !is) return;
        if (was && is && (!clears || before.next === after.next)) return;
      }
    }
    for (const run of removed) if (qualifies(run)) this.book.remove(this.alarmOf(run));
    for (const run of added) if (qualifies(run)) this.book.set(this.alarmOf(run));
  }
}
