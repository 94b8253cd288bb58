/**
 * Sealwatch seal observations as an EPCIS 2.0 document, for exchange with other administrations.
 * Each observation becomes one ObjectEvent (action OBSERVE): disposition `container_closed` or
 * `container_open`, the read point, the seal numbers as `sw:sealId`, and a sensor element with an
 * ALARM_CONDITION report when the seal was tampered with and latitude/longitude `Angle` reports
 * when the device had a fix. Reading the document back with `captureEpcis` gives the same facts.
 */
import type { SealState } from "../../core/engine/device-event.js";
import type { ReadInput } from "../../core/engine/inputs.js";
import { formatTimeMs } from "../../core/time/rfc3339.js";
import { EPCIS_CONTEXT_URL } from "./artefacts.js";
import { offsetMinutes } from "./time.js";
import {
  ALARM_CONDITION,
  SEAL_ID_PROPERTY,
  SEALWATCH_NAMESPACE,
  SEALWATCH_PREFIX,
  TAMPER_SENSOR_TYPE,
} from "./vocabulary.js";

export interface SealObservation {
  /** EPCs of the seal and, if wanted, its container: EPC URNs or GS1 Digital Link URIs. */
  readonly epcs: readonly string[];
  /** Seal numbers as marked on the seals, written as `sw:sealId`. */
  readonly sealIds?: readonly string[];
  readonly atMs: number;
  /** The read point's UTC offset, `±hh:mm`; `eventTime` is written in it. Default "+00:00". */
  readonly timeZoneOffset?: string;
  readonly seal: SealState;
  readonly tamper?: boolean;
  /** Where: an SGLN URN, a GS1 Digital Link (AI 414) or a `geo:` URI. */
  readonly readPoint: string;
  readonly bizLocation?: string;
  /** A bare CBV bizStep ("inspecting", "departing", …) or a URI outside the CBV namespace. */
  readonly bizStep?: string;
  /** The device's own fix, written as latitude/longitude `Angle` reports (WGS 84). */
  readonly position?: { readonly lon: number; readonly lat: number };
  /** The reporting device, e.g. an e-lock's GIAI, written as `sensorMetadata.deviceID`. */
  readonly deviceEpc?: string;
  readonly eventId?: string;
}

export interface EncodeOptions {
  /** The document's `creationDate`; passed in because encoding reads no clock. */
  readonly creationDateMs: number;
  readonly documentId?: string;
  readonly sender?: string;
  readonly receiver?: string;
}

export interface EpcisSensorReport {
  readonly type: string;
  readonly exception?: string;
  readonly booleanValue?: boolean;
  readonly component?: "latitude" | "longitude";
  readonly value?: number;
  readonly uom?: string;
  readonly coordinateReferenceSystem?: string;
}

export interface EpcisSensorElement {
  readonly sensorMetadata?: { readonly deviceID: string };
  readonly sensorReport: readonly EpcisSensorReport[];
}

export interface EpcisObjectEvent {
  readonly type: "ObjectEvent";
  readonly eventID?: string;
  readonly eventTime: string;
  readonly eventTimeZoneOffset: string;
  readonly epcList: readonly string[];
  readonly action: "OBSERVE";
  readonly bizStep?: string;
  readonly disposition: "container_closed" | "container_open";
  readonly readPoint: { readonly id: string };
  readonly bizLocation?: { readonly id: string };
  readonly sensorElementList?: readonly EpcisSensorElement[];
  readonly [SEAL_ID_PROPERTY]?: string | readonly string[];
}

export interface EpcisDocument {
  readonly "@context": readonly [string, Readonly<Record<string, string>>];
  readonly type: "EPCISDocument";
  readonly schemaVersion: "2.0";
  readonly creationDate: string;
  readonly id?: string;
  readonly sender?: string;
  readonly receiver?: string;
  readonly epcisBody: { readonly eventList: readonly EpcisObjectEvent[] };
}

const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/** `atMs` as local time at `offset`, e.g. "2025-06-16T07:00:00+03:00"; "Z" for a zero offset. */
export function formatEventTime(atMs: number, offset: string): string {
  const minutes = offsetMinutes(offset);
  if (minutes === undefined) throw new RangeError(`time zone offset "${offset}" is not ±hh:mm within ±14:00`);
  const local = formatTimeMs(atMs + minutes * 60_000);
  return minutes === 0 ? local : `${local.slice(0, -1)}${offset}`;
}

