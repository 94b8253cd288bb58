/**
 * From a valid EPCIS document to Sealwatch inputs. Each ObjectEvent names seals and containers
 * (EPCs, `sw:sealId` seal numbers, sensor device ids); the caller's lookup says which device each
 * one is and of what class. Passive devices give a `ReadInput` (office + intact/broken), active and
 * semi-active ones a `NormalizedReading` (position, seal, tamper). Whatever cannot be used is
 * reported per event with a reason, never dropped silently.
 */
import type { DeviceClass } from "../../core/domain/model.js";
import type { NormalizedReading, ReadingPosition } from "../../core/domain/reading.js";
import type { ReadStatus } from "../../core/engine/device-event.js";
import type { ReadInput } from "../../core/engine/inputs.js";
import { isRecord, own, ownRecord, ownString, ownStrings, type JsonRecord } from "./json.js";
import { locationRef, type LocationRef, type OfficeResolver } from "./location.js";
import { summariseSensors } from "./sensors.js";
import { checkEpc, checkSealNumber, type SubjectCheck, type SubjectKind } from "./subjects.js";
import { parseEpcisTimeMs } from "./time.js";
import {
  SEAL_ID_PROPERTY,
  SEAL_ID_TERM,
  SEALWATCH_NAMESPACE,
  readStatusOf,
  sealEvidence,
  type SealEvidence,
} from "./vocabulary.js";

export interface DeviceRef {
  /** Sealwatch's id of the device. */
  readonly deviceId: string;
  readonly class: DeviceClass;
}

/** The caller's registry: which device carries this EPC or seal number, or undefined when none does. */
export type DeviceLookup = (id: string, kind: SubjectKind) => DeviceRef | undefined;

export interface MappingContext {
  readonly lookupDevice: DeviceLookup;
  readonly resolveOffice: OfficeResolver;
}

export type NoticeReason =
  /** Aggregation, Association, Transaction, Transformation or extension events. */
  | "not_object_event"
  /** The event retracts an earlier one (errorDeclaration); corrections are not applied. */
  | "error_declaration"
  /** action DELETE: the objects cease to exist (decommissioning), not a read. */
  | "delete_action"
  | "invalid_time"
  /** No EPC, seal number or sensor device id: e.g. a quantityList-only event. */
  | "no_identifiers"
  | "unsupported_epc"
  | "malformed_identifier"
  /** The lookup knows no device for the EPC or seal number. */
  | "unknown_epc"
  /** A `sw:sealId` whose prefix the document does not bind to Sealwatch's namespace. */
  | "unbound_extension"
  /** Passive: neither readPoint nor bizLocation. Active: no position and nothing about the seal. */
  | "no_location"
  /** Passive: the locations map to no office. */
  | "unknown_location"
  /** Passive: the event says nothing about the seal (see the table in vocabulary.ts). */
  | "no_seal_status";

export interface EventNotice {
  /** Index of the event in `epcisBody.eventList`. */
  readonly eventIndex: number;
  readonly eventId?: string;
  /** The EPC or seal number concerned, when the notice is about one identifier. */
  readonly subject?: string;
  readonly reason: NoticeReason;
  readonly detail: string;
}

export interface MappedEvents {
  readonly reads: ReadInput[];
  readonly readings: NormalizedReading[];
  readonly notices: EventNotice[];
}

/** Property names under which an event may carry seal numbers, given the in-scope contexts. */
function sealIdKeys(contexts: readonly unknown[]): string[] {
  const keys = [`${SEALWATCH_NAMESPACE}${SEAL_ID_TERM}`];
  for (const context of contexts) {
    for (const entry of Array.isArray(context) ? context : [context]) {
      if (!isRecord(entry)) continue;
      for (const prefix of Object.keys(entry)) {
        const value = own(entry, prefix);
        const iri = isRecord(value) ? own(value, "@id") : value;
        if (iri === SEALWATCH_NAMESPACE) keys.push(`${prefix}:${SEAL_ID_TERM}`);
      }
    }
  }
  return keys;
}

interface Subject {
  readonly raw: string;
  readonly kind: SubjectKind;
  readonly check: SubjectCheck;
}

class EventMapper {
  private readonly eventId: string | undefined;
  private rawBytes: Uint8Array | undefined;

