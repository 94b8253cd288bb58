/**
 * The contract's run-shaped rules as data: which alarm type a run raises, the run policy (does an
 * event start a run, does it continue the run anchored at an earlier event), whether a run qualifies
 * (minimum duration, non-exempt start) and whether the event after a run clears the alarm.
 *
 * A trip builds its rules once from its settings; every device on the trip shares them.
 */
import { ALARM_SEVERITY, type Alarm, type AlarmType, type RuleSettings } from "../../domain/model.js";
import { haversineM } from "../../geo/sphere.js";
import type { Run, RunPolicy } from "../run-tracker.js";

export interface RunRule {
  readonly type: AlarmType;
  /** Zone id, for restricted-zone rules. */
  readonly zone?: string;
  readonly policy: RunPolicy;
  readonly qualifies: (run: Run) => boolean;
  /** Whether the event after a run clears its alarm (tamper alarms never clear on their own). */
  readonly clears: boolean;
}

const always = (): boolean => true;

function spansAtLeast(minS: number): (run: Run) => boolean {
  const minMs = minS * 1000;
  return (run) => run.last.atMs - run.first.atMs >= minMs;
}

/** Route deviation: fixes farther than the corridor from the route and not exempt, for `deviationMinS`. */
export function deviationRule(rules: RuleSettings): RunRule {
  const out = (event: { outOfCorridor: boolean; exempt: boolean }): boolean =>
    event.outOfCorridor && !event.exempt;
  return {
    type: "route_deviation",
    policy: { starts: out, continues: (_anchor, event) => out(event) },
    qualifies: spansAtLeast(rules.deviationMinS),
    clears: true,
  };
}

/** Unauthorized stop: slow fixes within the stop radius of the run's first fix (greedy), not starting exempt. */
export function stopRule(rules: RuleSettings): RunRule {
  const maxSpeedKmh = rules.stopSpeedKmh;
  const radiusM = rules.stopRadiusM;
  const minMs = rules.stopMinS * 1000;
  return {
    type: "unauthorized_stop",
    policy: {
      starts: (event) => event.speedKmh <= maxSpeedKmh,
      continues: (anchor, event) =>
        event.speedKmh <= maxSpeedKmh && haversineM(anchor.lon, anchor.lat, event.lon, event.lat) <= radiusM,
    },
    qualifies: (run) => !run.first.exempt && run.last.atMs - run.first.atMs >= minMs,
    clears: true,
  };
}

/** Tamper: consecutive `tamper: true` messages or broken reads among those that carry tamper. */
export const TAMPER_RULE: RunRule = {
  type: "tamper",
  policy: { starts: (event) => event.tamper === true, continues: (_anchor, event) => event.tamper === true },
  qualifies: always,
  clears: false,
};

/** Low battery: opens at or below `lowBatteryPct`, stays open until a report at or above `lowBatteryClearPct`. */
export function batteryRule(rules: RuleSettings): RunRule {
  const lowPct = rules.lowBatteryPct;
  const clearPct = rules.lowBatteryClearPct;
  return {
    type: "low_battery",
    policy: {
      starts: (event) => event.batteryPct! <= lowPct,
      continues: (_anchor, event) => event.batteryPct! < clearPct,
      // The report that clears the alarm does not raise a new one, even when an override sets
      // lowBatteryClearPct at or below lowBatteryPct.
      endingEventMayStart: false,
    },
    qualifies: always,
    clears: true,
  };
}

/** Restricted zone: fixes inside one restricted zone (zone number `zone`, id `zoneId`). */
export function restrictedRule(zone: number, zoneId: string): RunRule {
  const inside = (event: { zones: readonly number[] }): boolean => event.zones.includes(zone);
  return {
    type: "restricted_zone",
    zone: zoneId,
    policy: { starts: inside, continues: (_anchor, event) => inside(event) },
    qualifies: always,
    clears: true,
  };
}

/** The alarm a qualifying run raises on a trip, for a device. */
export function runAlarm(rule: RunRule, trip: string, device: string, run: Run): Alarm {
  const alarm: Alarm = {
    type: rule.type,
    severity: ALARM_SEVERITY[rule.type],
    trip,
    device,
    startedAtMs: run.first.atMs,
    clearedAtMs: rule.clears && run.next !== null ? run.next.atMs : null,
  };
  return rule.zone === undefined ? alarm : { ...alarm, zone: rule.zone };
}