function encodeEvent(observation: SealObservation, index: number): EpcisObjectEvent {
  const where = `observation ${index}`;
  if (!Number.isSafeInteger(observation.atMs)) throw new RangeError(`${where}: atMs must be an integer`);
  const sealIds = [...new Set((observation.sealIds ?? []).map((id) => id.trim()))];
  if (observation.epcs.length === 0 && sealIds.length === 0) {
    throw new RangeError(`${where}: needs at least one EPC or seal number`);
  }
  const position = observation.position;
  if (position !== undefined && !(Math.abs(position.lat) <= 90 && Math.abs(position.lon) <= 180)) {
    throw new RangeError(`${where}: position [${position.lon}, ${position.lat}] is outside WGS 84`);
  }
  const offset = observation.timeZoneOffset ?? "+00:00";
  const reports: EpcisSensorReport[] = [];
  if (observation.tamper === true) {
    reports.push({ type: TAMPER_SENSOR_TYPE, exception: ALARM_CONDITION, booleanValue: true });
  }
  if (position !== undefined) {
    for (const [component, value] of [
      ["latitude", position.lat],
      ["longitude", position.lon],
    ] as const) {
      reports.push({ type: "Angle", component, value, uom: "DD", coordinateReferenceSystem: CRS84 });
    }
  }
  const element: EpcisSensorElement | undefined =
    reports.length === 0
      ? undefined
      : {
          ...(observation.deviceEpc === undefined
            ? {}
            : { sensorMetadata: { deviceID: observation.deviceEpc } }),
          sensorReport: reports,
        };
  return {
    type: "ObjectEvent",
    ...(observation.eventId === undefined ? {} : { eventID: observation.eventId }),
    eventTime: formatEventTime(observation.atMs, offset),
    eventTimeZoneOffset: offset,
    epcList: [...new Set(observation.epcs)],
    action: "OBSERVE",
    ...(observation.bizStep === undefined ? {} : { bizStep: observation.bizStep }),
    disposition: observation.seal === "closed" ? "container_closed" : "container_open",
    readPoint: { id: observation.readPoint },
    ...(observation.bizLocation === undefined ? {} : { bizLocation: { id: observation.bizLocation } }),
    ...(element === undefined ? {} : { sensorElementList: [element] }),
    ...(sealIds.length === 0 ? {} : { [SEAL_ID_PROPERTY]: sealIds.length === 1 ? sealIds[0] : sealIds }),
  };
}

/**
 * Builds one EPCISDocument from seal observations. Throws a `RangeError` for an observation that
 * cannot be written (no identifier, bad offset, position outside WGS 84); identifiers and URIs are
 * written as given, so validate the result before sending it to a partner.
 */
export function encodeEpcisDocument(
  observations: readonly SealObservation[],
  options: EncodeOptions,
): EpcisDocument {
  if (!Number.isSafeInteger(options.creationDateMs))
    throw new RangeError("creationDateMs must be an integer");
  return {
    "@context": [EPCIS_CONTEXT_URL, { [SEALWATCH_PREFIX]: SEALWATCH_NAMESPACE }],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: formatTimeMs(options.creationDateMs),
    ...(options.documentId === undefined ? {} : { id: options.documentId }),
    ...(options.sender === undefined ? {} : { sender: options.sender }),
    ...(options.receiver === undefined ? {} : { receiver: options.receiver }),
    epcisBody: { eventList: observations.map(encodeEvent) },
  };
}

/**
 * A passive read as an observation: intact → `container_closed`; broken → `container_open` with
 * an ALARM_CONDITION report, the EPCIS form of "seal opened" (standards.md §7).
 */
export function observationFromRead(
  read: ReadInput,
  where: {
    readonly epcs: readonly string[];
    readonly sealIds?: readonly string[];
    readonly readPoint: string;
    readonly timeZoneOffset?: string;
  },
): SealObservation {
  return {
    epcs: where.epcs,
    ...(where.sealIds === undefined ? {} : { sealIds: where.sealIds }),
    atMs: read.atMs,
    ...(where.timeZoneOffset === undefined ? {} : { timeZoneOffset: where.timeZoneOffset }),
    seal: read.status === "intact" ? "closed" : "open",
    tamper: read.status === "broken",
    readPoint: where.readPoint,
  };
}
