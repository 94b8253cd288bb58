/**
 * Records to table rows and back, shared by both stores. Optional fields are NULL columns and come
 * back absent (not undefined members); JSON fields are canonical JSON text; booleans are whatever
 * the dialect binds (0/1 in SQLite, boolean in PostgreSQL).
 */
import { usernameKey } from "../core/identity/username.js";
import { checkDedupKey } from "./dedup-key.js";
import { fromJsonText, storedJsonText, toJsonText } from "./json-value.js";
import type {
  AlarmActionRecord,
  AlarmRecord,
  ApiKeyRecord,
  AuditRecord,
  CommandRecord,
  CompanyRecord,
  DeviceCommandRecord,
  DeviceKeyRecord,
  DeviceRecord,
  ReadingRecord,
  SessionRecord,
  TickRecord,
  TripRecord,
  UserRecord,
  ZoneRecord,
} from "./ports.js";

export type Row = Record<string, unknown>;
/** How a dialect binds a boolean. */
export type BindBool = (value: boolean) => unknown;

/** Builds an object from entries, leaving out the undefined ones. */
function compact<T>(entries: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out as T;
}

const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
/** A text column's value (drivers give strings; numbers only for numeric columns read as text). */
export function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return v.toString();
  throw new TypeError(`expected a text column, got ${typeof v}`);
}
const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : text(v));
const bool = (v: unknown): boolean | undefined => (v === null || v === undefined ? undefined : Boolean(v));
const nul = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const optBool = (v: boolean | undefined, b: BindBool): unknown => (v === undefined ? null : b(v));

