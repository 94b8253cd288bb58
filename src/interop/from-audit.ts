/**
 * Canonical events from the audit chain (pure): every fact a subscriber hears about is an audit
 * record — a trip transition, an alarm raised, cleared, retracted or resolved, an inspection
 * decision — so the chain, read in order, is the live event feed. The caller looks up the trip, the
 * alarm and the position the record refers to.
 */
import type { AlarmOutcome, AlarmRecord, AuditRecord, TripRecord } from "../store/ports.js";
import type { LonLat } from "../core/geo/sphere.js";
import type { CanonicalEvent, CanonicalEventType, EventPlace, InspectionFacts } from "./events.js";
import { alarmFacts, officePlace, tripFacts, type ZoneLookup } from "./trip-facts.js";

/** What an audit record needs looked up before it becomes events. */
export interface AuditContext {
  readonly trip: TripRecord;
  readonly zones: ZoneLookup;
  /** For alarm records. */
  readonly alarm?: AlarmRecord;
  /** The device's last fix at the event's time, if any. */
  readonly position?: LonLat;
}

const TRANSITION_TYPES: Readonly<Record<string, CanonicalEventType | undefined>> = {
  armed: "trip.armed",
  in_transit: "trip.in_transit",
  arrived: "trip.arrived",
  closed: "trip.closed",
  cancelled: "trip.cancelled",
};

/** Trip states in lifecycle order (cancelled apart). */
const STATE_RANK: Readonly<Record<string, number | undefined>> = {
  declared: 0,
  armed: 1,
  in_transit: 2,
  arrived: 3,
  closed: 4,
};

const ALARM_ACTIONS: Readonly<Record<string, CanonicalEventType | undefined>> = {
  "alarm.raise": "alarm.raised",
  "alarm.reinstate": "alarm.raised",
  "alarm.reopen": "alarm.raised",
  "alarm.clear": "alarm.cleared",
  "alarm.retract": "alarm.retracted",
  "alarm.resolve": "alarm.resolved",
};

/** The trip an audit record is about (its id), or undefined when it reports nothing to subscribers. */
export function auditTripId(record: AuditRecord): string | undefined {
  const details = (record.details ?? {}) as { trip?: unknown; tripId?: unknown };
  if (record.action === "trip.transition" || isInspection(record.action)) return record.subjectId;
  if (ALARM_ACTIONS[record.action] !== undefined) {
    const trip = details.trip ?? details.tripId;
    return typeof trip === "string" ? trip : undefined;
  }
  return undefined;
}

/** Whether the record is about an alarm (the caller then looks the alarm up by `subjectId`). */
export function isAlarmAction(action: string): boolean {
  return ALARM_ACTIONS[action] !== undefined;
}

/** The inspection service's audit actions that are events (the recommendation alone is not one). */
const INSPECTION_ACTIONS = new Set(["trip.inspection.decide", "trip.inspection.outcome"]);

function isInspection(action: string): boolean {
  return INSPECTION_ACTIONS.has(action);
}

/** The store's decision kinds in the canonical vocabulary (docs/interop: DCSA CUSR / CUSI). */
const DECISION_WORDS: Readonly<Record<string, string | undefined>> = {
  release: "released",
  documentary_check: "selected_for_documentary_check",
  physical_inspection: "selected_for_inspection",
};

/** What an inspection audit record says: the decision taken, or the outcome of the check. */
export function inspectionFacts(record: AuditRecord): InspectionFacts | undefined {
  const details = (record.details ?? {}) as Record<string, unknown>;
  if (record.action === "trip.inspection.decide") {
    const decision = typeof details.decision === "string" ? DECISION_WORDS[details.decision] : undefined;
    if (decision === undefined) return undefined;
    return { decision, ...(typeof details.reason === "string" ? { notes: details.reason } : {}) };
  }
  if (record.action === "trip.inspection.outcome") {
    const result =
      details.result === "no_irregularity"
        ? "conformant"
        : details.result === "irregularity_found"
          ? "non_conformant"
          : undefined;
    if (result === undefined) return undefined;
    return {
      decision: "inspected",
      result,
      ...(typeof details.description === "string" ? { notes: details.description } : {}),
    };
  }
  return undefined;
}

/** The canonical events of one audit record (none for records subscribers do not hear about). */
export function eventsFromAudit(record: AuditRecord, ctx: AuditContext): CanonicalEvent[] {
  const trip = tripFacts(ctx.trip, ctx.zones);
  const device = ctx.trip.devices[0];
  const base = {
    recordedAtMs: record.atMs,
    trip,
    ...(device === undefined ? {} : { device }),
  };
  if (record.action === "trip.transition") {
    const details = (record.details ?? {}) as {
      from?: string;
      to?: string;
      transitions?: { state: string; atMs: number }[];
    };
    // The record lists every transition of the trip so far; only those past `from` are new here.
    const fromRank = STATE_RANK[details.from ?? "declared"] ?? 0;
    const toRank = STATE_RANK[details.to ?? ""] ?? Number.POSITIVE_INFINITY;
    return (details.transitions ?? []).flatMap(({ state, atMs }) => {
      const type = TRANSITION_TYPES[state];
      if (type === undefined) return [];
      const rank = STATE_RANK[state] ?? 0;
      if (
        state === "cancelled"
          ? details.to !== "cancelled" || details.from === "cancelled"
          : rank <= fromRank || rank > toRank
      )
        return [];
      const office =
        state === "armed" ? ctx.trip.origin : state === "cancelled" ? undefined : ctx.trip.destination;
      const place = placeOf(
        office === undefined || state === "in_transit" ? undefined : officePlace(office, ctx.zones),
        ctx.position,
      );
      return [
        {
          ...base,
          id: `audit-${record.seq}-${state}`,
          type,
          atMs,
          ...(place === undefined ? {} : { place }),
          actor: record.actor,
        },
      ];
    });
  }
  const alarmType = ALARM_ACTIONS[record.action];
  if (alarmType !== undefined) {
    const alarm = ctx.alarm;
    if (alarm === undefined) return [];
    const details = (record.details ?? {}) as { outcome?: AlarmOutcome; notes?: string };
    const resolution =
      alarmType === "alarm.resolved" && details.outcome !== undefined
        ? { outcome: details.outcome, ...(details.notes === undefined ? {} : { notes: details.notes }) }
        : undefined;
    const atMs =
      alarmType === "alarm.raised"
        ? alarm.startedAtMs
        : alarmType === "alarm.cleared" && alarm.clearedAtMs !== null
          ? alarm.clearedAtMs
          : record.atMs;
    const place = placeOf(undefined, ctx.position);
    return [
      {
        ...base,
        ...(alarm.device === null ? {} : { device: alarm.device }),
        id: `audit-${record.seq}`,
        type: alarmType,
        atMs,
        ...(place === undefined ? {} : { place }),
        alarm: alarmFacts(alarm, resolution),
        actor: record.actor,
      },
    ];
  }
  if (isInspection(record.action)) {
    const inspection = inspectionFacts(record);
    if (inspection === undefined) return [];
    const place = placeOf(officePlace(ctx.trip.destination, ctx.zones), ctx.position);
    return [
      {
        ...base,
        id: `audit-${record.seq}`,
        type: "inspection.decided",
        atMs: record.atMs,
        ...(place === undefined ? {} : { place }),
        inspection,
        actor: record.actor,
      },
    ];
  }
  return [];
}

function placeOf(office: EventPlace | undefined, position: LonLat | undefined): EventPlace | undefined {
  if (office === undefined && position === undefined) return undefined;
  return { ...(office ?? {}), ...(position === undefined ? {} : { position }) };
}
