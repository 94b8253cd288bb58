/** Labels, durations and times as the dashboard shows them. */
import type { AlarmType, Outcome, Role, Severity, TripState } from "./api/types.js";

export const ALARM_LABELS: Record<AlarmType, string> = {
  tamper: "Tamper",
  unauthorized_opening: "Opening outside an office",
  route_deviation: "Route deviation",
  unauthorized_stop: "Unauthorized stop",
  restricted_zone: "Restricted zone",
  low_battery: "Low battery",
  signal_loss: "Signal loss",
  overdue: "Overdue",
  unexpected_checkpoint: "Unexpected checkpoint",
  seal_mismatch: "Seal number mismatch",
};

/**
 * The label of an alarm type; a type this dashboard does not know yet (a newer server) is shown by
 * its name rather than as a blank.
 */
export function alarmLabel(type: string | undefined): string {
  if (type === undefined) return "Alarm";
  return (ALARM_LABELS as Record<string, string | undefined>)[type] ?? type.replace(/_/g, " ");
}

export const STATE_LABELS: Record<TripState, string> = {
  declared: "Declared",
  armed: "Armed",
  in_transit: "In transit",
  arrived: "Arrived",
  closed: "Closed",
  cancelled: "Cancelled",
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  confirmed_breach: "Confirmed breach",
  false_alarm: "False alarm",
  technical_fault: "Technical fault",
};

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  supervisor: "Supervisor",
  officer: "Customs officer",
  operator: "Control-room operator",
  trader: "Trader / carrier",
  gateway: "Device gateway",
  instructor: "Training instructor",
};

export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };

/** "1 h 05 min", "4 min 12 s", "38 s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A compact clock for timers: "4:07", "1:02:09". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** Local date and time, to the second, with the time zone ("07 Dec 13:18:24 GMT+7"). */
export function dateTime(iso: string | undefined): string {
  if (iso === undefined) return "—";
  const d = new Date(iso);
  return `${d.toLocaleDateString(undefined, { day: "2-digit", month: "short" })} ${d.toLocaleTimeString(undefined, { hour12: false, timeZoneName: "short" })}`;
}

export function time(iso: string | undefined): string {
  return iso === undefined ? "—" : new Date(iso).toLocaleTimeString(undefined, { hour12: false });
}

export function percent(value: number | null): string {
  return value === null ? "—" : `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
}

/** "user:officer-th-lcb" → "officer-th-lcb". */
export function actorName(actor: string | undefined): string {
  if (actor === undefined) return "—";
  const colon = actor.indexOf(":");
  return colon < 0 ? actor : actor.slice(colon + 1);
}

/** "850 m", "2.4 km", "128 km". */
export function distance(meters: number): string {
  const m = Math.abs(meters);
  if (m < 1000) return `${Math.round(meters)} m`;
  return `${(meters / 1000).toFixed(m < 100_000 ? 1 : 0)} km`;
}

/** A `[lon, lat]` position as people write it: "13.52 N 100.91 E". */
export function place(position: readonly number[]): string {
  const [lon, lat] = position;
  if (lon === undefined || lat === undefined) return "—";
  return `${Math.abs(lat).toFixed(2)} ${lat < 0 ? "S" : "N"} ${Math.abs(lon).toFixed(2)} ${lon < 0 ? "W" : "E"}`;
}
