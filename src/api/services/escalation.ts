/**
 * Response-time targets: an alarm still open (not acknowledged) when its severity's target has passed
 * is escalated to supervisors, once: an "escalate" action in its history, an audit record, and a
 * workflow event on the live stream that supervisors' screens pick up. Runs on the engine tick.
 */
import type { Clock } from "../../monitor/clock.js";
import type { Store } from "../../store/ports.js";
import { iso, type AckTargets } from "../views.js";
import type { AlarmWorkflow } from "./alarm-workflow.js";

export interface EscalationLogger {
  warn(details: object, message: string): void;
}

export class Escalation {
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly workflow: AlarmWorkflow,
    private readonly targets: AckTargets,
    private readonly clock: Clock,
    private readonly logger: EscalationLogger,
  ) {}

  /** Escalates every open alarm past its target; returns how many it escalated this time. */
  async run(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const now = this.clock.nowMs();
      let escalated = 0;
      for (const alarm of await this.store.alarms.list({ workflow: ["open"] })) {
        if (alarm.escalatedAtMs !== undefined) continue;
        const targetS = this.targets[alarm.severity];
        const dueMs = alarm.raisedAtMs + targetS * 1000;
        if (now <= dueMs) continue;
        const done = await this.workflow.escalate(alarm.id, {
          to: "supervisors",
          severity: alarm.severity,
          targetS,
          ackDueAt: iso(dueMs),
          overdueS: Math.round((now - dueMs) / 1000),
        });
        if (done === undefined) continue;
        escalated++;
        this.logger.warn(
          { alarmId: alarm.id, tripId: alarm.trip, type: alarm.type, severity: alarm.severity, targetS },
          "alarm not acknowledged within its target: escalated to supervisors",
        );
      }
      return escalated;
    } finally {
      this.running = false;
    }
  }
}
