/**
 * One reason per alarm of the trip (retracted alarms are no evidence): its points from the rule set
 * (base weight, plus per minute of its duration and per kilometre off the route, capped), times the
 * factor of what the control room found, and the floor an unresolved or confirmed alarm imposes.
 */
import type { AlarmType } from "../domain/model.js";
import type { LonLat } from "../geo/sphere.js";
import type { TripMeasures } from "./measures.js";
import type { RiskAlarm, RiskReason, RiskRecord } from "./record.js";
import { maxChannel, type Channel, type RiskRuleSet } from "./rule-set.js";
import { distanceWords, durationWords, points, positionWords } from "./words.js";

interface AlarmFacts {
  readonly durationMs: number;
  readonly offRouteM: number;
  readonly position?: LonLat;
}

function factsOf(alarm: RiskAlarm, record: RiskRecord, m: TripMeasures): AlarmFacts {
  const endMs = alarm.clearedAtMs ?? record.asOfMs;
  // Where the condition began, as the alarm's evidence found it; else the fix at the alarm's start.
  const position = alarm.evidence?.began ?? m.positionAt(alarm.startedAtMs, alarm.device);
  const base = { ...(position === undefined ? {} : { position }) };
  switch (alarm.type) {
    case "unauthorized_opening": {
      const closedMs = m.sealClosedAfter(alarm.device, alarm.startedAtMs, alarm.clearedAtMs ?? record.asOfMs);
      return { ...base, durationMs: closedMs - alarm.startedAtMs, offRouteM: 0 };
    }
    case "route_deviation":
      return {
        ...base,
        durationMs: endMs - alarm.startedAtMs,
        offRouteM: m.maxOffRouteM(alarm.startedAtMs, endMs, alarm.device),
      };
    case "overdue":
      return {
        ...base,
        durationMs: (record.trip.arrivedAtMs ?? record.asOfMs) - alarm.startedAtMs,
        offRouteM: 0,
      };
    case "tamper":
    case "seal_mismatch":
    case "restricted_zone":
    case "unauthorized_stop":
    case "signal_loss":
    case "unexpected_checkpoint":
    case "low_battery":
      return { ...base, durationMs: endMs - alarm.startedAtMs, offRouteM: 0 };
  }
}

const EVIDENCE_WORDED: ReadonlySet<AlarmType> = new Set<AlarmType>([
  "tamper",
  "seal_mismatch",
  "unexpected_checkpoint",
  "low_battery",
]);

function describe(alarm: RiskAlarm, facts: AlarmFacts, record: RiskRecord): string {
  const at = facts.position === undefined ? "" : ` at ${positionWords(facts.position)}`;
  const from = facts.position === undefined ? "" : ` from ${positionWords(facts.position)}`;
  const duration = durationWords(facts.durationMs);
  const device = alarm.device === null ? "" : ` (${alarm.device})`;
  // What the device itself reported, or the values measured when the alarm was raised (the evidence),
  // says more than the type for alarms whose weight does not grow with time or distance.
  const reported = alarm.evidence?.reason;
  if (reported !== undefined && EVIDENCE_WORDED.has(alarm.type)) return `${reported}${device}${at}`;
  const texts: Record<AlarmType, () => string> = {
    tamper: () => `tamper reported by the device${device}${at}`,
    unauthorized_opening: () => `seal opened for ${duration} outside any office${at}`,
    seal_mismatch: () => `a seal read with a number not on the declaration${device}${at}`,
    restricted_zone: () => `${duration} inside restricted zone ${alarm.zone ?? ""}${at}`.replace("  ", " "),
    route_deviation: () => `${distanceWords(facts.offRouteM)} off the corridor for ${duration}${from}`,
    unauthorized_stop: () => `stopped for ${duration} outside any office or rest area${at}`,
    signal_loss: () => `signal lost for ${duration}${device}${from}`,
    overdue: () =>
      record.trip.arrivedAtMs === undefined
        ? `${duration} past the time limit, not arrived`
        : `arrived ${duration} after the time limit`,
    unexpected_checkpoint: () => `seal read at an office not on the itinerary${device}${at}`,
    low_battery: () => `battery low${device}${at}`,
  };
  return texts[alarm.type]();
}

function outcomeWords(alarm: RiskAlarm): string {
  if (alarm.workflow !== "resolved")
    return alarm.workflow === "open" ? "still open" : "acknowledged, not resolved";
  switch (alarm.outcome) {
    case "confirmed_breach":
      return "confirmed breach";
    case "false_alarm":
      return "resolved as a false alarm";
    case "technical_fault":
      return "resolved as a technical fault";
    case undefined:
      return "resolved without a finding";
  }
}

/** The reasons of every alarm that is not retracted, in the order they started. */
export function alarmReasons(record: RiskRecord, rules: RiskRuleSet, m: TripMeasures): RiskReason[] {
  const reasons: RiskReason[] = [];
  const alarms = record.alarms
    .filter((a) => !a.retracted)
    .sort((a, b) => a.startedAtMs - b.startedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const alarm of alarms) {
    const rule = rules.alarms[alarm.type];
    const facts = factsOf(alarm, record, m);
    const raw =
      rule.weight +
      (rule.perMinute ?? 0) * (facts.durationMs / 60_000) +
      (rule.perKm ?? 0) * (facts.offRouteM / 1000);
    const capped = rule.max === undefined ? raw : Math.min(raw, rule.max);
    const resolved = alarm.workflow === "resolved";
    const factor =
      resolved && alarm.outcome !== undefined
        ? rules.alarmOutcomes[alarm.outcome]
        : rules.alarmOutcomes.unresolved;
    let floor: Channel = "green";
    if (alarm.outcome === "confirmed_breach") floor = maxChannel(floor, rules.floors.confirmedBreach);
    if (!resolved && alarm.severity === "critical")
      floor = maxChannel(floor, rules.floors.unresolvedCritical);
    if (!resolved && alarm.severity === "high") floor = maxChannel(floor, rules.floors.unresolvedHigh);
    reasons.push({
      factor: "alarm",
      code: `alarm.${alarm.type}`,
      weight: points(capped * factor),
      text: `${describe(alarm, facts, record)}; ${outcomeWords(alarm)}`,
      ...(floor === "green" ? {} : { floor }),
      alarmId: alarm.id,
      ...(facts.position === undefined ? {} : { position: facts.position }),
      atMs: alarm.startedAtMs,
    });
  }
  return reasons;
}
