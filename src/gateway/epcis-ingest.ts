/**
 * EPCIS 2.0 captures (passive RFID seal reads at checkpoints, and active devices' events) into the
 * sink. The EPCIS mapper asks its registry questions synchronously (which device is this EPC, which
 * office is this read point), and the registry lives in the store, so a capture is mapped twice:
 * once to collect the identifiers and locations the document names (validating it on the way), then,
 * once they are looked up, for real.
 *
 * A location is an office when it is an office zone's id or customs office code, a registered reader
 * (a device whose identifiers include the location and whose settings say `{ "office": zone }`), or
 * a `geo:` point inside an office zone.
 */
import { canonicalJson } from "../core/canonical-json.js";
import {
  captureEpcis,
  type CaptureRejection,
  type DeviceRef,
  type EpcisLimits,
  type EventNotice,
  type LocationRef,
} from "../protocols/epcis/index.js";
import { plausibilityProblems } from "../protocols/plausibility.js";
import type { GatewayCounters } from "./counters.js";
import type { DeviceDirectory } from "./device-directory.js";
import { incomingOf } from "./incoming.js";
import { readTimeProblem } from "./json/convert.js";
import type { GatewayLogger } from "./logger.js";
import type { OfficeDirectory } from "./offices.js";
import { submitTo, type IncomingReading, type ReadingSink, type SubmitResult } from "./sink.js";

export interface EpcisIngestDeps {
  readonly sink: ReadingSink;
  readonly directory: DeviceDirectory;
  readonly offices: OfficeDirectory;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly limits?: Partial<EpcisLimits>;
}

export type EpcisCaptureResult =
  | { readonly kind: "rejected"; readonly rejection: CaptureRejection }
  | {
      readonly kind: "accepted";
      readonly eventCount: number;
      /** Passive reads and active readings made durable (duplicates included). */
      readonly reads: number;
      readonly readings: number;
      readonly stored: number;
      readonly duplicates: number;
      /** Readings dropped as implausible (e.g. an event time in the future). */
      readonly implausible: number;
      readonly notices: readonly EventNotice[];
    };

export class EpcisIngest {
  constructor(private readonly deps: EpcisIngestDeps) {}

  /** Validates, maps and stores one capture; rejects (throws) only when the store fails. */
  async capture(body: Uint8Array, peer: string): Promise<EpcisCaptureResult> {
    const { directory, counters, logger, limits } = this.deps;
    const receivedAtMs = this.deps.nowMs();
    counters.received("epcis");
    const identifiers = new Set<string>();
    const locations = new Map<string, LocationRef>();
    const first = captureEpcis(
      body,
      {
        // Every identifier stands for a passive seal here, so that the mapper also asks about the
        // locations of its events (it asks only for devices it knows).
        lookupDevice: (id) => {
          identifiers.add(id);
          return { deviceId: id, class: "passive" };
        },
        resolveOffice: (location) => {
          locations.set(`${location.role}\u0000${location.id}`, location);
          return undefined;
        },
      },
      limits,
    );
    if (first.kind === "rejected") {
      counters.rejected("epcis", first.rejection.code === "too_large" ? "too_large" : "invalid");
      logger.warn(
        { transport: "epcis", peer, code: first.rejection.code, errors: first.rejection.errors },
        "EPCIS capture rejected",
      );
      return first;
    }
    const devices = new Map<string, DeviceRef>();
    for (const id of identifiers) {
      const resolution = await directory.resolve(id);
      if (resolution.kind === "accepted")
        devices.set(id, { deviceId: resolution.device.id, class: resolution.device.class });
    }
    const officeOf = new Map<string, string>();
    for (const [key, location] of locations) {
      const office = await this.officeOf(location);
      if (office !== undefined) officeOf.set(key, office);
    }
    const second = captureEpcis(
      body,
      {
        lookupDevice: (id) => devices.get(id),
        resolveOffice: (location) => officeOf.get(`${location.role}\u0000${location.id}`),
      },
      limits,
    );
    if (second.kind === "rejected") return second;
    const incoming: IncomingReading[] = [];
    let implausible = 0;
    for (const read of second.reads) {
      const problem = readTimeProblem(read.atMs, receivedAtMs);
      if (problem !== undefined) {
        implausible++;
        counters.rejected("epcis", "implausible");
        logger.warn(
          { transport: "epcis", peer, device: read.device, problem },
          "implausible EPCIS read dropped",
        );
        continue;
      }
      incoming.push({
        deviceId: read.device,
        kind: "read",
        atMs: read.atMs,
        receivedAtMs,
        office: read.office,
        readStatus: read.status,
        protocol: "epcis",
        raw: Buffer.from(canonicalJson(read.content), "utf8"),
      });
    }
    for (const reading of second.readings) {
      const problems = plausibilityProblems(reading, receivedAtMs);
      if (problems.length > 0) {
        implausible++;
        counters.rejected("epcis", "implausible");
        logger.warn(
          { transport: "epcis", peer, device: reading.deviceId, problems },
          "implausible EPCIS reading dropped",
        );
        continue;
      }
      incoming.push(incomingOf(reading, reading.deviceId, "epcis", receivedAtMs));
    }
    const submitted: Promise<SubmitResult>[] = incoming.map((r) => submitTo(this.deps.sink, r));
    let results: SubmitResult[];
    try {
      results = await Promise.all(submitted);
    } catch (error) {
      counters.rejected("epcis", "store_failed");
      logger.error(
        { transport: "epcis", peer, err: String(error) },
        "EPCIS capture not stored; not acknowledged",
      );
      throw error;
    }
    const duplicates = results.filter((r) => r.outcome === "duplicate").length;
    counters.acknowledged("epcis", results.length, duplicates);
    return {
      kind: "accepted",
      eventCount: second.eventCount,
      reads: incoming.filter((r) => r.kind === "read").length,
      readings: second.readings.length - implausible,
      stored: results.length - duplicates,
      duplicates,
      implausible,
      notices: second.notices,
    };
  }

  private async officeOf(location: LocationRef): Promise<string | undefined> {
    const { offices, directory } = this.deps;
    const direct = await offices.resolve(location.id);
    if (direct !== undefined) return direct;
    const reader = await directory.resolve(location.id);
    if (reader.kind === "accepted") {
      const office = (reader.device.settings as { office?: unknown } | undefined)?.office;
      if (typeof office === "string") return offices.resolve(office);
    }
    if (location.geo !== undefined) return offices.containing(location.geo.lon, location.geo.lat);
    return undefined;
  }
}
