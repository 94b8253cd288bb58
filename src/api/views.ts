/**
 * Stored records as the API shows them: times as RFC 3339 UTC strings, coordinates as GeoJSON
 * `[lon, lat]`, tenancy fields kept, secrets never. The REST answers and the live stream use the
 * same views, so a client sees one shape for a trip or an alarm wherever it comes from.
 */
import type { Severity } from "../core/domain/model.js";
import type { LonLat } from "../core/geo/sphere.js";
import type { ZoneShape } from "../core/geo/zone-index.js";
import { evidenceView } from "./evidence-view.js";
import type { LiveEvent, LiveReading } from "../bus/live-events.js";
import type {
  AlarmActionRecord,
  AlarmRecord,
  ApiKeyRecord,
  AuditRecord,
  CompanyRecord,
  DeviceCommandRecord,
  DeviceRecord,
  TripRecord,
  UserRecord,
  ZoneRecord,
} from "../store/ports.js";

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOpt<K extends string>(key: K, ms: number | undefined): { [P in K]?: string } {
  return (ms === undefined ? {} : { [key]: iso(ms) }) as { [P in K]?: string };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function position(p: LonLat): number[] {
  return [p[0], p[1]];
}

export function zoneGeometry(shape: ZoneShape): { type: string; coordinates: unknown } {
  if (shape.type === "circle") return { type: "Point", coordinates: position(shape.center) };
  const ring = shape.ring.map(position);
  const first = ring[0];
  const last = ring[ring.length - 1];
  // GeoJSON rings are closed.
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1]))
    ring.push([...first]);
  return { type: "Polygon", coordinates: [ring] };
}

export function zoneView(zone: ZoneRecord) {
  return {
    type: "Feature" as const,
    id: zone.id,
    geometry: zoneGeometry(zone.shape),
    properties: {
      kind: zone.kind,
      ...opt("name", zone.name),
      ...opt("officeCode", zone.officeCode),
      ...opt("unLocode", zone.unLocode),
      ...(zone.shape.type === "circle" ? { radiusM: zone.shape.radiusM } : {}),
      createdAt: iso(zone.createdAtMs),
      updatedAt: iso(zone.updatedAtMs),
    },
  };
}

export function deviceView(device: DeviceRecord, activeTripId?: string) {
  return {
    id: device.id,
    class: device.class,
    vendor: device.vendor,
    model: device.model,
    protocol: device.protocol,
    identifiers: [...device.identifiers],
    ...opt("reportIntervalS", device.reportIntervalS),
    lifecycle: device.lifecycle,
    ...opt("companyId", device.companyId),
    ...opt("settings", device.settings),
    ...opt("activeTripId", activeTripId),
    createdAt: iso(device.createdAtMs),
    updatedAt: iso(device.updatedAtMs),
  };
}

/** What a trip's declaration holds beyond what the engine reads (stored as `TripRecord.declaration`). */
export interface TripDeclaration {
  readonly lrn?: string;
  readonly mrn?: string;
  readonly containers?: readonly string[];
  readonly seals?: readonly string[];
  readonly conveyance?: {
    readonly mode: "road" | "rail" | "sea" | "air";
    readonly registration?: string;
    readonly nationality?: string;
    readonly imo?: string;
    readonly driver?: string;
  };
  readonly carrierId?: string;
  readonly goodsDescription?: string;
  readonly declaredBy?: string;
}

export function tripView(trip: TripRecord) {
  const declaration = (trip.declaration ?? {}) as TripDeclaration;
  return {
    id: trip.id,
    ...opt("reference", declaration.lrn ?? (declaration.mrn === undefined ? trip.reference : undefined)),
    ...opt("mrn", declaration.mrn),
    state: trip.state,
    origin: trip.origin,
    destination: trip.destination,
    checkpoints: [...(trip.checkpoints ?? [])],
    route: { type: "LineString" as const, coordinates: trip.route.map(position) },
    devices: [...trip.devices],
    deadline: iso(trip.deadlineMs),
    rules: { ...(trip.rules ?? {}) },
    ...opt("companyId", trip.companyId),
    ...opt("carrierId", declaration.carrierId),
    containers: [...(declaration.containers ?? [])],
    seals: [...(declaration.seals ?? [])],
    ...opt("conveyance", declaration.conveyance),
    ...opt("goodsDescription", declaration.goodsDescription),
    ...opt("declaredBy", declaration.declaredBy),
    ...isoOpt("armedAt", trip.armedAtMs),
    ...isoOpt("inTransitAt", trip.inTransitAtMs),
    ...isoOpt("arrivedAt", trip.arrivedAtMs),
    ...isoOpt("closedAt", trip.closedAtMs),
    ...isoOpt("cancelledAt", trip.cancelledAtMs),
    createdAt: iso(trip.createdAtMs),
    updatedAt: iso(trip.updatedAtMs),
  };
}