  constructor(
    private readonly event: JsonRecord,
    private readonly index: number,
    private readonly documentContext: unknown,
    private readonly context: MappingContext,
    private readonly out: MappedEvents,
  ) {
    this.eventId = ownString(event, "eventID");
  }

  private note(reason: NoticeReason, detail: string, subject?: string): void {
    this.out.notices.push({
      eventIndex: this.index,
      ...(this.eventId === undefined ? {} : { eventId: this.eventId }),
      ...(subject === undefined ? {} : { subject }),
      reason,
      detail,
    });
  }

  /** The event's JSON, kept with each reading as evidence. */
  private raw(): Uint8Array {
    this.rawBytes ??= new TextEncoder().encode(JSON.stringify(this.event));
    return this.rawBytes;
  }

  run(): void {
    const event = this.event;
    const type = ownString(event, "type");
    if (type !== "ObjectEvent") {
      this.note(
        "not_object_event",
        `${type ?? "an untyped event"} is not mapped; seal reads are ObjectEvents`,
      );
      return;
    }
    if (own(event, "errorDeclaration") !== undefined) {
      this.note(
        "error_declaration",
        "declares an earlier event erroneous; corrections are not applied automatically",
      );
      return;
    }
    if (own(event, "action") === "DELETE") {
      this.note("delete_action", "action DELETE means the objects cease to exist; it is not a seal read");
      return;
    }
    const offset = ownString(event, "eventTimeZoneOffset");
    const atMs = parseEpcisTimeMs(ownString(event, "eventTime") ?? "", offset);
    if (atMs === undefined) {
      this.note("invalid_time", "eventTime cannot be read as a date-time");
      return;
    }
    const sensors = summariseSensors(event, atMs, offset);
    const devices = this.devices(sensors.deviceIds);
    if (devices.length === 0) return;

    const disposition = ownString(event, "disposition");
    const bizStep = ownString(event, "bizStep");
    const evidence = sealEvidence(disposition, bizStep, sensors.alarm);
    const locations: LocationRef[] = [];
    const readPoint = ownRecord(event, "readPoint");
    const bizLocation = ownRecord(event, "bizLocation");
    const readPointId = readPoint === undefined ? undefined : ownString(readPoint, "id");
    const bizLocationId = bizLocation === undefined ? undefined : ownString(bizLocation, "id");
    if (readPointId !== undefined) locations.push(locationRef("readPoint", readPointId));
    if (bizLocationId !== undefined) locations.push(locationRef("bizLocation", bizLocationId));

    let office: { readonly id: string | undefined } | undefined;
    for (const { device, subject } of devices) {
      if (device.class === "passive") {
        office ??= { id: this.office(locations) };
        this.passiveRead(device.deviceId, subject, atMs, locations, office.id, readStatusOf(evidence));
        continue;
      }
      const fixPosition = sensors.fix;
      const geo = locations.find((location) => location.geo !== undefined)?.geo;
      const source = fixPosition ?? geo;
      const position: ReadingPosition | undefined =
        source === undefined
          ? undefined
          : {
              lon: source.lon,
              lat: source.lat,
              // EPCIS carries no course; speed only when a Speed report says it.
              speedKmh: fixPosition?.speedKmh ?? 0,
              courseDeg: 0,
              valid: true,
              ...(source.altitudeM === undefined ? {} : { altitudeM: source.altitudeM }),
            };
      this.reading(device.deviceId, subject, atMs, position, evidence, { bizStep, disposition, readPointId });
    }
  }

  /** The devices the event names, each once, with a notice for every identifier that names none. */
  private devices(sensorDeviceIds: readonly string[]): { device: DeviceRef; subject: string }[] {
    const subjects: Subject[] = [];
    for (const epc of ownStrings(this.event, "epcList"))
      subjects.push({ raw: epc, kind: "epc", check: checkEpc(epc) });
    const keys = sealIdKeys([this.documentContext, own(this.event, "@context")]);
    for (const key of keys) {
      const value = own(this.event, key);
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        subjects.push({
          raw: typeof item === "string" ? item : JSON.stringify(item),
          kind: "sealId",
          check: checkSealNumber(item),
        });
      }
    }
    if (own(this.event, SEAL_ID_PROPERTY) !== undefined && !keys.includes(SEAL_ID_PROPERTY)) {
      this.note(
        "unbound_extension",
        `${SEAL_ID_PROPERTY} is ignored: @context does not bind the prefix to ${SEALWATCH_NAMESPACE}`,
      );
    }
    for (const id of sensorDeviceIds) subjects.push({ raw: id, kind: "epc", check: checkEpc(id) });

