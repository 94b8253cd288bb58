/**
 * Key figures for the KPI view, computed from stored trips and alarms (pure: records in, figures
 * out): transit times against their limits, alarms by type per day, the false-alarm rate, and the
 * time to acknowledge by severity against its target.
 */
import { ALARM_TYPES, type AlarmType, type Severity } from "../../core/domain/model.js";
import type { AlarmRecord, TripRecord } from "../../store/ports.js";
import type { AckTargets } from "../views.js";

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];
const DAY_MS = 86_400_000;

export interface TransitFigure {
  readonly tripId: string;
  readonly reference?: string;
  readonly origin: string;
  readonly destination: string;
  readonly armedAtMs: number;
  /** Arrival, or closing when the trip was closed before an arrival was seen. */
  readonly endedAtMs: number;
  readonly transitS: number;
  /** Deadline minus arming time: the time the trip was allowed. */
  readonly limitS: number;
}

export interface AckFigure {
  readonly severity: Severity;
  readonly targetS: number;
  readonly acknowledged: number;
  readonly withinTarget: number;
  readonly medianS: number | null;
  readonly p90S: number | null;
  /** Alarms still waiting for an acknowledgement, and how many of them are past their target. */
  readonly waiting: number;
  readonly waitingOverdue: number;
}

export interface Kpis {
  readonly generatedAtMs: number;
  readonly days: readonly string[];
  readonly transit: readonly TransitFigure[];
  readonly alarmsByDay: readonly {
    readonly day: string;
    readonly counts: Partial<Record<AlarmType, number>>;
  }[];
  readonly falseAlarms: {
    readonly resolved: number;
    readonly falseAlarms: number;
    readonly rate: number | null;
    readonly byType: Partial<Record<AlarmType, { resolved: number; falseAlarms: number }>>;
  };
  readonly acknowledge: readonly AckFigure[];
  readonly totals: { readonly activeTrips: number; readonly openAlarms: number; readonly alarms: number };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/** `YYYY-MM-DD` of a UTC day. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function computeKpis(input: {
  readonly trips: readonly TripRecord[];
  readonly alarms: readonly AlarmRecord[];
  readonly targets: AckTargets;
  readonly nowMs: number;
  readonly days: number;
  readonly maxTransits?: number;
}): Kpis {
  const { trips, alarms, targets, nowMs } = input;
  const transit: TransitFigure[] = [];
  for (const trip of trips) {
    const ended = trip.arrivedAtMs ?? trip.closedAtMs;
    if (trip.armedAtMs === undefined || ended === undefined) continue;
    transit.push({
      tripId: trip.id,
      ...(trip.reference === undefined ? {} : { reference: trip.reference }),
      origin: trip.origin,
      destination: trip.destination,
      armedAtMs: trip.armedAtMs,
      endedAtMs: ended,
      transitS: Math.max(0, (ended - trip.armedAtMs) / 1000),
      limitS: Math.max(0, (trip.deadlineMs - trip.armedAtMs) / 1000),
    });
  }
  transit.sort((a, b) => b.endedAtMs - a.endedAtMs || (a.tripId < b.tripId ? -1 : 1));

  const days: string[] = [];
  for (let i = input.days - 1; i >= 0; i--) days.push(utcDay(nowMs - i * DAY_MS));
  const byDay = new Map<string, Partial<Record<AlarmType, number>>>(days.map((day) => [day, {}]));
  const falseByType: Partial<Record<AlarmType, { resolved: number; falseAlarms: number }>> = {};
  let resolved = 0;
  let falseAlarms = 0;
  const ackSeconds = new Map<Severity, number[]>(SEVERITY_ORDER.map((s) => [s, []]));
  const waiting = new Map<Severity, { count: number; overdue: number }>(
    SEVERITY_ORDER.map((s) => [s, { count: 0, overdue: 0 }]),
  );
  let openAlarms = 0;
  for (const alarm of alarms) {
    if (alarm.retracted) continue;
    const counts = byDay.get(utcDay(alarm.raisedAtMs));
    if (counts !== undefined) counts[alarm.type] = (counts[alarm.type] ?? 0) + 1;
    if (alarm.workflow !== "resolved") openAlarms++;
    if (alarm.workflow === "resolved" && alarm.outcome !== undefined) {
      resolved++;
      const entry = (falseByType[alarm.type] ??= { resolved: 0, falseAlarms: 0 });
      entry.resolved++;
      if (alarm.outcome === "false_alarm") {
        falseAlarms++;
        entry.falseAlarms++;
      }
    }
    if (alarm.acknowledgedAtMs !== undefined) {
      ackSeconds.get(alarm.severity)!.push(Math.max(0, (alarm.acknowledgedAtMs - alarm.raisedAtMs) / 1000));
    } else if (alarm.workflow === "open") {
      const w = waiting.get(alarm.severity)!;
      w.count++;
      if (nowMs - alarm.raisedAtMs > targets[alarm.severity] * 1000) w.overdue++;
    }
  }
  const acknowledge = SEVERITY_ORDER.map((severity): AckFigure => {
    const values = ackSeconds.get(severity)!.sort((a, b) => a - b);
    const targetS = targets[severity];
    const w = waiting.get(severity)!;
    return {
      severity,
      targetS,
      acknowledged: values.length,
      withinTarget: values.filter((v) => v <= targetS).length,
      medianS: quantile(values, 0.5),
      p90S: quantile(values, 0.9),
      waiting: w.count,
      waitingOverdue: w.overdue,
    };
  });
  return {
    generatedAtMs: nowMs,
    days,
    transit: transit.slice(0, input.maxTransits ?? 60),
    alarmsByDay: days.map((day) => ({ day, counts: byDay.get(day)! })),
    falseAlarms: {
      resolved,
      falseAlarms,
      rate: resolved === 0 ? null : falseAlarms / resolved,
      byType: falseByType,
    },
    acknowledge,
    totals: {
      activeTrips: trips.filter(
        (t) => t.state === "armed" || t.state === "in_transit" || t.state === "arrived",
      ).length,
      openAlarms,
      alarms: alarms.filter((a) => !a.retracted).length,
    },
  };
}

export const KPI_ALARM_TYPES: readonly AlarmType[] = ALARM_TYPES;
