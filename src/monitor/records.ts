/** Conversions between what the store keeps and what the engine reads. */
import { hash } from "node:crypto";
import {
  ALARM_SEVERITY,
  alarmKey,
  type Alarm,
  type AlarmIdentity,
  type Device,
  type TripSpec,
  type Zone,
} from "../core/domain/model.js";
import type { MessageInput, ReadInput } from "../core/engine/inputs.js";
import type { AlarmRecord, DeviceRecord, ReadingRecord, TripRecord, ZoneRecord } from "../store/ports.js";

/** The stable id of an alarm: SHA-256 of its identity, 32 hex characters. */
export function alarmId(alarm: AlarmIdentity): string {
  return hash("sha256", alarmKey(alarm), "hex").slice(0, 32);
}

/**
 * What the engine compares for duplicates and same-instant order. A reading replayed from a scenario
 * keeps its original input (section 4 of the contract: every field but `at` and `receivedAt`,
 * ordered by their RFC 8785 form); a device reading is identified by its deduplication key, a
 * hash of its normalized content (so equal keys are equal content, and keys order it).
 */
function scenarioContent(record: ReadingRecord): object | undefined {
  if (record.protocol !== "scenario") return undefined;
  return (record.vendor as { scenario?: object } | undefined)?.scenario;
}

/**
 * The seal number a passive read found: kept with the read's details (`vendor.sealNumber`, or the
 * scenario input's `sealNumber`), validated when the read was taken in.
 */
function sealNumberOf(record: ReadingRecord, scenario: object | undefined): string | undefined {
  const holder = (scenario ?? record.vendor) as { sealNumber?: unknown } | undefined;
  const value = holder?.sealNumber;
  return typeof value === "string" ? value.trim() : undefined;
}

export function engineInputOf(record: ReadingRecord): MessageInput | ReadInput {
  const scenario = scenarioContent(record);
  const content = scenario ?? record;
  const contentKey = scenario === undefined ? record.dedupKey : undefined;
  if (record.kind === "read") {
    const sealNumber = sealNumberOf(record, scenario);
    return {
      type: "read",
      device: record.deviceId,
      office: record.office ?? "",
      status: record.readStatus ?? "intact",
      ...(sealNumber === undefined ? {} : { sealNumber }),
      atMs: record.atMs,
      receivedAtMs: record.receivedAtMs,
      content,
      contentKey,
    };
  }
  const hasPosition = record.lon !== undefined && record.lat !== undefined;
  return {
    type: "message",
    device: record.deviceId,
    atMs: record.atMs,
    receivedAtMs: record.receivedAtMs,
    position: hasPosition
      ? {
          lon: record.lon,
          lat: record.lat,
          speedKmh: record.speedKmh,
          courseDeg: record.courseDeg,
          valid: record.valid ?? true,
        }
      : undefined,
    seal: record.seal,
    tamper: record.tamper,
    batteryPct: record.batteryPct,
    content,
    contentKey,
  };
}

export function zoneOf(record: ZoneRecord): Zone {
  return {
    id: record.id,
    kind: record.kind,
    ...(record.name === undefined ? {} : { name: record.name }),
    shape: record.shape,
  };
}

export function deviceOf(record: DeviceRecord): Device {
  return {
    id: record.id,
    class: record.class,
    ...(record.reportIntervalS === undefined ? {} : { reportIntervalS: record.reportIntervalS }),
  };
}

/** The seal numbers a trip's declaration lists (API declarations and scenario trips keep them there). */
export function declaredSealsOf(record: Pick<TripRecord, "declaration">): readonly string[] {
  const seals = (record.declaration as { seals?: unknown } | undefined)?.seals;
  return Array.isArray(seals) ? seals.filter((s): s is string => typeof s === "string") : [];
}

export function tripSpecOf(record: TripRecord): TripSpec {
  const seals = declaredSealsOf(record);
  return {
    id: record.id,
    ...(record.reference === undefined ? {} : { reference: record.reference }),
    origin: record.origin,
    destination: record.destination,
    route: record.route,
    devices: record.devices,
    deadlineMs: record.deadlineMs,
    ...(record.checkpoints === undefined ? {} : { checkpoints: record.checkpoints }),
    ...(record.rules === undefined ? {} : { rules: record.rules }),
    ...(seals.length === 0 ? {} : { seals }),
  };
}

/** A new stored alarm from an engine alarm, raised at clock `raisedAtMs`. */
export function newAlarmRecord(alarm: Alarm, raisedAtMs: number): AlarmRecord {
  return {
    ...alarm,
    severity: ALARM_SEVERITY[alarm.type],
    id: alarmId(alarm),
    retracted: false,
    workflow: "open",
    raisedAtMs,
    updatedAtMs: raisedAtMs,
  };
}

/** The engine's view of a stored alarm. */
export function alarmOf(record: AlarmRecord): Alarm {
  return {
    type: record.type,
    severity: record.severity,
    trip: record.trip,
    device: record.device,
    startedAtMs: record.startedAtMs,
    clearedAtMs: record.clearedAtMs,
    ...(record.zone === undefined ? {} : { zone: record.zone }),
  };
}