export function bytes(v: unknown): Uint8Array {
  const buffer = v as Uint8Array;
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

// ---------------------------------------------------------------- readings

export const READING_COLUMNS = [
  "seq",
  "device_id",
  "kind",
  "at_ms",
  "received_at_ms",
  "lon",
  "lat",
  "speed_kmh",
  "course_deg",
  "valid",
  "altitude_m",
  "seal",
  "tamper",
  "battery_pct",
  "office",
  "read_status",
  "protocol",
  "raw",
  "vendor",
  "dedup_key",
] as const;

/**
 * The column values of a reading, in `READING_COLUMNS` order. `forThread`: as a writer thread takes
 * them (see PackedRows in the SQLite store): the raw frame as its length (the frames travel in one
 * buffer of their own) and the dedup key as its hex text (strings cross threads cheaply).
 */
export function readingParams(r: ReadingRecord, b: BindBool, forThread = false): unknown[] {
  checkDedupKey(r);
  return [
    r.seq,
    r.deviceId,
    r.kind,
    r.atMs,
    r.receivedAtMs,
    nul(r.lon),
    nul(r.lat),
    nul(r.speedKmh),
    nul(r.courseDeg),
    optBool(r.valid, b),
    nul(r.altitudeM),
    nul(r.seal),
    optBool(r.tamper, b),
    nul(r.batteryPct),
    nul(r.office),
    nul(r.readStatus),
    r.protocol,
    forThread ? r.raw.byteLength : asBuffer(r.raw),
    storedJsonText(r.vendor),
    forThread ? r.dedupKey : Buffer.from(r.dedupKey, "hex"),
  ];
}

export function readingFromRow(row: Row): ReadingRecord {
  return compact<ReadingRecord>({
    seq: Number(row.seq),
    deviceId: text(row.device_id),
    kind: row.kind,
    atMs: Number(row.at_ms),
    receivedAtMs: Number(row.received_at_ms),
    lon: num(row.lon),
    lat: num(row.lat),
    speedKmh: num(row.speed_kmh),
    courseDeg: num(row.course_deg),
    valid: bool(row.valid),
    altitudeM: num(row.altitude_m),
    seal: str(row.seal),
    tamper: bool(row.tamper),
    batteryPct: num(row.battery_pct),
    office: str(row.office),
    readStatus: str(row.read_status),
    protocol: text(row.protocol),
    raw: bytes(row.raw),
    vendor: fromJsonText(row.vendor),
    dedupKey: Buffer.from(row.dedup_key as Uint8Array).toString("hex"),
  });
}

/** A reading as one line of an export (raw bytes as hex). */
export function readingToJson(r: ReadingRecord, rejected?: string): Record<string, unknown> {
  return compact({ ...r, raw: Buffer.from(r.raw).toString("hex"), rejected });
}

// ---------------------------------------------------------------- devices and zones

export const DEVICE_COLUMNS = [
  "id",
  "class",
  "vendor",
  "model",
  "protocol",
  "identifiers",
  "report_interval_s",
  "lifecycle",
  "company_id",
  "settings",
  "created_at_ms",
  "updated_at_ms",
] as const;

export function deviceParams(d: DeviceRecord): unknown[] {
  return [
    d.id,
    d.class,
    d.vendor,
    d.model,
    d.protocol,
    JSON.stringify(d.identifiers),
    nul(d.reportIntervalS),
    d.lifecycle,
    nul(d.companyId),
    toJsonText(d.settings),
    d.createdAtMs,
    d.updatedAtMs,
  ];
}

export function deviceFromRow(row: Row): DeviceRecord {
  return compact<DeviceRecord>({
    id: text(row.id),
    class: row.class,
    vendor: text(row.vendor),
    model: text(row.model),
    protocol: text(row.protocol),
    identifiers: fromJsonText(row.identifiers),
    reportIntervalS: num(row.report_interval_s),
    lifecycle: row.lifecycle,
    companyId: str(row.company_id),
    settings: fromJsonText(row.settings),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  });
}

export const DEVICE_KEY_COLUMNS = [
  "device_id",
  "key_id",
  "algorithm",
  "sealed_key",
  "created_at_ms",
  "retired_at_ms",
  "last_counter",
] as const;

export function deviceKeyParams(k: DeviceKeyRecord): unknown[] {
  return [
    k.deviceId,
    k.keyId,
    k.algorithm,
    asBuffer(k.sealedKey),
    k.createdAtMs,
    nul(k.retiredAtMs),
    k.lastCounter,
  ];
}

export function deviceKeyFromRow(row: Row): DeviceKeyRecord {
  return compact<DeviceKeyRecord>({
    deviceId: text(row.device_id),
    keyId: text(row.key_id),
    algorithm: row.algorithm,
    sealedKey: bytes(row.sealed_key),
    createdAtMs: Number(row.created_at_ms),
    retiredAtMs: num(row.retired_at_ms),
    lastCounter: Number(row.last_counter),
  });
}

export const ZONE_COLUMNS = [
  "id",
  "kind",
  "name",
  "shape",
  "office_code",
  "un_locode",
  "created_at_ms",
  "updated_at_ms",
] as const;

export function zoneParams(z: ZoneRecord): unknown[] {
  return [
    z.id,
    z.kind,
    nul(z.name),
    toJsonText(z.shape),
    nul(z.officeCode),
    nul(z.unLocode),
    z.createdAtMs,
    z.updatedAtMs,
  ];
}

export function zoneFromRow(row: Row): ZoneRecord {
  return compact<ZoneRecord>({
    id: text(row.id),
    kind: row.kind,
    name: str(row.name),
    shape: fromJsonText(row.shape),
    officeCode: str(row.office_code),
    unLocode: str(row.un_locode),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  });
}

// ---------------------------------------------------------------- trips and commands

export const TRIP_COLUMNS = [
  "id",
  "reference",
  "origin",
  "destination",
  "route",
  "devices",
  "deadline_ms",
  "checkpoints",
  "rules",
  "declaration",
  "company_id",
  "state",
  "armed_at_ms",
  "in_transit_at_ms",
  "arrived_at_ms",
  "closed_at_ms",
  "cancelled_at_ms",
  "arm_seq",
  "created_at_ms",
  "updated_at_ms",
] as const;

export function tripParams(t: TripRecord): unknown[] {
  return [
    t.id,
    nul(t.reference),
    t.origin,
    t.destination,
    toJsonText(t.route),
    JSON.stringify(t.devices),
    t.deadlineMs,
    toJsonText(t.checkpoints),
    toJsonText(t.rules),
    toJsonText(t.declaration),
    nul(t.companyId),
    t.state,
    nul(t.armedAtMs),
    nul(t.inTransitAtMs),
    nul(t.arrivedAtMs),
    nul(t.closedAtMs),
    nul(t.cancelledAtMs),
    nul(t.armSeq),
    t.createdAtMs,
    t.updatedAtMs,
  ];
}

export function tripFromRow(row: Row): TripRecord {
  return compact<TripRecord>({
    id: text(row.id),
    reference: str(row.reference),
    origin: text(row.origin),
    destination: text(row.destination),
    route: fromJsonText(row.route),
    devices: fromJsonText(row.devices),
    deadlineMs: Number(row.deadline_ms),
    checkpoints: fromJsonText(row.checkpoints),
    rules: fromJsonText(row.rules),
    declaration: fromJsonText(row.declaration),
    companyId: str(row.company_id),
    state: row.state,
    armedAtMs: num(row.armed_at_ms),
    inTransitAtMs: num(row.in_transit_at_ms),
    arrivedAtMs: num(row.arrived_at_ms),
    closedAtMs: num(row.closed_at_ms),
    cancelledAtMs: num(row.cancelled_at_ms),
    armSeq: num(row.arm_seq),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  });
}

export const COMMAND_COLUMNS = [
  "seq",
  "trip_id",
  "command",
  "at_ms",
  "force",
  "reason",
  "actor",
  "outcome",
  "refusal",
] as const;

export function commandParams(c: CommandRecord, b: BindBool): unknown[] {
  return [
    c.seq,
    c.tripId,
    c.command,
    c.atMs,
    optBool(c.force, b),
    nul(c.reason),
    c.actor,
    c.outcome,
    nul(c.refusal),
  ];
}

/** A row of the union of commands and ticks (a tick has no trip_id). */
export function commandOrTickFromRow(row: Row): CommandRecord | TickRecord {
  if (row.trip_id === null || row.trip_id === undefined)
    return { seq: Number(row.seq), atMs: Number(row.at_ms) };
  return compact<CommandRecord>({
    seq: Number(row.seq),
    tripId: text(row.trip_id),
    command: row.command,
    atMs: Number(row.at_ms),
    force: bool(row.force),
    reason: str(row.reason),
    actor: text(row.actor),
    outcome: row.outcome,
    refusal: str(row.refusal),
  });
}

export const DEVICE_COMMAND_COLUMNS = [
  "id",
  "device_id",
  "trip_id",
  "command",
  "payload",
  "status",
  "actor",
  "created_at_ms",
  "sent_at_ms",
  "acknowledged_at_ms",
  "error",
] as const;

export function deviceCommandParams(c: DeviceCommandRecord): unknown[] {
  return [
    c.id,
    c.deviceId,
    nul(c.tripId),
    c.command,
    toJsonText(c.payload),
    c.status,
    c.actor,
    c.createdAtMs,
    nul(c.sentAtMs),
    nul(c.acknowledgedAtMs),
    nul(c.error),
  ];
}

export function deviceCommandFromRow(row: Row): DeviceCommandRecord {
  return compact<DeviceCommandRecord>({
    id: text(row.id),
    deviceId: text(row.device_id),
    tripId: str(row.trip_id),
    command: text(row.command),
    payload: fromJsonText(row.payload),
    status: row.status,
    actor: text(row.actor),
    createdAtMs: Number(row.created_at_ms),
    sentAtMs: num(row.sent_at_ms),
    acknowledgedAtMs: num(row.acknowledged_at_ms),
    error: str(row.error),
  });
}

// ---------------------------------------------------------------- alarms

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export const ALARM_COLUMNS = [
  "id",
  "type",
  "trip",
  "device",
  "started_at_ms",
  "zone",
  "severity",
  "severity_rank",
  "cleared_at_ms",
  "retracted",
  "workflow",
  "assignee",
  "outcome",
  "raised_at_ms",
  "acknowledged_at_ms",
  "resolved_at_ms",
  "escalated_at_ms",
  "updated_at_ms",
  "evidence",
] as const;

/** Columns the engine owns; an upsert of a stored alarm changes only these (not the workflow). */
export const ALARM_ENGINE_COLUMNS = [
  "severity",
  "severity_rank",
  "cleared_at_ms",
  "retracted",
  "updated_at_ms",
] as const;

/**
 * The upsert's update of a stored alarm: the engine's columns, and the evidence when the change
 * brings one (a retraction keeps the evidence of the alarm it withdraws).
 */
export const ALARM_UPSERT_SET = [
  ...ALARM_ENGINE_COLUMNS.map((c) => `${c} = excluded.${c}`),
  "evidence = COALESCE(excluded.evidence, alarms.evidence)",
].join(", ");

export function alarmParams(a: AlarmRecord, b: BindBool): unknown[] {
  return [
    a.id,
    a.type,
    a.trip,
    a.device,
    a.startedAtMs,
    nul(a.zone),
    a.severity,
    SEVERITY_RANK[a.severity],
    a.clearedAtMs,
    b(a.retracted),
    a.workflow,
    nul(a.assignee),
    nul(a.outcome),
    a.raisedAtMs,
    nul(a.acknowledgedAtMs),
    nul(a.resolvedAtMs),
    nul(a.escalatedAtMs),
    a.updatedAtMs,
    toJsonText(a.evidence),
  ];
}

export function alarmFromRow(row: Row): AlarmRecord {
  return compact<AlarmRecord>({
    id: text(row.id),
    type: row.type,
    trip: text(row.trip),
    device: row.device === null ? null : text(row.device),
    startedAtMs: Number(row.started_at_ms),
    zone: str(row.zone),
    severity: row.severity,
    clearedAtMs: row.cleared_at_ms === null ? null : Number(row.cleared_at_ms),
    retracted: Boolean(row.retracted),
    workflow: row.workflow,
    assignee: str(row.assignee),
    outcome: str(row.outcome),
    raisedAtMs: Number(row.raised_at_ms),
    acknowledgedAtMs: num(row.acknowledged_at_ms),
    resolvedAtMs: num(row.resolved_at_ms),
    escalatedAtMs: num(row.escalated_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
    evidence: fromJsonText(row.evidence),
  });
}

/** Workflow fields an alarm action may set, to their columns. */
export const ALARM_ACTION_UPDATES = {
  workflow: "workflow",
  assignee: "assignee",
  outcome: "outcome",
  acknowledgedAtMs: "acknowledged_at_ms",
  resolvedAtMs: "resolved_at_ms",
  escalatedAtMs: "escalated_at_ms",
} as const;

export function alarmActionParams(a: AlarmActionRecord): unknown[] {
  return [a.id, a.alarmId, a.action, a.actor, a.atMs, toJsonText(a.details)];
}

export function alarmActionFromRow(row: Row): AlarmActionRecord {
  return compact<AlarmActionRecord>({
    id: text(row.id),
    alarmId: text(row.alarm_id),
    action: row.action,
    actor: text(row.actor),
    atMs: Number(row.at_ms),
    details: fromJsonText(row.details),
  });
}

// ---------------------------------------------------------------- audit

export const AUDIT_COLUMNS = [
  "seq",
  "at_ms",
  "actor",
  "action",
  "subject_type",
  "subject_id",
  "details",
  "prev_hash",
  "hash",
] as const;

export function auditParams(r: AuditRecord): unknown[] {
  return [
    r.seq,
    r.atMs,
    r.actor,
    r.action,
    r.subjectType,
    r.subjectId,
    toJsonText(r.details),
    r.prevHash,
    r.hash,
  ];
}

export function auditFromRow(row: Row): AuditRecord {
  return compact<AuditRecord>({
    seq: Number(row.seq),
    atMs: Number(row.at_ms),
    actor: text(row.actor),
    action: text(row.action),
    subjectType: text(row.subject_type),
    subjectId: text(row.subject_id),
    details: fromJsonText(row.details),
    prevHash: text(row.prev_hash),
    hash: text(row.hash),
  });
}

// ---------------------------------------------------------------- access

export function companyParams(c: CompanyRecord): unknown[] {
  return [c.id, c.name, c.kind, nul(c.country), c.createdAtMs, nul(c.aeo)];
}

export function companyFromRow(row: Row): CompanyRecord {
  return compact<CompanyRecord>({
    id: text(row.id),
    name: text(row.name),
    kind: row.kind,
    country: str(row.country),
    createdAtMs: Number(row.created_at_ms),
    aeo: str(row.aeo),
  });
}

export const USER_COLUMNS = [
  "id",
  "username",
  "username_key",
  "display_name",
  "password_hash",
  "role",
  "company_id",
  "offices",
  "disabled",
  "created_at_ms",
  "updated_at_ms",
] as const;

export function userParams(u: UserRecord, b: BindBool): unknown[] {
  return [
    u.id,
    u.username,
    usernameKey(u.username),
    u.displayName,
    u.passwordHash,
    u.role,
    nul(u.companyId),
    toJsonText(u.offices),
    b(u.disabled),
    u.createdAtMs,
    u.updatedAtMs,
  ];
}

export function userFromRow(row: Row): UserRecord {
  return compact<UserRecord>({
    id: text(row.id),
    username: text(row.username),
    displayName: text(row.display_name),
    passwordHash: text(row.password_hash),
    role: row.role,
    companyId: str(row.company_id),
    offices: fromJsonText(row.offices),
    disabled: Boolean(row.disabled),
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  });
}

export function sessionParams(s: SessionRecord): unknown[] {
  return [s.tokenHash, s.userId, s.createdAtMs, s.expiresAtMs, nul(s.revokedAtMs)];
}

export function sessionFromRow(row: Row): SessionRecord {
  return compact<SessionRecord>({
    tokenHash: text(row.token_hash),
    userId: text(row.user_id),
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: Number(row.expires_at_ms),
    revokedAtMs: num(row.revoked_at_ms),
  });
}

export const API_KEY_COLUMNS = [
  "id",
  "secret_hash",
  "name",
  "role",
  "company_id",
  "offices",
  "created_at_ms",
  "revoked_at_ms",
] as const;

export function apiKeyParams(k: ApiKeyRecord): unknown[] {
  return [
    k.id,
    k.secretHash,
    k.name,
    k.role,
    nul(k.companyId),
    toJsonText(k.offices),
    k.createdAtMs,
    nul(k.revokedAtMs),
  ];
}

export function apiKeyFromRow(row: Row): ApiKeyRecord {
  return compact<ApiKeyRecord>({
    id: text(row.id),
    secretHash: text(row.secret_hash),
    name: text(row.name),
    role: row.role,
    companyId: str(row.company_id),
    offices: fromJsonText(row.offices),
    createdAtMs: Number(row.created_at_ms),
    revokedAtMs: num(row.revoked_at_ms),
  });
}
