/**
 * The API's views as the dashboard reads them. Those the OpenAPI document describes come from it
 * (openapi.gen.ts, generated and checked for drift by test/dashboard/api-types.test.ts); the rest
 * (the live stream's events, the timeline's loose entries) are written here.
 */
import type * as Api from "./openapi.gen.js";

export type Alarm = Api.Alarm;
export type AlarmEvidence = Api.AlarmEvidence;
export type AlarmAction = Api.AlarmAction;
export type AuditRecord = Api.AuditRecord;
export type Company = Api.Company;
export type DashboardConfig = Api.DashboardConfig;
export type Inspection = Api.Inspection;
export type InspectionFigures = Api.InspectionFigures;
export type Kpis = Api.Kpis;
export type RiskReason = Api.RiskReason;
export type Trip = Api.Trip;
export type User = Api.User;
export type ZoneFeature = Api.Zone;

export type Role = User["role"];
export type Severity = Alarm["severity"];
export type TripState = Trip["state"];
export type Workflow = Alarm["workflow"];
export type Outcome = NonNullable<Alarm["outcome"]>;
export type AlarmType = Alarm["type"];
export type Channel = Inspection["channel"];
export type InspectionDecision = Inspection["recommendedDecision"];
export type InspectionResult = NonNullable<Inspection["outcome"]>["result"];

export const LIVE_STATES: readonly TripState[] = ["armed", "in_transit", "arrived"];
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];
export const ALARM_TYPES: readonly AlarmType[] = [
  "tamper",
  "unauthorized_opening",
  "route_deviation",
  "unauthorized_stop",
  "restricted_zone",
  "signal_loss",
  "overdue",
  "low_battery",
  "unexpected_checkpoint",
  "seal_mismatch",
];

export interface Me {
  readonly kind: "user" | "apiKey";
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly companyId?: string;
  readonly offices: readonly string[];
  readonly actor: string;
}

export interface FleetItem {
  readonly tripId: string;
  readonly deviceId: string;
  readonly state: TripState;
  readonly reference?: string;
  readonly origin: string;
  readonly destination: string;
  readonly companyId?: string;
  readonly registration?: string;
  readonly mode?: string;
  readonly deadline: string;
  readonly position?: { lon: number; lat: number; speedKmh?: number; courseDeg?: number; at: string };
  readonly worstSeverity?: Severity;
  readonly openAlarms: number;
}

export interface LiveReading {
  readonly deviceId: string;
  readonly tripId?: string;
  readonly at: string;
  readonly receivedAt: string;
  readonly position?: { lon: number; lat: number; speedKmh?: number; courseDeg?: number; valid: boolean };
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: "reading" | "alarm" | "transition" | "action";
  readonly action?: string;
  readonly actor?: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
  readonly details?: Record<string, unknown>;
  readonly deviceId?: string;
  readonly receivedAt?: string;
  readonly position?: [number, number];
  readonly speedKmh?: number;
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  /** The audit record's place in the chain, as an opaque token. */
  readonly auditSeq?: string;
}
