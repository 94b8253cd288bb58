/**
 * A trip in one of the open formats, for the API and the CLI: `epcis` (an EPCISDocument, validated
 * against the bundled EPCIS 2.0 JSON schema before it leaves), `dcsa` (DCSA events, checked against
 * the published rules), `ncts` (IE182-shaped incidents, JSON or XML, checked), `eaeu` (every alarm
 * with its EAEU code). A document that fails its own check is an error (EXPORT_INVALID), never sent.
 */
import { SealwatchError } from "../core/errors.js";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { validateEpcisDocument } from "../protocols/epcis/validate.js";
import type { Store, TripRecord } from "../store/ports.js";
import { checkDcsaEvent } from "./dcsa-checks.js";
import { dcsaEvents, type DcsaPublisher } from "./dcsa-out.js";
import { epcisDocument } from "./epcis-out.js";
import { EAEU_CODE_MEANING, type CanonicalEvent } from "./events.js";
import { checkNctsIncidents } from "./ncts-checks.js";
import { nctsIncidents, nctsXml } from "./ncts-out.js";
import { tripEvents, type TripEventsOptions } from "./trip-events.js";

export const EXPORT_FORMATS = ["epcis", "dcsa", "ncts", "eaeu"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportIdentity {
  /** This administration's id and name (publisher, endorsing authority, sender). */
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country?: string;
}

export interface ExportOptions extends TripEventsOptions {
  readonly format: ExportFormat;
  /** NCTS only: XML instead of JSON. */
  readonly xml?: boolean;
  readonly nowMs: number;
  readonly identity: ExportIdentity;
}

export interface ExportedDocument {
  readonly contentType: string;
  readonly text: string;
  /** How many events (or incidents, alarms) it holds. */
  readonly count: number;
}

function invalidExport(format: string, problems: readonly string[]): SealwatchError {
  return new SealwatchError(
    "EXPORT_INVALID",
    `the ${format} export does not pass its own check (a bug; nothing was sent): ${problems.slice(0, 5).join("; ")}`,
  );
}

/** The EPCIS document of some events, validated against the bundled schema. */
export function validatedEpcis(
  events: readonly CanonicalEvent[],
  context: { nowMs: number; identity: ExportIdentity; deviceEpcs?: ReadonlyMap<string, readonly string[]> },
): Record<string, unknown> {
  const document = epcisDocument(events, {
    creationDateMs: context.nowMs,
    sender: `urn:sealwatch:administration:${encodeURIComponent(context.identity.id)}`,
    ...(context.deviceEpcs === undefined ? {} : { deviceEpcs: context.deviceEpcs }),
  });
  const result = validateEpcisDocument(document, { maxEvents: Math.max(10_000, events.length) });
  if (!result.ok)
    throw invalidExport(
      "EPCIS",
      result.errors.map((e) => `${e.path} ${e.message}`),
    );
  return document;
}

/** The DCSA events of some canonical events, checked. */
export function checkedDcsa(
  events: readonly CanonicalEvent[],
  nowMs: number,
  identity: ExportIdentity,
): unknown[] {
  const publisher: DcsaPublisher = { partyName: identity.name };
  const out = events.flatMap((e) => dcsaEvents(e, { publisher, nowMs }));
  const problems = out.flatMap((e, i) => checkDcsaEvent(e).map((p) => `[${i}]${p}`));
  if (problems.length > 0) throw invalidExport("DCSA", problems);
  return out;
}

export function eaeuAlarms(events: readonly CanonicalEvent[]): Record<string, unknown>[] {
  const alarms = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    const alarm = event.alarm;
    if (alarm === undefined) continue;
    const known = alarms.get(alarm.id) ?? {};
    alarms.set(alarm.id, {
      ...known,
      id: alarm.id,
      type: alarm.type,
      eaeuCode: alarm.eaeuCode,
      meaning: EAEU_CODE_MEANING[alarm.eaeuCode],
      severity: alarm.severity,
      startedAt: formatTimeMs(alarm.startedAtMs),
      ...(alarm.clearedAtMs === null ? {} : { clearedAt: formatTimeMs(alarm.clearedAtMs) }),
      ...(alarm.outcome === undefined ? {} : { outcome: alarm.outcome }),
      ...(event.type === "alarm.retracted" ? { retracted: true } : {}),
      ...(event.device === undefined ? {} : { device: event.device }),
      ...(known.position === undefined && event.place?.position !== undefined
        ? { position: event.place.position }
        : {}),
    });
  }
  return [...alarms.values()];
}

export async function exportTrip(
  store: Store,
  trip: TripRecord,
  options: ExportOptions,
): Promise<ExportedDocument> {
  const gathered = await tripEvents(store, trip, options);
  const { events } = gathered;
  const { nowMs, identity } = options;
  switch (options.format) {
    case "epcis": {
      const document = validatedEpcis(events, { nowMs, identity, deviceEpcs: gathered.deviceEpcs });
      return {
        contentType: "application/ld+json",
        text: `${JSON.stringify(document, null, 2)}\n`,
        count: events.length,
      };
    }
    case "dcsa": {
      const list = checkedDcsa(events, nowMs, identity);
      return {
        contentType: "application/json",
        text: `${JSON.stringify(list, null, 2)}\n`,
        count: list.length,
      };
    }
    case "ncts": {
      const document = nctsIncidents(events, { authority: identity.name, country: identity.country ?? "ZZ" });
      const problems = checkNctsIncidents(document);
      if (problems.length > 0) throw invalidExport("NCTS", problems);
      const count = document.Consignment.Incident.length;
      return options.xml === true
        ? { contentType: "application/xml", text: nctsXml(document), count }
        : { contentType: "application/json", text: `${JSON.stringify(document, null, 2)}\n`, count };
    }
    case "eaeu": {
      const alarms = eaeuAlarms(events);
      const body = {
        trip: {
          id: trip.id,
          ...(trip.reference === undefined ? {} : { reference: trip.reference }),
          containers: events[0]?.trip.containers ?? [],
          seals: events[0]?.trip.seals ?? [],
        },
        codes: EAEU_CODE_MEANING,
        alarms,
      };
      return {
        contentType: "application/json",
        text: `${JSON.stringify(body, null, 2)}\n`,
        count: alarms.length,
      };
    }
  }
}
