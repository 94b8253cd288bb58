/**
 * The things the monitoring contract talks about: zones, devices, trips, alarms. Times are epoch
 * milliseconds; positions are `[lon, lat]` in degrees.
 */
import type { LonLat } from "../geo/sphere.js";
import type { ZoneShape } from "../geo/zone-index.js";

export type ZoneKind = "office" | "rest" | "restricted";

export interface Zone {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly name?: string;
  readonly shape: ZoneShape;
}

export type DeviceClass = "active" | "semi-active" | "passive";

export interface Device {
  readonly id: string;
  readonly class: DeviceClass;
  /** How often the device reports on its own; defaults by class (see `defaultReportIntervalS`). */
  readonly reportIntervalS?: number;
}

/** Default report interval of a device class: 300 s for active, 21,600 s for semi-active devices. */
export function defaultReportIntervalS(deviceClass: DeviceClass): number | undefined {
  switch (deviceClass) {
    case "active":
      return 300;
    case "semi-active":
      return 21_600;
    case "passive":
      return undefined;
  }
}

/** Per-trip rule settings; every key has a contract default (see `rules.ts`). */
export interface RuleSettings {
  readonly corridorM: number;
  readonly deviationMinS: number;
  readonly stopSpeedKmh: number;
  readonly stopRadiusM: number;
  readonly stopMinS: number;
  readonly lowBatteryPct: number;
  readonly lowBatteryClearPct: number;
  /** Undefined means twice each device's report interval. */
  readonly signalLossS: number | undefined;
  readonly openingFixMaxAgeS: number;
}

export type RuleOverrides = Partial<RuleSettings>;

export interface TripSpec {
  readonly id: string;
  readonly reference?: string;
  /** Office zone id of departure. */
  readonly origin: string;
  /** Office zone id of destination. */
  readonly destination: string;
  /** The declared itinerary, `[lon, lat]` vertices. */
  readonly route: readonly LonLat[];
  readonly devices: readonly string[];
  /** Limit time for arrival, epoch ms. */
  readonly deadlineMs: number;
  /** Office zone ids where passive seals are expected to be read. */
  readonly checkpoints?: readonly string[];
  readonly rules?: RuleOverrides;
  /**
   * The seal numbers the declaration lists (ISO 17712 marks or ISO 18185 e-seal ids), exactly as
   * declared. Extension of the contract: a passive read that names a seal number outside this list
   * raises `seal_mismatch`; with no list, reads are not compared.
   */
  readonly seals?: readonly string[];
}

export type TripState = "declared" | "armed" | "in_transit" | "arrived" | "closed" | "cancelled";

export interface Transition {
  readonly state: TripState;
  readonly atMs: number;
}

export type AlarmType =
  | "tamper"
  | "unauthorized_opening"
  | "route_deviation"
  | "unauthorized_stop"
  | "restricted_zone"
  | "low_battery"
  | "signal_loss"
  | "overdue"
  | "unexpected_checkpoint"
  /** Extension of the contract (docs/monitoring.md): a seal read whose number is not declared. */
  | "seal_mismatch";

export type Severity = "critical" | "high" | "medium" | "low";

export const ALARM_SEVERITY: Readonly<Record<AlarmType, Severity>> = {
  tamper: "critical",
  unauthorized_opening: "critical",
  route_deviation: "high",
  unauthorized_stop: "medium",
  restricted_zone: "high",
  low_battery: "low",
  signal_loss: "high",
  overdue: "medium",
  unexpected_checkpoint: "medium",
  seal_mismatch: "critical",
};

/** The alarm types of the monitoring contract itself (`spec/monitoring.md`, section 3). */
export const CONTRACT_ALARM_TYPES: readonly AlarmType[] = [
  "tamper",
  "unauthorized_opening",
  "route_deviation",
  "unauthorized_stop",
  "restricted_zone",
  "low_battery",
  "signal_loss",
  "overdue",
  "unexpected_checkpoint",
];

export const ALARM_TYPES = Object.keys(ALARM_SEVERITY) as AlarmType[];

/** The identity of an alarm: `(trip, device, type, startedAt)`, plus `zone` for `restricted_zone`. */
export interface AlarmIdentity {
  readonly type: AlarmType;
  readonly trip: string;
  readonly device: string | null;
  readonly startedAtMs: number;
  readonly zone?: string;
}

export interface Alarm extends AlarmIdentity {
  readonly severity: Severity;
  /** When the condition ended; null while it holds or for types that never clear on their own. */
  readonly clearedAtMs: number | null;
}

/** A stable string key for an alarm identity. */
export function alarmKey(alarm: AlarmIdentity): string {
  return `${alarm.type}\u0000${alarm.trip}\u0000${alarm.device ?? ""}\u0000${alarm.startedAtMs}\u0000${alarm.zone ?? ""}`;
}

/** Orders alarms as the replay output does: startedAt, type, device (null first), trip, zone. */
export function compareAlarms(a: AlarmIdentity, b: AlarmIdentity): number {
  return (
    a.startedAtMs - b.startedAtMs ||
    compareCodeUnits(a.type, b.type) ||
    compareNullableFirst(a.device, b.device) ||
    compareCodeUnits(a.trip, b.trip) ||
    compareNullableFirst(a.zone ?? null, b.zone ?? null)
  );
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullableFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareCodeUnits(a, b);
}
