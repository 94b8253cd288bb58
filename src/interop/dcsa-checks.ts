/**
 * Checks of DCSA events against the published definitions (pure): Track & Trace 3.0.0-Beta-1 with
 * the event domain 3.1.0, and IoT 1.0.0-Beta-1. Written from the copy of the rules kept in
 * docs/interop/dcsa-definitions.md (required members, code lists, lengths and patterns); each
 * problem names the member's path. Used by the tests on every golden file and on every event the
 * exporter writes.
 */
import { validateContainerNumber } from "../core/identifiers/index.js";

export const DCSA_EVENT_TYPES = ["SHIPMENT", "EQUIPMENT", "TRANSPORT", "REEFER", "IOT"] as const;
export const DCSA_PUBLISHER_ROLES = ["CA", "AG", "VSP", "SVP"] as const;
export const DCSA_EQUIPMENT_EVENT_TYPE_CODES = [
  "LOAD", "DISC", "GTIN", "GTOT", "STUF", "STRP", "PICK", "AVPU", "DROP", "AVDO", "INSP", "RSEA", "RMVD",
  "CUSS", "CUSI", "CUSR", "CROS",
] as const; // prettier-ignore
export const DCSA_SEAL_SOURCES = ["CAR", "SHI", "PHY", "VET", "CUS"] as const;
export const DCSA_SEAL_TYPES = ["KLP", "BLT", "WIR"] as const;
export const DCSA_LOCATION_TYPES = ["UNLO", "FACI", "ADDR", "GEOL"] as const;
export const DCSA_FACILITY_TYPES = [
  "BORD",
  "CLOC",
  "COFS",
  "OFFD",
  "DEPO",
  "INTE",
  "POTE",
  "RAMP",
  "WAYP",
] as const;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UN_LOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;
/** The published latitude pattern (sign required, ≤ 10 characters). */
const LATITUDE = /^[+-][0-9]{1,2}\.[0-9]{1,6}$/;
/** Longitude: the published pattern allows two integer digits only; 100°–180° needs three. */
const LONGITUDE = /^[+-][0-9]{1,3}\.[0-9]{1,6}$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
  string(
    o: Json,
    key: string,
    path: string,
    opts: { required?: boolean; max?: number; pattern?: RegExp; oneOf?: readonly string[] } = {},
  ): void {
    const v = o[key];
    if (v === undefined) {
      if (opts.required === true) this.add(`${path}/${key}`, "is required");
      return;
    }
    if (typeof v !== "string") return this.add(`${path}/${key}`, "must be a string");
    if (opts.max !== undefined && v.length > opts.max)
      this.add(`${path}/${key}`, `is longer than ${opts.max} characters`);
    if (opts.pattern !== undefined && !opts.pattern.test(v))
      this.add(`${path}/${key}`, `"${v}" does not match ${opts.pattern.source}`);
    if (opts.oneOf !== undefined && !opts.oneOf.includes(v))
      this.add(`${path}/${key}`, `"${v}" is not one of ${opts.oneOf.join(", ")}`);
  }
}

/** The problems of one DCSA event `{ metadata, payload }` (empty when it conforms). */
export function checkDcsaEvent(event: unknown): string[] {
  const p = new Problems();
  if (!isObject(event)) return ["/: must be an object { metadata, payload }"];
  const metadata = event.metadata;
  if (!isObject(metadata)) p.add("/metadata", "is required (an object)");
  else {
    p.string(metadata, "eventID", "/metadata", { required: true, max: 100 });
    p.string(metadata, "eventCreatedDateTime", "/metadata", { required: true, pattern: DATE_TIME });
    p.string(metadata, "eventType", "/metadata", { required: true, oneOf: DCSA_EVENT_TYPES });
    p.string(metadata, "publisherRole", "/metadata", { required: true, oneOf: DCSA_PUBLISHER_ROLES });
    const publisher = metadata.publisher;
    if (!isObject(publisher)) p.add("/metadata/publisher", "is required (an object)");
    else {
      p.string(publisher, "partyName", "/metadata/publisher", { required: true, max: 100 });
      p.string(publisher, "carrierCode", "/metadata/publisher", { max: 4 });
      p.string(publisher, "carrierCodeListProvider", "/metadata/publisher", { oneOf: ["SMDG", "NMFTA"] });
    }
    p.string(metadata, "retractedEventID", "/metadata", { max: 100 });
  }
  const retracted = isObject(metadata) && metadata.retractedEventID !== undefined;
  const payload = event.payload;
  if (retracted) {
    if (payload !== undefined) p.add("/payload", "must be absent when retractedEventID is given");
    return p.list;
  }
  if (!isObject(payload)) {
    p.add("/payload", "is required (an object)");
    return p.list;
  }
  const type = isObject(metadata) ? metadata.eventType : undefined;
  p.string(payload, "eventDateTime", "/payload", { required: true, pattern: DATE_TIME });
  if (type === "EQUIPMENT") checkEquipment(payload, p);
  else if (type === "IOT") checkIot(payload, p);
  return p.list;
}

