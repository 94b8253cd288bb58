/**
 * The risk rule set: a published, versioned file of weights and thresholds that turns a trip's
 * record into an inspection channel (docs/risk.md). `ruleSetProblems` checks a parsed file and
 * lists every problem at once (path and what is wrong); `parseRuleSet` returns the frozen rule set
 * or throws them all. The default rules are `published-rules.json`, beside this module.
 */
import { ALARM_TYPES, type AlarmType } from "../domain/model.js";
import { SealwatchError } from "../errors.js";
import published from "./published-rules.json" with { type: "json" };

export const CHANNELS = ["green", "yellow", "red"] as const;
/** green: release without physical inspection; yellow: documentary check and seal verification; red: physical inspection. */
export type Channel = (typeof CHANNELS)[number];

export function channelRank(channel: Channel): number {
  return CHANNELS.indexOf(channel);
}

export function maxChannel(a: Channel, b: Channel): Channel {
  return channelRank(a) >= channelRank(b) ? a : b;
}

/** Points of one alarm: `weight`, plus `perMinute` of its duration and `perKm` of its distance, capped at `max`. */
export interface AlarmRule {
  readonly weight: number;
  readonly perMinute?: number;
  readonly perKm?: number;
  readonly max?: number;
}

export interface RiskRuleSet {
  readonly id: string;
  /** Recorded with every recommendation and decision. */
  readonly version: string;
  /** Publication date, YYYY-MM-DD. */
  readonly published: string;
  readonly description?: string;
  readonly channels: { readonly yellowFromScore: number; readonly redFromScore: number };
  readonly alarms: Readonly<Record<AlarmType, AlarmRule>>;
  /** Factor applied to an alarm's points by what the control room found (unresolved: not yet resolved). */
  readonly alarmOutcomes: {
    readonly unresolved: number;
    readonly confirmed_breach: number;
    readonly technical_fault: number;
    readonly false_alarm: number;
  };
  /** Lowest channel whatever the score ("green": no floor). */
  readonly floors: {
    readonly confirmedBreach: Channel;
    readonly unresolvedCritical: Channel;
    readonly unresolvedHigh: Channel;
  };
  /** Time off the corridor that raised no route-deviation alarm (below its duration threshold). */
  readonly route: { readonly perMinuteOffCorridor: number; readonly max: number };
  /** Silences longer than `gapFactor` × the device's report interval (passive seals have none). */
  readonly signal: { readonly gapFactor: number; readonly perGapMinute: number; readonly max: number };
  readonly seal: { readonly notClosedAtArrival: number; readonly brokenAtCheckpoint: number };
  /** Transit slower than `slowerThanUsualRatio` × the corridor's median, once it has `usualFromTrips` trips. */
  readonly transit: {
    readonly slowerThanUsualRatio: number;
    readonly slowerThanUsual: number;
    readonly usualFromTrips: number;
  };
  readonly device: {
    readonly lowBatteryPct: number;
    readonly lowBattery: number;
    readonly perPastTamperAlarm: number;
    readonly pastTamperMax: number;
  };
  /** The trader's and the carrier's record over their past trips; `aeo` is usually negative (a credit). */
  readonly companies: {
    readonly perConfirmedIncident: number;
    readonly incidentsMax: number;
    readonly newCompanyBelowTrips: number;
    readonly newCompany: number;
    readonly aeo: number;
  };
  /** Share of trips that would be green turned to `channel`, by a seeded draw recorded with the decision. */
  readonly randomSelection: { readonly share: number; readonly channel: "yellow" | "red" };
}

type NumberSpec = { readonly min: number; readonly max: number; readonly optional?: boolean };
const POINTS: NumberSpec = { min: -1000, max: 1000 };
const POSITIVE_POINTS: NumberSpec = { min: 0, max: 1000 };
const RATE: NumberSpec = { min: 0, max: 1000, optional: true };
const FACTOR: NumberSpec = { min: 0, max: 10 };

const SECTIONS: Readonly<Record<string, Readonly<Record<string, NumberSpec | "channel" | "lift">>>> = {
  channels: { yellowFromScore: { min: 0, max: 10_000 }, redFromScore: { min: 0, max: 10_000 } },
  alarmOutcomes: {
    unresolved: FACTOR,
    confirmed_breach: FACTOR,
    technical_fault: FACTOR,
    false_alarm: FACTOR,
  },
  floors: { confirmedBreach: "channel", unresolvedCritical: "channel", unresolvedHigh: "channel" },
  route: { perMinuteOffCorridor: POSITIVE_POINTS, max: POSITIVE_POINTS },
  signal: { gapFactor: { min: 1, max: 100 }, perGapMinute: POSITIVE_POINTS, max: POSITIVE_POINTS },
  seal: { notClosedAtArrival: POSITIVE_POINTS, brokenAtCheckpoint: POSITIVE_POINTS },
  transit: {
    slowerThanUsualRatio: { min: 1, max: 100 },
    slowerThanUsual: POSITIVE_POINTS,
    usualFromTrips: { min: 1, max: 100_000 },
  },
  device: {
    lowBatteryPct: { min: 0, max: 100 },
    lowBattery: POSITIVE_POINTS,
    perPastTamperAlarm: POSITIVE_POINTS,
    pastTamperMax: POSITIVE_POINTS,
  },
  companies: {
    perConfirmedIncident: POSITIVE_POINTS,
    incidentsMax: POSITIVE_POINTS,
    newCompanyBelowTrips: { min: 0, max: 100_000 },
    newCompany: POSITIVE_POINTS,
    aeo: POINTS,
  },
  randomSelection: { share: { min: 0, max: 1 }, channel: "lift" },
};

