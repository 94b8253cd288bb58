/**
 * NCTS (EU common transit, phase 5) incident records shaped after the IE182 data groups (pure):
 * for every alarm resolved as a confirmed breach of the seals (incident code 2, "seals broken or
 * tampered with") or a confirmed deviation (code 1, "deviated from the prescribed itinerary"), one
 * `Incident` with its text, endorsement, location (GNSS or UN/LOCODE) and the transport equipment
 * with container and seal numbers; as JSON and as XML in the NCTS element naming (data groups
 * UpperCamelCase, items lowerCamelCase, namespace http://ncts.dgtaxud.ec). Field by field:
 * docs/interop/ncts.md.
 */
import type { AlarmType } from "../core/domain/model.js";
import { EAEU_CODE_MEANING, type CanonicalEvent } from "./events.js";

/** CL019 incident codes Sealwatch reports. */
export type IncidentCode = "1" | "2";

const INCIDENT_CODES: Partial<Record<AlarmType, IncidentCode>> = {
  route_deviation: "1",
  restricted_zone: "1",
  unexpected_checkpoint: "1",
  tamper: "2",
  unauthorized_opening: "2",
  seal_mismatch: "2",
};

export interface NctsIncident {
  readonly sequenceNumber: number;
  readonly code: IncidentCode;
  readonly text: string;
  readonly Endorsement: {
    readonly date: string;
    readonly authority: string;
    readonly place: string;
    readonly country: string;
  };
  readonly Location: {
    readonly qualifierOfIdentification: "W" | "U";
    readonly UNLocode?: string;
    readonly country: string;
    readonly GNSS?: { readonly latitude: string; readonly longitude: string };
  };
  readonly TransportEquipment: readonly {
    readonly sequenceNumber: number;
    readonly containerIdentificationNumber?: string;
    readonly numberOfSeals: number;
    readonly Seal: readonly { readonly sequenceNumber: number; readonly identifier: string }[];
  }[];
}

export interface NctsIncidentDocument {
  readonly messageType: "CC182C";
  readonly TransitOperation: { readonly MRN?: string; readonly LRN?: string };
  readonly Consignment: { readonly Incident: readonly NctsIncident[] };
}

export interface NctsContext {
  /** The endorsing authority (this administration's name, ≤ 35 characters). */
  readonly authority: string;
  /** This administration's country, used when the place's country is unknown. */
  readonly country: string;
}

/** The incident code of a resolved alarm, or undefined when it makes no NCTS incident. */
export function incidentCode(event: CanonicalEvent): IncidentCode | undefined {
  if (event.type !== "alarm.resolved" || event.alarm?.outcome !== "confirmed_breach") return undefined;
  return INCIDENT_CODES[event.alarm.type];
}

/** `an..17` decimal degrees, at most 6 decimals, "-" for south and west. */
function gnss(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

const MRN = /^\d{2}[A-Z]{2}[A-Z0-9]{13}\d$/;

function incident(
  event: CanonicalEvent,
  code: IncidentCode,
  sequenceNumber: number,
  ctx: NctsContext,
): NctsIncident {
  const alarm = event.alarm!;
  // Where the condition began (the alarm's evidence) before the device's last fix.
  const began = alarm.evidence?.began.position;
  const place = began === undefined ? event.place : { ...event.place, position: began };
  const country = place?.country ?? ctx.country;
  const where =
    place?.officeCode ??
    place?.unLocode ??
    (place?.position === undefined ? undefined : `${gnss(place.position[1])} ${gnss(place.position[0])}`);
  const text = [
    code === "2" ? "Seals broken or tampered with" : "Deviation from the prescribed itinerary",
    `(Sealwatch alarm ${alarm.type}, EAEU code ${alarm.eaeuCode}: ${EAEU_CODE_MEANING[alarm.eaeuCode]})`,
    alarm.evidence?.reason,
    `started ${new Date(alarm.startedAtMs).toISOString()}`,
    event.device === undefined ? undefined : `device ${event.device}`,
    alarm.notes === undefined ? undefined : `officer's notes: ${alarm.notes}`,
  ]
    .filter((part) => part !== undefined)
    .join("; ")
    .slice(0, 512);
  const seals = event.trip.seals.filter((s) => s.length <= 20).slice(0, 99);
  const containers = event.trip.containers.length === 0 ? [undefined] : event.trip.containers;
  return {
    sequenceNumber,
    code,
    text,
    Endorsement: {
      date: new Date(event.atMs).toISOString().slice(0, 10),
      authority: ctx.authority.slice(0, 35),
      place: (where ?? "GNSS position unknown").slice(0, 35),
      country,
    },
    Location:
      place?.position !== undefined
        ? {
            qualifierOfIdentification: "W",
            country,
            GNSS: { latitude: gnss(place.position[1]), longitude: gnss(place.position[0]) },
          }
        : place?.unLocode !== undefined
          ? { qualifierOfIdentification: "U", UNLocode: place.unLocode, country }
          : { qualifierOfIdentification: "U", country },
    TransportEquipment: containers.map((container, i) => ({
      sequenceNumber: i + 1,
      ...(container === undefined ? {} : { containerIdentificationNumber: container }),
      // The seals go with the first container (NCTS rule R0107: a seal is listed once per declaration).
      numberOfSeals: i === 0 ? seals.length : 0,
      Seal: i === 0 ? seals.map((identifier, j) => ({ sequenceNumber: j + 1, identifier })) : [],
    })),
  };
}

/** The incident document of a trip's events (the resolved confirmed breaches among them, in order). */
export function nctsIncidents(events: readonly CanonicalEvent[], ctx: NctsContext): NctsIncidentDocument {
  const incidents: NctsIncident[] = [];
  for (const event of events) {
    const code = incidentCode(event);
    if (code !== undefined) incidents.push(incident(event, code, incidents.length + 1, ctx));
  }
  const reference = events[0]?.trip.reference;
  return {
    messageType: "CC182C",
    TransitOperation:
      reference === undefined
        ? {}
        : MRN.test(reference)
          ? { MRN: reference }
          : { LRN: reference.slice(0, 22) },
    Consignment: { Incident: incidents },
  };
}

const escapeXml = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

/** The document as NCTS XML: `<ncts:CC182C xmlns:ncts="http://ncts.dgtaxud.ec" PhaseID="NCTS5.0">`. */
export function nctsXml(document: NctsIncidentDocument): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push('<ncts:CC182C xmlns:ncts="http://ncts.dgtaxud.ec" PhaseID="NCTS5.0">');
  const element = (name: string, value: unknown, depth: number): void => {
    const pad = "  ".repeat(depth);
    if (Array.isArray(value)) {
      for (const item of value) element(name, item, depth);
      return;
    }
    if (typeof value === "object" && value !== null) {
      lines.push(`${pad}<${name}>`);
      for (const [key, child] of Object.entries(value)) element(key, child, depth + 1);
      lines.push(`${pad}</${name}>`);
      return;
    }
    lines.push(`${pad}<${name}>${escapeXml(String(value))}</${name}>`);
  };
  element("TransitOperation", document.TransitOperation, 1);
  element("Consignment", document.Consignment, 1);
  lines.push("</ncts:CC182C>");
  return `${lines.join("\n")}\n`;
}