function checkEquipmentReference(payload: Json, p: Problems, required: boolean): void {
  p.string(payload, "equipmentReference", "/payload", { required, max: 15 });
  const ref = payload.equipmentReference;
  if (typeof ref === "string" && /^[A-Z]{4}\d{7}$/.test(ref)) {
    const checked = validateContainerNumber(ref);
    if (!checked.ok)
      p.add("/payload/equipmentReference", `${ref} is not a valid ISO 6346 number: ${checked.reason}`);
  }
}

function checkEquipment(payload: Json, p: Problems): void {
  p.string(payload, "eventClassifierCode", "/payload", { required: true, oneOf: ["ACT", "PLN", "EST"] });
  p.string(payload, "equipmentEventTypeCode", "/payload", {
    required: true,
    oneOf: DCSA_EQUIPMENT_EVENT_TYPE_CODES,
  });
  p.string(payload, "emptyIndicatorCode", "/payload", { required: true, oneOf: ["EMPTY", "LADEN"] });
  checkEquipmentReference(payload, p, false);
  p.string(payload, "ISOEquipmentCode", "/payload", { max: 4 });
  p.string(payload, "facilityTypeCode", "/payload", { oneOf: DCSA_FACILITY_TYPES });
  const location = payload.eventLocation;
  if (location !== undefined) {
    if (!isObject(location)) p.add("/payload/eventLocation", "must be an object");
    else {
      p.string(location, "locationType", "/payload/eventLocation", {
        required: true,
        oneOf: DCSA_LOCATION_TYPES,
      });
      if (location.locationType === "UNLO")
        p.string(location, "UNLocationCode", "/payload/eventLocation", {
          required: true,
          pattern: UN_LOCODE,
        });
      if (location.locationType === "GEOL") {
        p.string(location, "latitude", "/payload/eventLocation", {
          required: true,
          max: 10,
          pattern: LATITUDE,
        });
        p.string(location, "longitude", "/payload/eventLocation", {
          required: true,
          max: 11,
          pattern: LONGITUDE,
        });
      }
    }
  }
  const seals = payload.seals;
  if (seals !== undefined) {
    if (!Array.isArray(seals)) p.add("/payload/seals", "must be an array");
    else
      seals.forEach((seal, i) => {
        const path = `/payload/seals/${i}`;
        if (!isObject(seal)) return p.add(path, "must be an object");
        p.string(seal, "number", path, { required: true, max: 15 });
        p.string(seal, "source", path, { oneOf: DCSA_SEAL_SOURCES });
        p.string(seal, "type", path, { required: true, oneOf: DCSA_SEAL_TYPES });
      });
  }
  checkDocuments(payload, p);
}

function checkIot(payload: Json, p: Problems): void {
  p.string(payload, "eventClassifierCode", "/payload", { required: true, oneOf: ["ACT"] });
  p.string(payload, "iotEventTypeCode", "/payload", { required: true, oneOf: ["DETC"] });
  p.string(payload, "iotEventCode", "/payload", { required: true, oneOf: ["DRO"] });
  checkEquipmentReference(payload, p, true);
  const geo = payload.geoLocation;
  if (geo !== undefined) {
    if (!isObject(geo)) p.add("/payload/geoLocation", "must be an object");
    else {
      p.string(geo, "latitude", "/payload/geoLocation", { required: true, max: 10, pattern: LATITUDE });
      p.string(geo, "longitude", "/payload/geoLocation", { required: true, max: 11, pattern: LONGITUDE });
    }
  }
  checkDocuments(payload, p);
}

function checkDocuments(payload: Json, p: Problems): void {
  const docs = payload.relatedDocumentReferences;
  if (docs === undefined) return;
  if (!Array.isArray(docs)) return p.add("/payload/relatedDocumentReferences", "must be an array");
  docs.forEach((doc, i) => {
    const path = `/payload/relatedDocumentReferences/${i}`;
    if (!isObject(doc)) return p.add(path, "must be an object");
    p.string(doc, "type", path, { required: true, pattern: /^[A-Z]{3}$/ });
    p.string(doc, "value", path, { required: true, max: 100 });
  });
}