const ALARM_RULE: Readonly<Record<keyof AlarmRule, NumberSpec>> = {
  weight: POSITIVE_POINTS,
  perMinute: RATE,
  perKm: RATE,
  max: { ...POSITIVE_POINTS, optional: true },
};

const TOP_LEVEL = new Set([
  "$schema",
  "id",
  "version",
  "published",
  "description",
  "alarms",
  ...Object.keys(SECTIONS),
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkNumber(problems: string[], path: string, value: unknown, spec: NumberSpec): void {
  if (value === undefined) {
    if (spec.optional !== true) problems.push(`${path}: missing (a number from ${spec.min} to ${spec.max})`);
    return;
  }
  if (typeof value !== "number" || !Number.isFinite(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not a number`);
  else if (value < spec.min || value > spec.max)
    problems.push(`${path}: ${value} is outside ${spec.min} to ${spec.max}`);
}

function checkObject(
  problems: string[],
  path: string,
  value: unknown,
  fields: Readonly<Record<string, NumberSpec | "channel" | "lift">>,
): void {
  if (!isObject(value)) {
    problems.push(`${path}: missing or not an object (keys ${Object.keys(fields).join(", ")})`);
    return;
  }
  for (const key of Object.keys(value))
    if (!(key in fields))
      problems.push(`${path}.${key}: unknown key (known: ${Object.keys(fields).join(", ")})`);
  for (const [key, spec] of Object.entries(fields)) {
    const field = value[key];
    if (spec === "channel" || spec === "lift") {
      const allowed: readonly string[] = spec === "channel" ? CHANNELS : ["yellow", "red"];
      if (typeof field !== "string" || !allowed.includes(field))
        problems.push(`${path}.${key}: ${JSON.stringify(field)} is not one of ${allowed.join(", ")}`);
    } else checkNumber(problems, `${path}.${key}`, field, spec);
  }
}

function checkText(problems: string[], path: string, value: unknown, pattern: RegExp, what: string): void {
  if (typeof value !== "string" || !pattern.test(value))
    problems.push(`${path}: ${value === undefined ? "missing" : JSON.stringify(value)} is not ${what}`);
}

/** Every problem of a parsed rule-set file (empty when it is valid), each as `path: what is wrong`. */
export function ruleSetProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return ["$: a rule set is a JSON object"];
  for (const key of Object.keys(value)) if (!TOP_LEVEL.has(key)) problems.push(`${key}: unknown key`);
  checkText(problems, "id", value.id, /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "an id (letters, digits, . _ -)");
  checkText(
    problems,
    "version",
    value.version,
    /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,31}$/,
    "a version (e.g. 1.2.0)",
  );
  checkText(problems, "published", value.published, /^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
  if (value.description !== undefined && typeof value.description !== "string")
    problems.push("description: not text");
  for (const [section, fields] of Object.entries(SECTIONS))
    checkObject(problems, section, value[section], fields);
  const alarms = value.alarms;
  if (!isObject(alarms)) problems.push(`alarms: missing or not an object (one entry per alarm type)`);
  else {
    for (const key of Object.keys(alarms))
      if (!(ALARM_TYPES as readonly string[]).includes(key))
        problems.push(`alarms.${key}: unknown alarm type (known: ${ALARM_TYPES.join(", ")})`);
    for (const type of ALARM_TYPES) checkObject(problems, `alarms.${type}`, alarms[type], ALARM_RULE);
  }
  const channels = value.channels;
  if (
    isObject(channels) &&
    typeof channels.yellowFromScore === "number" &&
    typeof channels.redFromScore === "number" &&
    channels.yellowFromScore > channels.redFromScore
  )
    problems.push(
      `channels: yellowFromScore (${channels.yellowFromScore}) is above redFromScore (${channels.redFromScore})`,
    );
  return problems;
}

/** The rule set, frozen, or INVALID_RULE_SET listing every problem; `source` names the file in messages. */
export function parseRuleSet(value: unknown, source: string): RiskRuleSet {
  const problems = ruleSetProblems(value);
  if (problems.length > 0)
    throw new SealwatchError(
      "INVALID_RULE_SET",
      `${source}: the rule set has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems
        .map((p) => `  - ${p}`)
        .join("\n")}`,
    );
  return deepFreeze(structuredClone(value) as RiskRuleSet);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The published default rules (`published-rules.json`). */
export const PUBLISHED_RULE_SET: RiskRuleSet = parseRuleSet(published, "published-rules.json");
