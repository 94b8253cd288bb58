/**
 * Who may do what: one table of permissions per role, and the scope rules that decide which trips a
 * caller sees (a trader its company's, an officer its offices'). A caller who may not see a trip gets
 * 404 for it, as if it did not exist; a caller who sees it but whose role may not act gets 403.
 */
import { tripOffices } from "../../monitor/effects.js";
import type { DeviceRecord, Role, TripRecord } from "../../store/ports.js";

export type Permission =
  /** Any authenticated caller: who am I, log out. */
  | "self"
  | "companies.read"
  | "companies.write"
  | "users.read"
  | "users.write"
  | "apikeys.manage"
  | "zones.read"
  | "zones.write"
  | "devices.read"
  | "devices.write"
  | "devices.keys"
  | "devices.unlock"
  | "trips.read"
  | "trips.declare"
  /** Arm, disarm and cancel. */
  | "trips.command"
  | "trips.incident"
  | "alarms.read"
  /** Acknowledge, assign, comment, resolve. */
  | "alarms.handle"
  | "audit.read"
  | "stream.read"
  | "ingest"
  /** The partner registry and the instance's keys as staff read them; shared trips' foreign events. */
  | "federation.read"
  /** Add, change and revoke partner administrations and their pinned keys. */
  | "federation.partners"
  /** Rotate and revoke this instance's signing keys. */
  | "federation.keys"
  /** Export a trip's signed dossier. */
  | "trips.dossier"
  /** Hand a trip over to a partner by hand (it is also sent on arrival at the handover office). */
  | "trips.handover"
  /** The figures of risk-based inspection (staff; officers for their offices). */
  | "risk.figures"
  /** Record the inspection decision and its outcome at the destination office. */
  | "trips.inspect"
  /** Create, list and end one's own webhook subscriptions. */
  | "subscriptions.manage"
  /** The outbox: deliveries, failures, dead letters; redeliver and discard. */
  | "outbox.admin"
  /** Alarm notification rules and offices' on-call rosters. */
  | "notify.rules"
  /** Start and end training sessions; every trainee's results (instructors, supervisors). */
  | "training.run"
  /** Take part in training sessions: the exercise library, one's own sessions, actions and debrief. */
  | "training.take";

export { ROLES } from "../../store/ports.js";

const STAFF_READ: readonly Permission[] = [
  "self",
  "subscriptions.manage",
  "companies.read",
  "users.read",
  "zones.read",
  "devices.read",
  "trips.read",
  "trips.incident",
  "alarms.read",
  "alarms.handle",
  "stream.read",
  "federation.read",
  "risk.figures",
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set<Permission>([
    ...STAFF_READ,
    "companies.write",
    "users.write",
    "apikeys.manage",
    "zones.write",
    "devices.write",
    "devices.keys",
    "trips.declare",
    "trips.command",
    "audit.read",
    "ingest",
    "federation.partners",
    "federation.keys",
    "trips.dossier",
    "trips.handover",
    "outbox.admin",
    "notify.rules",
  ]),
  supervisor: new Set<Permission>([
    ...STAFF_READ,
    "zones.write",
    "devices.write",
    "devices.keys",
    "trips.declare",
    "trips.command",
    "audit.read",
    "federation.partners",
    "trips.dossier",
    "trips.handover",
    "trips.inspect",
    "notify.rules",
    "training.run",
    "training.take",
  ]),
  // A remote unlock is an officer's act at the destination office (and nobody else's).
  officer: new Set<Permission>([
    ...STAFF_READ,
    "devices.unlock",
    "trips.declare",
    "trips.command",
    "trips.dossier",
    "trips.handover",
    "trips.inspect",
    "training.take",
  ]),
  // The control room monitors and handles alarms; it cannot arm, disarm or declare.
  operator: new Set<Permission>([...STAFF_READ, "training.take"]),
  // Traders and carriers read their own cargo and may report an incident on it.
  trader: new Set<Permission>([
    "self",
    "zones.read",
    "devices.read",
    "trips.read",
    "trips.incident",
    "alarms.read",
    "stream.read",
    "subscriptions.manage",
  ]),
  gateway: new Set<Permission>(["self", "ingest"]),
  // Instructors run training sessions; they see no live trip, device, alarm or event.
  instructor: new Set<Permission>(["self", "training.run", "training.take"]),
};

/** The caller of a request: a logged-in user or a system's API key. */
export interface Principal {
  readonly kind: "user" | "apiKey";
  readonly id: string;
  /** Username or API key name. */
  readonly name: string;
  readonly role: Role;
  readonly companyId?: string;
  readonly offices: readonly string[];
  /** How the audit log names the caller: "user:<id>" or "apikey:<id>". */
  readonly actor: string;
  /** SHA-256 of the session token, for logout. */
  readonly sessionHash?: string;
}

export function allows(principal: Principal, permission: Permission): boolean {
  return ROLE_PERMISSIONS[principal.role].has(permission);
}

/** Whether the caller may see the trip at all (traders: their company; officers: their offices). */
export function tripVisible(principal: Principal, trip: TripRecord): boolean {
  switch (principal.role) {
    case "trader":
      return principal.companyId !== undefined && trip.companyId === principal.companyId;
    case "officer":
      return tripOffices(trip).some((office) => principal.offices.includes(office));
    case "gateway":
    case "instructor":
      return false;
    case "admin":
    case "supervisor":
    case "operator":
      return true;
  }
}

/** Whether the caller may see the device (traders: their company's devices). */
export function deviceVisible(principal: Principal, device: DeviceRecord): boolean {
  switch (principal.role) {
    case "trader":
      return principal.companyId !== undefined && device.companyId === principal.companyId;
    case "gateway":
    case "instructor":
      return false;
    case "admin":
    case "supervisor":
    case "officer":
    case "operator":
      return true;
  }
}

/** Whether a live event with this tenancy may go to the caller. */
export function eventVisible(
  principal: Principal,
  event: { readonly companyId?: string; readonly offices: readonly string[] },
): boolean {
  switch (principal.role) {
    case "trader":
      return principal.companyId !== undefined && event.companyId === principal.companyId;
    case "officer":
      return event.offices.some((office) => principal.offices.includes(office));
    case "gateway":
    case "instructor":
      return false;
    case "admin":
    case "supervisor":
    case "operator":
      return true;
  }
}

/** Roles whose users may be assigned an alarm. */
export function handlesAlarms(role: Role): boolean {
  return ROLE_PERMISSIONS[role].has("alarms.handle");
}
