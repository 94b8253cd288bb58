/**
 * Canonical events as EPCIS 2.0 ObjectEvents, and a trip as an EPCISDocument (pure). The mapping,
 * field by field, is docs/interop/epcis.md; in short:
 *
 * | canonical          | bizStep                    | disposition                  | extra                          |
 * |--------------------|----------------------------|------------------------------|--------------------------------|
 * | trip.armed         | sw bizstep `sealing`       | container_closed             | readPoint: origin office       |
 * | trip.in_transit    | departing                  | in_transit                   |                                |
 * | trip.arrived       | arriving                   | in_transit                   | readPoint: destination office  |
 * | trip.closed        | sw bizstep `unsealing`     | container_open               | readPoint: destination office  |
 * | seal.closed/opened | sensor_reporting           | container_closed/open        |                                |
 * | alarm.raised       | sensor_reporting           | container_open (openings)    | ALARM_CONDITION (seal alarms)  |
 * | alarm.cleared      | sensor_reporting           | —                            | `sw:alarm` state cleared       |
 * | alarm.retracted    | as raised                  | as raised                    | errorDeclaration did_not_occur |
 * | alarm.resolved     | sw bizstep `alarm_resolution` | non_conformant / conformant |                              |
 * | inspection.decided | inspecting                 | conformant / non_conformant  | container_closed when resealed |
 * | position           | transporting               | in_transit                   | latitude/longitude, battery    |
 *
 * CBV 2.0 has no sealing step, so arming and disarming use steps in Sealwatch's namespace (full URIs,
 * which the schema accepts; bare "sealing" it refuses). Every event carries the containers
 * (`urn:epc:id:bic:…`) and the device's EPCs in `epcList`, the seal numbers as `sw:sealId`, the
 * declaration (MRN) in `bizTransactionList`, and the EAEU code of an alarm in `sw:alarm`. Capture
 * reads seal states back from the dispositions and ALARM_CONDITION (round trip).
 */
import { createHash } from "node:crypto";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { EPCIS_CONTEXT_URL } from "../protocols/epcis/artefacts.js";
import {
  ALARM_CONDITION,
  SEAL_ID_PROPERTY,
  SEALWATCH_NAMESPACE,
  SEALWATCH_PREFIX,
  TAMPER_SENSOR_TYPE,
} from "../protocols/epcis/vocabulary.js";
import type { AlarmType } from "../core/domain/model.js";
import type { CanonicalEvent } from "./events.js";

export const SW_BIZSTEP = `${SEALWATCH_NAMESPACE}bizstep/` as const;

/** Alarm types that are about the seal itself: exported with ALARM_CONDITION (capture reads tamper). */
const SEAL_ALARMS: ReadonlySet<AlarmType> = new Set(["tamper", "unauthorized_opening", "seal_mismatch"]);

export interface EpcisExportContext {
  /** EPCs (URNs or GS1 Digital Links) of each device, by device id: they go into `epcList`. */
  readonly deviceEpcs?: ReadonlyMap<string, readonly string[]>;
  /** This administration, as a URI, for `sender`. */
  readonly sender?: string;
}

type Json = Record<string, unknown>;

