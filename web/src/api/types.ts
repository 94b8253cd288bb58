/** The API's views as the dashboard reads them (see src/api/views.ts on the server). */

export type Role = "admin" | "supervisor" | "officer" | "operator" | "trader" | "gateway";
export type Severity = "critical" | "high" | "medium" | "low";
export type TripState = "declared" | "armed" | "in_transit" | "arrived" | "closed" | "cancelled";
export type Workflow = "open" | "acknowledged" | "resolved";
export type Outcome = "confirmed_breach" | "false_alarm" | "technical_fault";
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
  | "seal_mismatch";

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

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly companyId?: string;
  readonly offices: readonly string[];
  readonly disabled: boolean;
}

export interface Trip {
  readonly id: string;
  readonly reference?: string;
  readonly mrn?: string;
  readonly state: TripState;
  readonly origin: string;
  readonly destination: string;
  readonly checkpoints: readonly string[];
  readonly route: { readonly type: "LineString"; readonly coordinates: readonly [number, number][] };
  readonly devices: readonly string[];
  readonly deadline: string;
  readonly rules: { readonly corridorM?: number; readonly [key: string]: number | undefined };
  readonly companyId?: string;
  readonly carrierId?: string;
  readonly containers: readonly string[];
  readonly seals: readonly string[];
  readonly conveyance?: {
    readonly mode: string;
    readonly registration?: string;
    readonly nationality?: string;
    readonly driver?: string;
  };
  readonly goodsDescription?: string;
  readonly declaredBy?: string;
  readonly armedAt?: string;
  readonly inTransitAt?: string;
  readonly arrivedAt?: string;
  readonly closedAt?: string;
  readonly cancelledAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Alarm {
  readonly id: string;
  readonly type: AlarmType;
  readonly severity: Severity;
  readonly tripId: string;
  readonly deviceId: string | null;
  readonly zone?: string;
  readonly startedAt: string;
  readonly clearedAt: string | null;
  readonly retracted: boolean;
  readonly workflow: Workflow;
  readonly assignee?: string;
  readonly outcome?: Outcome;
  readonly raisedAt: string;
  readonly ackDueAt: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt?: string;
  readonly escalatedAt?: string;
  readonly updatedAt: string;
}

export interface AlarmAction {
  readonly id: string;
  readonly alarmId: string;
  readonly action: string;
  readonly actor: string;
  readonly at: string;
  readonly details?: unknown;
}

export interface ZoneFeature {
  readonly type: "Feature";
  readonly id: string;
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
  readonly properties: {
    readonly kind: "office" | "rest" | "restricted";
    readonly name?: string;
    readonly radiusM?: number;
  };
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
  readonly auditSeq?: number;
}

export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly details?: unknown;
  readonly hash: string;
}

export interface Kpis {
  readonly generatedAt: string;
  readonly days: readonly string[];
  readonly transit: readonly {
    tripId: string;
    reference?: string;
    origin: string;
    destination: string;
    armedAt: string;
    endedAt: string;
    transitS: number;
    limitS: number;
  }[];
  readonly alarmsByDay: readonly { day: string; counts: Partial<Record<AlarmType, number>> }[];
  readonly falseAlarms: {
    resolved: number;
    falseAlarms: number;
    rate: number | null;
    byType: Partial<Record<AlarmType, { resolved: number; falseAlarms: number }>>;
  };
  readonly acknowledge: readonly {
    severity: Severity;
    targetS: number;
    acknowledged: number;
    withinTarget: number;
    medianS: number | null;
    p90S: number | null;
    waiting: number;
    waitingOverdue: number;
  }[];
  readonly totals: { activeTrips: number; openAlarms: number; alarms: number };
}

export interface DashboardConfig {
  readonly tileStyleUrl?: string;
  readonly ackTargetsS: Record<Severity, number>;
  readonly serverTime: string;
}
