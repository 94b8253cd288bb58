/**
 * The run policies of the contract's run-shaped rules. Each decides, per event, whether it starts a
 * run and whether it continues the run anchored at an earlier event.
 */
import type { RuleSettings } from "../../domain/model.js";
import { haversineM } from "../../geo/sphere.js";
import type { Run, RunPolicy } from "../run-tracker.js";

/** Route deviation: fixes farther than the corridor from the route and not exempt. */
export const deviationPolicy: RunPolicy = {
  starts: (event) => event.outOfCorridor && !event.exempt,
  continues: (_anchor, event) => event.outOfCorridor && !event.exempt,
};

/** Tamper: consecutive `tamper: true` messages or broken reads among those that carry tamper. */
export const tamperPolicy: RunPolicy = {
  starts: (event) => event.tamper === true,
  continues: (_anchor, event) => event.tamper === true,
};

/** Unauthorized stop: slow fixes within the stop radius of the run's first fix (greedy). */
export function stopPolicy(rules: RuleSettings): RunPolicy {
  const maxSpeedKmh = rules.stopSpeedKmh;
  const radiusM = rules.stopRadiusM;
  return {
    starts: (event) => event.speedKmh <= maxSpeedKmh,
    continues: (anchor, event) =>
      event.speedKmh <= maxSpeedKmh && haversineM(anchor.lon, anchor.lat, event.lon, event.lat) <= radiusM,
  };
}

/** Low battery: opens at or below `lowBatteryPct`, stays open until a report at or above `lowBatteryClearPct`. */
export function batteryPolicy(rules: RuleSettings): RunPolicy {
  const lowPct = rules.lowBatteryPct;
  const clearPct = rules.lowBatteryClearPct;
  return {
    starts: (event) => event.batteryPct! <= lowPct,
    continues: (_anchor, event) => event.batteryPct! < clearPct,
  };
}

/** Restricted zone: fixes inside one restricted zone. */
export function restrictedPolicy(zone: number): RunPolicy {
  return {
    starts: (event) => event.zones.includes(zone),
    continues: (_anchor, event) => event.zones.includes(zone),
  };
}

export function spansAtLeast(minS: number): (run: Run) => boolean {
  const minMs = minS * 1000;
  return (run) => run.last.atMs - run.first.atMs >= minMs;
}

export function stopQualifies(minS: number): (run: Run) => boolean {
  const minMs = minS * 1000;
  return (run) => !run.first.exempt && run.last.atMs - run.first.atMs >= minMs;
}

export const always = (): boolean => true;