/** Acknowledgement targets by severity, in seconds (from the configuration). */
export type AckTargets = Readonly<Record<Severity, number>>;

export function alarmView(alarm: AlarmRecord, targets: AckTargets, options: { forTrader?: boolean } = {}) {
  return {
    id: alarm.id,
    type: alarm.type,
    severity: alarm.severity,
    tripId: alarm.trip,
    deviceId: alarm.device,
    ...opt("zone", alarm.zone),
    startedAt: iso(alarm.startedAtMs),
    clearedAt: alarm.clearedAtMs === null ? null : iso(alarm.clearedAtMs),
    retracted: alarm.retracted,
    workflow: alarm.workflow,
    // Who handles an alarm is the administration's business, not the trader's.
    ...(options.forTrader === true ? {} : opt("assignee", alarm.assignee)),
    ...opt("outcome", alarm.outcome),
    raisedAt: iso(alarm.raisedAtMs),
    ackDueAt: iso(alarm.raisedAtMs + targets[alarm.severity] * 1000),
    ...isoOpt("acknowledgedAt", alarm.acknowledgedAtMs),
    ...isoOpt("resolvedAt", alarm.resolvedAtMs),
    ...(options.forTrader === true ? {} : isoOpt("escalatedAt", alarm.escalatedAtMs)),
    updatedAt: iso(alarm.updatedAtMs),
    ...(alarm.evidence === undefined ? {} : { evidence: evidenceView(alarm.evidence) }),
  };
}

export function alarmActionView(action: AlarmActionRecord) {
  return {
    id: action.id,
    alarmId: action.alarmId,
    action: action.action,
    actor: action.actor,
    at: iso(action.atMs),
    ...opt("details", action.details),
  };
}

export function auditView(record: AuditRecord) {
  return {
    seq: record.seq,
    at: iso(record.atMs),
    actor: record.actor,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    ...opt("details", record.details),
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

export function userView(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    ...opt("companyId", user.companyId),
    offices: [...(user.offices ?? [])],
    disabled: user.disabled,
    createdAt: iso(user.createdAtMs),
    updatedAt: iso(user.updatedAtMs),
  };
}

export function companyView(company: CompanyRecord) {
  return {
    id: company.id,
    name: company.name,
    kind: company.kind,
    ...opt("country", company.country),
    ...opt("aeo", company.aeo),
    createdAt: iso(company.createdAtMs),
  };
}

export function apiKeyView(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    ...opt("companyId", key.companyId),
    offices: [...(key.offices ?? [])],
    createdAt: iso(key.createdAtMs),
    ...isoOpt("revokedAt", key.revokedAtMs),
  };
}

export function deviceCommandView(command: DeviceCommandRecord) {
  return {
    id: command.id,
    deviceId: command.deviceId,
    ...opt("tripId", command.tripId),
    command: command.command,
    status: command.status,
    actor: command.actor,
    createdAt: iso(command.createdAtMs),
    ...isoOpt("sentAt", command.sentAtMs),
    ...isoOpt("acknowledgedAt", command.acknowledgedAtMs),
    ...opt("error", command.error),
  };
}

export function readingView(reading: LiveReading) {
  return {
    deviceId: reading.deviceId,
    ...opt("tripId", reading.tripId),
    at: iso(reading.atMs),
    receivedAt: iso(reading.receivedAtMs),
    ...opt("position", reading.position),
    ...opt("seal", reading.seal),
    ...opt("tamper", reading.tamper),
    ...opt("batteryPct", reading.batteryPct),
  };
}

/** A live event as the stream sends it (without its tenancy fields), `cursor` its sealed position. */
export function liveEventView(event: LiveEvent, targets: AckTargets, forTrader: boolean, cursor: string) {
  const head = { cursor, at: iso(event.atMs) };
  switch (event.kind) {
    case "reading":
      return { ...head, kind: event.kind, reading: readingView(event.reading) };
    case "alarm":
      return {
        ...head,
        kind: event.kind,
        change: event.change,
        alarm: alarmView(event.alarm, targets, { forTrader }),
      };
    case "trip":
      return { ...head, kind: event.kind, trip: tripView(event.trip) };
  }
}
