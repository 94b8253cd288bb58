/** Shared fixtures of the EPCIS tests: official examples, a small device registry, document builders. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  EPCIS_CONTEXT_URL,
  SEALWATCH_NAMESPACE,
  type DeviceRef,
  type LocationRef,
  type MappingContext,
  type SubjectKind,
} from "../../../src/protocols/epcis/index.js";
import { fixturePath, readJson } from "../../support/fixtures.js";

export interface OfficialExample {
  readonly name: string;
  readonly document: unknown;
}

/** The GS1 example documents: the five .jsonld files and the three of epcis-examples.json. */
export function officialExamples(): OfficialExample[] {
  const dir = fixturePath("epcis", "examples");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".jsonld"))
    .sort()
    .map((name) => ({ name, document: readJson(join(dir, name)) }));
  const bundle = readJson(fixturePath("epcis", "epcis-examples.json")) as {
    examples: { source: string; document: unknown }[];
  };
  return [
    ...files,
    ...bundle.examples.map((example) => ({ name: example.source, document: example.document })),
  ];
}

export function example(name: string): Record<string, unknown> {
  const found = officialExamples().find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no example ${name}`);
  return structuredClone(found.document) as Record<string, unknown>;
}

// Identifiers of the registry below.
export const SEAL_7101 = "urn:epc:id:giai:4000001.7101";
export const SEAL_7102 = "urn:epc:id:giai:4000001.7102";
export const CONTAINER = "urn:epc:id:bic:CSQU3054383";
export const SEAL_NUMBER_7102 = "KE-7102";
export const ELOCK = "urn:epc:id:giai:4000001.900";
export const ELOCK_LINK = "https://id.gs1.org/8004/4000001900";
export const WAGON_SEAL = "urn:epc:id:sgtin:0614141.107346.2017";
export const UNKNOWN_SEAL = "urn:epc:id:giai:4000001.9999";

export const MSA_SGLN = "urn:epc:id:sgln:0614141.00001.0";
export const MRK_LINK = "https://id.gs1.org/414/0614141000029";
/** Inside the Athi River office box of the resolver below. */
export const ATH_GEO = "geo:-1.45,36.98";
export const UNMAPPED_SGLN = "urn:epc:id:sgln:0614141.00009.0";

const DEVICES: ReadonlyMap<string, DeviceRef> = new Map([
  [`epc ${SEAL_7101}`, { deviceId: "RFS-KE-7101", class: "passive" }],
  [`epc ${SEAL_7102}`, { deviceId: "RFS-KE-7102", class: "passive" }],
  // The container is registered with the seal fixed on it.
  [`epc ${CONTAINER}`, { deviceId: "RFS-KE-7101", class: "passive" }],
  [`sealId ${SEAL_NUMBER_7102}`, { deviceId: "RFS-KE-7102", class: "passive" }],
  [`epc ${ELOCK}`, { deviceId: "ELOCK-900", class: "active" }],
  [`epc ${ELOCK_LINK}`, { deviceId: "ELOCK-900", class: "active" }],
  [`epc ${WAGON_SEAL}`, { deviceId: "WAGON-2017", class: "semi-active" }],
]);

export interface RecordingContext extends MappingContext {
  readonly lookups: string[];
  readonly resolved: LocationRef[];
}

/** A registry of a few seals and an e-lock, and offices for an SGLN, a Digital Link and a geo box. */
export function registry(): RecordingContext {
  const lookups: string[] = [];
  const resolved: LocationRef[] = [];
  return {
    lookups,
    resolved,
    lookupDevice: (id: string, kind: SubjectKind) => {
      lookups.push(`${kind} ${id}`);
      return DEVICES.get(`${kind} ${id}`);
    },
    resolveOffice: (location: LocationRef) => {
      resolved.push(location);
      if (location.id === MSA_SGLN) return "KE-MSA";
      if (location.id === MRK_LINK) return "KE-MRK";
      const geo = location.geo;
      if (geo !== undefined && Math.abs(geo.lon - 36.98) < 0.01 && Math.abs(geo.lat + 1.45) < 0.01)
        return "KE-ATH";
      return undefined;
    },
  };
}

export function documentWith(
  events: readonly unknown[],
  context: unknown = [EPCIS_CONTEXT_URL, { sw: SEALWATCH_NAMESPACE }],
): Record<string, unknown> {
  return {
    "@context": context,
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2025-06-16T04:00:00Z",
    epcisBody: { eventList: events },
  };
}

/** A passive seal read intact at Mombasa, 2025-06-16T04:00:00Z written in local time (+03:00). */
export function sealEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "ObjectEvent",
    eventTime: "2025-06-16T07:00:00+03:00",
    eventTimeZoneOffset: "+03:00",
    epcList: [SEAL_7101],
    action: "OBSERVE",
    bizStep: "inspecting",
    disposition: "container_closed",
    readPoint: { id: MSA_SGLN },
    ...overrides,
  };
}

export const AT_0400Z = Date.UTC(2025, 5, 16, 4, 0, 0);

export function body(document: unknown): string {
  return JSON.stringify(document);
}
