/**
 * Canonical events as DCSA events (pure): Track & Trace 3.0 EquipmentEvents for customs decisions
 * and seal operations, IoT 1.0 events for a door opened, each `{ metadata, payload }`. One event per
 * container (`equipmentReference` is the ISO 6346 number); a trip without a container has no DCSA
 * form. The mapping and its choices are in docs/interop/dcsa.md; the rules checked are in
 * dcsa-checks.ts, written from the copy of the definitions in docs/interop/dcsa-definitions.md.
 *
 * | canonical                          | DCSA                                          |
 * |------------------------------------|-----------------------------------------------|
 * | trip.armed                         | EQUIPMENT RSEA (sealed by customs) at origin  |
 * | trip.in_transit                    | EQUIPMENT GTOT at the office of departure     |
 * | trip.arrived                       | EQUIPMENT GTIN at the office of destination   |
 * | trip.closed                        | EQUIPMENT CUSR (released) at destination      |
 * | inspection.decided                 | EQUIPMENT CUSS / CUSI / CUSR / INSP / RSEA    |
 * | alarm.raised unauthorized_opening  | IOT DETC / DRO (door opened) with geoLocation |
 */
import { formatTimeMs } from "../core/time/rfc3339.js";
import type { CanonicalEvent } from "./events.js";
import { eventUuid } from "./epcis-out.js";

export interface DcsaPublisher {
  readonly partyName: string;
  /** A code of the publishing party (this administration's id), up to 4 characters in DCSA's lists. */
  readonly carrierCode?: string;
  readonly carrierCodeListProvider?: "SMDG" | "NMFTA";
}

export interface DcsaContext {
  readonly publisher: DcsaPublisher;
  /** `eventCreatedDateTime`. */
  readonly nowMs: number;
}

type Json = Record<string, unknown>;

const DECISIONS: Readonly<Record<string, string>> = {
  selected_for_scan: "CUSS",
  selected_for_inspection: "CUSI",
  // DCSA has no code for a documentary check with seal verification: it is a selection for inspection.
  selected_for_documentary_check: "CUSI",
  released: "CUSR",
  inspected: "INSP",
  resealed: "RSEA",
};

/** The equipment event type code of an event, or undefined when DCSA has none for it. */
export function equipmentCode(event: CanonicalEvent): string | undefined {
  switch (event.type) {
    case "trip.armed":
      return "RSEA";
    case "trip.in_transit":
      return "GTOT";
    case "trip.arrived":
      return "GTIN";
    case "trip.closed":
      return "CUSR";
    case "inspection.decided":
      return (
        DECISIONS[event.inspection?.decision ?? ""] ?? (event.inspection === undefined ? undefined : "INSP")
      );
    case "trip.cancelled":
    case "seal.closed":
    case "seal.opened":
    case "alarm.raised":
    case "alarm.cleared":
    case "alarm.retracted":
    case "alarm.resolved":
    case "position":
      return undefined;
  }
}

/** `+dd.dddddd`: DCSA's signed decimal degrees (6 decimals). */
export function dcsaDegrees(value: number): string {
  const fixed = Math.abs(value).toFixed(6);
  return `${value < 0 ? "-" : "+"}${fixed}`;
}

function location(event: CanonicalEvent): Json | undefined {
  const place = event.place;
  if (place?.unLocode !== undefined) return { locationType: "UNLO", UNLocationCode: place.unLocode };
  if (place?.position !== undefined)
    return {
      locationType: "GEOL",
      latitude: dcsaDegrees(place.position[1]),
      longitude: dcsaDegrees(place.position[0]),
    };
  return undefined;
}

function metadata(
  event: CanonicalEvent,
  container: string,
  eventType: "EQUIPMENT" | "IOT",
  ctx: DcsaContext,
): Json {
  return {
    eventID: eventUuid(`${event.id}:dcsa:${container}`).slice("urn:uuid:".length),
    eventCreatedDateTime: formatTimeMs(ctx.nowMs),
    eventType,
    publisher: {
      partyName: ctx.publisher.partyName.slice(0, 100),
      ...(ctx.publisher.carrierCode === undefined ? {} : { carrierCode: ctx.publisher.carrierCode }),
      ...(ctx.publisher.carrierCodeListProvider === undefined
        ? {}
        : { carrierCodeListProvider: ctx.publisher.carrierCodeListProvider }),
    },
    // DCSA names carriers, agents and service providers; a customs administration publishing its
    // own facts is closest to a service provider (SVP).
    publisherRole: "SVP",
  };
}

function documents(event: CanonicalEvent): Json[] {
  return event.trip.reference === undefined
    ? []
    : [{ type: "CUC", value: event.trip.reference.slice(0, 100) }];
}

/** Seals as DCSA lists them: customs seals (source CUS); numbers over 15 characters do not fit. */
function seals(event: CanonicalEvent): Json[] {
  const numbers = event.inspection?.newSeals ?? event.trip.seals;
  return numbers.filter((n) => n.length <= 15).map((number) => ({ number, source: "CUS", type: "WIR" }));
}

/** The DCSA events of a canonical event (one per container; none when DCSA has no form for it). */
export function dcsaEvents(event: CanonicalEvent, ctx: DcsaContext): Json[] {
  const containers = event.trip.containers;
  if (event.type === "alarm.raised" && event.alarm?.type === "unauthorized_opening") {
    const position = event.place?.position;
    return containers.map((container) => ({
      metadata: metadata(event, container, "IOT", ctx),
      payload: {
        eventClassifierCode: "ACT",
        eventDateTime: formatTimeMs(event.atMs),
        iotEventTypeCode: "DETC",
        iotEventCode: "DRO",
        equipmentReference: container,
        ...(position === undefined
          ? {}
          : { geoLocation: { latitude: dcsaDegrees(position[1]), longitude: dcsaDegrees(position[0]) } }),
        ...(documents(event).length === 0 ? {} : { relatedDocumentReferences: documents(event) }),
      },
    }));
  }
  const code = equipmentCode(event);
  if (code === undefined) return [];
  const where = location(event);
  const sealList =
    code === "RSEA" || code === "INSP" || code === "GTOT" || code === "GTIN" ? seals(event) : [];
  return containers.map((container) => ({
    metadata: metadata(event, container, "EQUIPMENT", ctx),
    payload: {
      eventClassifierCode: "ACT",
      eventDateTime: formatTimeMs(event.atMs),
      equipmentEventTypeCode: code,
      equipmentReference: container,
      emptyIndicatorCode: "LADEN",
      ...(where === undefined ? {} : { eventLocation: where }),
      ...(documents(event).length === 0 ? {} : { relatedDocumentReferences: documents(event) }),
      ...(sealList.length === 0 ? {} : { seals: sealList }),
    },
  }));
}
