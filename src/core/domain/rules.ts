/** The contract defaults of every rule setting and how a trip's overrides resolve against them. */
import type { RuleOverrides, RuleSettings } from "./model.js";

export const DEFAULT_RULES: RuleSettings = Object.freeze({
  corridorM: 1000,
  deviationMinS: 120,
  stopSpeedKmh: 5,
  stopRadiusM: 100,
  stopMinS: 1800,
  lowBatteryPct: 15,
  lowBatteryClearPct: 30,
  signalLossS: undefined,
  openingFixMaxAgeS: 600,
});

export const RULE_KEYS = Object.keys(DEFAULT_RULES) as (keyof RuleSettings)[];

export function resolveRules(overrides: RuleOverrides | undefined): RuleSettings {
  return Object.freeze({ ...DEFAULT_RULES, ...stripUndefined(overrides ?? {}) });
}

function stripUndefined(overrides: RuleOverrides): RuleOverrides {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(overrides)) if (typeof value === "number") result[key] = value;
  return result;
}