    if (subjects.length === 0) {
      this.note("no_identifiers", "names no EPC (epcList), seal number (sw:sealId) or sensor deviceID");
      return [];
    }
    const found = new Map<string, { device: DeviceRef; subject: string }>();
    const seen = new Set<string>();
    for (const { raw, kind, check } of subjects) {
      if (!check.ok) {
        this.note(check.reason, check.detail, raw);
        continue;
      }
      const key = `${kind}\u0000${check.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const device = this.context.lookupDevice(check.id, kind);
      if (device === undefined) {
        this.note(
          "unknown_epc",
          `no device is registered for ${kind === "sealId" ? "seal number" : "EPC"} ${check.id}`,
          check.id,
        );
        continue;
      }
      if (!found.has(device.deviceId)) found.set(device.deviceId, { device, subject: check.id });
    }
    return [...found.values()];
  }

  private office(locations: readonly LocationRef[]): string | undefined {
    for (const location of locations) {
      const office = this.context.resolveOffice(location);
      if (office !== undefined) return office;
    }
    return undefined;
  }

  private passiveRead(
    device: string,
    subject: string,
    atMs: number,
    locations: readonly LocationRef[],
    office: string | undefined,
    status: ReadStatus | undefined,
  ): void {
    if (locations.length === 0) {
      this.note(
        "no_location",
        "has neither readPoint nor bizLocation, so the office of the read is unknown",
        subject,
      );
    } else if (office === undefined) {
      const ids = locations.map((location) => `${location.role} ${location.id}`).join(", ");
      this.note("unknown_location", `no office zone matches ${ids}`, subject);
    } else if (status === undefined) {
      this.note(
        "no_seal_status",
        "says nothing about the seal: send disposition container_closed or container_open, or an ALARM_CONDITION sensor report",
        subject,
      );
    } else {
      this.out.reads.push({
        type: "read",
        device,
        office,
        status,
        atMs,
        content: { type: "read", device, office, status },
      });
    }
  }

  private reading(
    deviceId: string,
    subject: string,
    atMs: number,
    position: ReadingPosition | undefined,
    evidence: SealEvidence,
    details: {
      bizStep: string | undefined;
      disposition: string | undefined;
      readPointId: string | undefined;
    },
  ): void {
    if (position === undefined && evidence.seal === undefined && !evidence.tamper) {
      this.note(
        "no_location",
        "has no position (a geo: readPoint or latitude/longitude sensor reports) and says nothing about the seal",
        subject,
      );
      return;
    }
    this.out.readings.push({
      deviceId,
      atMs,
      ...(position === undefined ? {} : { position }),
      ...(evidence.seal === undefined ? {} : { seal: evidence.seal }),
      ...(evidence.tamper ? { tamper: true } : {}),
      raw: this.raw(),
      vendor: {
        vendor: "epcis",
        ...(this.eventId === undefined ? {} : { eventId: this.eventId }),
        ...(details.bizStep === undefined ? {} : { bizStep: details.bizStep }),
        ...(details.disposition === undefined ? {} : { disposition: details.disposition }),
        ...(details.readPointId === undefined ? {} : { readPoint: details.readPointId }),
      },
    });
  }
}

/**
 * Maps the events of a document that passed `validateEpcisDocument`. Exceptions thrown by the
 * caller's lookup or resolver propagate; nothing in the document makes this throw.
 */
export function mapEpcisDocument(document: JsonRecord, context: MappingContext): MappedEvents {
  const out: MappedEvents = { reads: [], readings: [], notices: [] };
  const body = ownRecord(document, "epcisBody");
  const events = body === undefined ? undefined : own(body, "eventList");
  const documentContext = own(document, "@context");
  (Array.isArray(events) ? (events as unknown[]) : []).forEach((event, index) => {
    if (isRecord(event)) new EventMapper(event, index, documentContext, context, out).run();
  });
  return out;
}