/** A stable `urn:uuid:` (version 8, name-based on SHA-256) for an event id. */
export function eventUuid(id: string): string {
  const h = createHash("sha256").update(`sealwatch-event:${id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function epcList(event: CanonicalEvent, ctx: EpcisExportContext): string[] {
  const list = event.trip.containers.map((c) => `urn:epc:id:bic:${c}`);
  for (const epc of event.device === undefined ? [] : (ctx.deviceEpcs?.get(event.device) ?? []))
    if (!list.includes(epc)) list.push(epc);
  // No container and no device EPC: the trip itself, as a URI in Sealwatch's namespace.
  if (list.length === 0) list.push(`${SEALWATCH_NAMESPACE}trip/${encodeURIComponent(event.trip.id)}`);
  return list;
}

function stepAndDisposition(event: CanonicalEvent): { bizStep?: string; disposition?: string } | undefined {
  switch (event.type) {
    case "trip.armed":
      return { bizStep: `${SW_BIZSTEP}sealing`, disposition: "container_closed" };
    case "trip.in_transit":
      return { bizStep: "departing", disposition: "in_transit" };
    case "trip.arrived":
      return { bizStep: "arriving", disposition: "in_transit" };
    case "trip.closed":
      return { bizStep: `${SW_BIZSTEP}unsealing`, disposition: "container_open" };
    case "trip.cancelled":
      return { bizStep: `${SW_BIZSTEP}cancelling` };
    case "seal.closed":
      return { bizStep: "sensor_reporting", disposition: "container_closed" };
    case "seal.opened":
      return { bizStep: "sensor_reporting", disposition: "container_open" };
    case "alarm.raised":
    case "alarm.retracted":
      return event.alarm?.type === "unauthorized_opening"
        ? { bizStep: "sensor_reporting", disposition: "container_open" }
        : { bizStep: "sensor_reporting" };
    case "alarm.cleared":
      return { bizStep: "sensor_reporting" };
    case "alarm.resolved":
      return {
        bizStep: `${SW_BIZSTEP}alarm_resolution`,
        ...(event.alarm?.outcome === "confirmed_breach"
          ? { disposition: "non_conformant" }
          : event.alarm?.outcome === "false_alarm"
            ? { disposition: "conformant" }
            : {}),
      };
    case "inspection.decided": {
      const resealed =
        (event.inspection?.newSeals?.length ?? 0) > 0 || event.inspection?.decision === "resealed";
      return {
        bizStep: "inspecting",
        ...(resealed
          ? { disposition: "container_closed" }
          : event.inspection?.result === undefined
            ? {}
            : { disposition: event.inspection.result }),
      };
    }
    case "position":
      return { bizStep: "transporting", disposition: "in_transit" };
  }
}

function readPointOf(event: CanonicalEvent): string | undefined {
  const place = event.place;
  if (place?.position !== undefined) return `geo:${place.position[1]},${place.position[0]}`;
  if (place?.officeCode !== undefined) return `${SEALWATCH_NAMESPACE}office/${place.officeCode}`;
  if (place?.office !== undefined) return `${SEALWATCH_NAMESPACE}office/${encodeURIComponent(place.office)}`;
  return undefined;
}

function sensors(event: CanonicalEvent, ctx: EpcisExportContext): Json[] | undefined {
  const reports: Json[] = [];
  const position = event.place?.position;
  if (position !== undefined) {
    for (const [component, value] of [
      ["latitude", position[1]],
      ["longitude", position[0]],
    ] as const)
      reports.push({
        type: "Angle",
        component,
        value,
        uom: "DD",
        coordinateReferenceSystem: "http://www.opengis.net/def/crs/EPSG/0/4326",
      });
  }
  if (event.speedKmh !== undefined) reports.push({ type: "Speed", value: event.speedKmh, uom: "KMH" });
  if (event.batteryPct !== undefined)
    reports.push({ type: "Dimensionless", value: event.batteryPct, uom: "P1" });
  const alarm = event.alarm;
  if (
    alarm !== undefined &&
    (event.type === "alarm.raised" || event.type === "alarm.retracted") &&
    SEAL_ALARMS.has(alarm.type)
  )
    reports.push({ type: TAMPER_SENSOR_TYPE, exception: ALARM_CONDITION, booleanValue: true });
  if (reports.length === 0) return undefined;
  const deviceEpc = event.device === undefined ? undefined : ctx.deviceEpcs?.get(event.device)?.[0];
  return [
    {
      sensorMetadata: {
        time: formatTimeMs(event.atMs),
        ...(deviceEpc === undefined ? {} : { deviceID: deviceEpc }),
      },
      sensorReport: reports,
    },
  ];
}

/** The ObjectEvent of a canonical event (every canonical event has one). */
export function epcisObjectEvent(event: CanonicalEvent, ctx: EpcisExportContext = {}): Json {
  const steps = stepAndDisposition(event) ?? {};
  const readPoint = readPointOf(event);
  const sensorElementList = sensors(event, ctx);
  const alarm = event.alarm;
  return {
    type: "ObjectEvent",
    eventID: eventUuid(event.type === "alarm.retracted" ? `${event.id}:retraction` : event.id),
    eventTime: formatTimeMs(event.atMs),
    eventTimeZoneOffset: "+00:00",
    recordTime: formatTimeMs(event.recordedAtMs),
    epcList: epcList(event, ctx),
    action: "OBSERVE",
    ...steps,
    ...(readPoint === undefined ? {} : { readPoint: { id: readPoint } }),
    ...(event.trip.reference === undefined
      ? {}
      : {
          bizTransactionList: [
            {
              type: `${SEALWATCH_NAMESPACE}btt/transit_declaration`,
              bizTransaction: `${SEALWATCH_NAMESPACE}mrn/${encodeURIComponent(event.trip.reference)}`,
            },
          ],
        }),
    ...(sensorElementList === undefined ? {} : { sensorElementList }),
    ...(event.type === "alarm.retracted"
      ? { errorDeclaration: { declarationTime: formatTimeMs(event.recordedAtMs), reason: "did_not_occur" } }
      : {}),
    ...(event.trip.seals.length === 0 ? {} : { [SEAL_ID_PROPERTY]: [...event.trip.seals] }),
    [`${SEALWATCH_PREFIX}:event`]: {
      id: event.id,
      type: event.type,
      trip: event.trip.id,
      ...(event.device === undefined ? {} : { device: event.device }),
    },
    ...(alarm === undefined
      ? {}
      : {
          [`${SEALWATCH_PREFIX}:alarm`]: {
            id: alarm.id,
            type: alarm.type,
            severity: alarm.severity,
            eaeuCode: alarm.eaeuCode,
            startedAt: formatTimeMs(alarm.startedAtMs),
            ...(alarm.clearedAtMs === null ? {} : { clearedAt: formatTimeMs(alarm.clearedAtMs) }),
            ...(alarm.outcome === undefined ? {} : { outcome: alarm.outcome }),
            ...(alarm.evidence === undefined ? {} : { reason: alarm.evidence.reason }),
          },
        }),
  };
}

/** An EPCISDocument of the events' ObjectEvents, in the order given. */
export function epcisDocument(
  events: readonly CanonicalEvent[],
  options: EpcisExportContext & { readonly creationDateMs: number },
): Json {
  return {
    "@context": [EPCIS_CONTEXT_URL, { [SEALWATCH_PREFIX]: SEALWATCH_NAMESPACE }],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: formatTimeMs(options.creationDateMs),
    ...(options.sender === undefined ? {} : { sender: options.sender }),
    epcisBody: { eventList: events.map((e) => epcisObjectEvent(e, options)) },
  };
}
