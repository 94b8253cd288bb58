/**
 * The officers' handling of an alarm: open → acknowledged → resolved, with assignment, comments,
 * incident reports and escalation. Each action is applied and recorded in one store transaction,
 * chained into the audit log with who and when, and published on the live stream. Actions on one
 * alarm run one at a time, so two officers acknowledging at once get one success and one refusal.
 */
import { randomUUID } from "node:crypto";
import { SealwatchError } from "../../core/errors.js";
import type { LiveBus } from "../../bus/live-events.js";
import type { Clock } from "../../monitor/clock.js";
import { tripOffices } from "../../monitor/effects.js";
import type { AlarmActionKind, AlarmOutcome, AlarmRecord, AlarmStore, Store } from "../../store/ports.js";
import { KeyedLock } from "./keyed-lock.js";

type WorkflowUpdate = Parameters<AlarmStore["act"]>[1];

/** A refusal (the text says why) or the changes to make. */
type Plan = string | WorkflowUpdate;

export class AlarmWorkflow {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly clock: Clock,
  ) {}

  acknowledge(alarmId: string, actor: string, note?: string): Promise<AlarmRecord> {
    return this.act(alarmId, "acknowledge", actor, note === undefined ? {} : { note }, (alarm, now) =>
      alarm.workflow === "open"
        ? { workflow: "acknowledged", acknowledgedAtMs: now }
        : `alarm ${alarm.id} is ${alarm.workflow}, not open`,
    );
  }

  assign(alarmId: string, actor: string, assignee: string): Promise<AlarmRecord> {
    return this.act(alarmId, "assign", actor, { assignee }, (alarm) =>
      alarm.workflow === "resolved" ? `alarm ${alarm.id} is resolved` : { assignee },
    );
  }

  comment(alarmId: string, actor: string, text: string): Promise<AlarmRecord> {
    return this.act(alarmId, "comment", actor, { text }, () => ({}));
  }

  resolve(alarmId: string, actor: string, outcome: AlarmOutcome, notes?: string): Promise<AlarmRecord> {
    return this.act(
      alarmId,
      "resolve",
      actor,
      { outcome, ...(notes === undefined ? {} : { notes }) },
      (alarm, now) =>
        alarm.workflow === "acknowledged"
          ? { workflow: "resolved", outcome, resolvedAtMs: now }
          : `alarm ${alarm.id} is ${alarm.workflow}; it is acknowledged before it is resolved`,
    );
  }

  /** A trader's, carrier's or officer's report about the alarm (what happened on the road). */
  report(alarmId: string, actor: string, details: object): Promise<AlarmRecord> {
    return this.act(alarmId, "report", actor, details, () => ({}));
  }

  /** Escalates an open alarm whose acknowledgement target passed (once). */
  escalate(alarmId: string, details: object): Promise<AlarmRecord | undefined> {
    return this.act(alarmId, "escalate", "system", details, (alarm, now) =>
      alarm.workflow === "open" && alarm.escalatedAtMs === undefined
        ? { escalatedAtMs: now }
        : "not escalated",
    ).catch((error: unknown) => {
      if (error instanceof SealwatchError && error.code === "INVALID_TRANSITION") return undefined;
      throw error;
    });
  }

  private act(
    alarmId: string,
    action: AlarmActionKind,
    actor: string,
    details: object,
    plan: (alarm: AlarmRecord, nowMs: number) => Plan,
  ): Promise<AlarmRecord> {
    return this.lock.run(alarmId, async () => {
      const alarm = await this.store.alarms.get(alarmId);
      if (alarm === undefined) throw new SealwatchError("NOT_FOUND", `alarm "${alarmId}" not found`);
      const now = this.clock.nowMs();
      const update = plan(alarm, now);
      if (typeof update === "string") throw new SealwatchError("INVALID_TRANSITION", update);
      await this.store.alarms.act({ id: randomUUID(), alarmId, action, actor, atMs: now, details }, update);
      const updated = (await this.store.alarms.get(alarmId)) ?? { ...alarm, ...update, updatedAtMs: now };
      await this.store.audit.append({
        atMs: now,
        actor,
        action: `alarm.${action}`,
        subjectType: "alarm",
        subjectId: alarmId,
        details: {
          ...details,
          tripId: alarm.trip,
          ...(alarm.workflow === updated.workflow ? {} : { from: alarm.workflow, to: updated.workflow }),
        },
      });
      const trip = await this.store.trips.get(alarm.trip);
      this.bus.publish(
        {
          kind: "alarm",
          change: "workflow",
          alarm: updated,
          ...(trip?.companyId === undefined ? {} : { companyId: trip.companyId }),
          offices: tripOffices(trip),
        },
        now,
      );
      return updated;
    });
  }
}
