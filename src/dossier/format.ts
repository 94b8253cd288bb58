/**
 * The trip dossier, format `sealwatch-dossier/1`: one self-contained JSON document, serialised in
 * RFC 8785 canonical form and signed with a detached JWS (EdDSA), that proves a leg of a trip to
 * someone who trusts nothing but the issuing administration's public key: a partner administration,
 * an auditor, a court. docs/federation.md specifies it field by field.
 *
 * This module is pure: it turns records the caller has read (trip, devices, readings, commands,
 * alarms) into the dossier's records, and decides the seal verdict from them. The same verdict
 * function runs when verifying, so a dossier that presents a broken seal history as intact is
 * caught by anyone.
 */
import { createHash } from "node:crypto";
import type { DeviceRecord, ReadingRecord } from "../store/ports.js";
import type { SignedHead } from "../store/audit-signing.js";
import type { AuditRecord } from "../store/ports.js";

export const DOSSIER_FORMAT = "sealwatch-dossier/1";
export const DOSSIER_TYP = "sealwatch-dossier+jws";
export const PROOF_ALGORITHM = "rfc6962-sha256";
export const READINGS_DIGEST_ALGORITHM = "sha256-dedup-keys";
/** The audit action that anchors a dossier's Merkle root in the issuing instance's chain. */
export const ANCHOR_ACTION = "dossier.issue";

/** A seal or lock state as the dossier names it. */
export type SealState = "closed" | "open" | "tampered" | "intact" | "broken";
const BREAKS: ReadonlySet<SealState> = new Set(["open", "tampered", "broken"]);

export interface Evidence {
  readonly protocol: string;
  readonly receivedAt: string;
  /** The reading's deduplication key (SHA-256 over its content): ties it to the readings' digest. */
  readonly dedupKey: string;
  /** The frame or message exactly as received, hex. */
  readonly raw: string;
}

export interface SealRecord {
  readonly kind: "seal";
  readonly at: string;
  readonly deviceId: string;
  readonly state: SealState;
  /** The state this record changes from (null for the device's first record). */
  readonly previous: SealState | null;
  /** "message" for a device's own report, "read" for a passive read at an office. */
  readonly source: "message" | "read";
  readonly office?: string;
  readonly evidence: Evidence;
}

export interface CommandRecordOut {
  readonly kind: "command";
  readonly at: string;
  readonly command: "arm" | "disarm" | "cancel";
  readonly actor: string;
  readonly force?: boolean;
  readonly reason?: string;
}

export interface AlarmHandling {
  readonly workflow: string;
  readonly outcome?: string;
  readonly assignee?: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt?: string;
  readonly actions: readonly { action: string; actor: string; at: string; details?: unknown }[];
}

export interface AlarmRecordOut {
  readonly kind: "alarm";
  readonly at: string;
  readonly id: string;
  readonly type: string;
  readonly severity: string;
  readonly deviceId: string | null;
  readonly zone?: string;
  readonly clearedAt?: string;
  readonly raisedAt: string;
  readonly retracted: boolean;
  /** Present when the agreement shares alarm resolution (always in an export for own use). */
  readonly handling?: AlarmHandling;
}

export interface TrackRecord {
  readonly kind: "track";
  readonly at: string;
  readonly deviceId: string;
  /** [lon, lat] */
  readonly position: readonly [number, number];
  readonly speedKmh?: number;
}

export type DossierRecord = SealRecord | CommandRecordOut | AlarmRecordOut | TrackRecord;

export interface OfficeRef {
  readonly zone: string;
  readonly office?: string;
  readonly name?: string;
}

export interface DossierDeclaration {
  readonly mrn?: string;
  readonly lrn?: string;
  readonly containers: readonly string[];
  readonly seals: readonly string[];
  readonly goodsDescription?: string;
  readonly carrierId?: string;
  readonly conveyance?: unknown;
  readonly route: { readonly type: "LineString"; readonly coordinates: readonly (readonly number[])[] };
  readonly corridorM?: number;
  readonly checkpoints: readonly string[];
  readonly offices: {
    readonly departure: OfficeRef;
    readonly destination: OfficeRef;
    readonly handover?: OfficeRef & { readonly partner: string };
  };
  readonly timeLimit: string;
}

export interface SealVerdict {
  /** Every seal of the leg reported closed (or read intact) at arming, and no break since. */
  readonly intact: boolean;
  readonly armedAt?: string;
  /** Why not, naming the record. */
  readonly reason?: string;
}

/** Everything of the dossier but its proof. */
export interface DossierBody {
  readonly format: typeof DOSSIER_FORMAT;
  readonly issuer: { readonly id: string; readonly name: string; readonly country?: string };
  readonly issuedAt: string;
  readonly trip: {
    readonly id: string;
    readonly state: string;
    readonly armedAt?: string;
    readonly closedAt?: string;
    /** The part of the trip this dossier covers. */
    readonly leg: {
      readonly from: string;
      readonly to: string;
      readonly ends: "closed" | "handover" | "ongoing";
    };
  };
  readonly declaration: DossierDeclaration;
  readonly devices: readonly {
    readonly id: string;
    readonly class: string;
    readonly vendor: string;
    readonly model: string;
    readonly protocol: string;
    readonly identifiers: readonly string[];
  }[];
  readonly seal: SealVerdict;
  readonly track: {
    readonly mode: "full" | "thinned";
    readonly resolutionS: number;
    readonly fixes: number;
    readonly points: number;
  };
  readonly readings: {
    readonly algorithm: typeof READINGS_DIGEST_ALGORITHM;
    readonly count: number;
    readonly digest: string;
    readonly from?: string;
    readonly to?: string;
  };
  readonly records: readonly DossierRecord[];
}

export interface DossierProof {
  readonly algorithm: typeof PROOF_ALGORITHM;
  /** Leaf hash of each record, in order. */
  readonly leaves: readonly string[];
  readonly root: string;
  /** The issuing instance's audit record that holds the root (details: { tripId, root, records }). */
  readonly anchor: AuditRecord;
  /** The audit chain's head at the anchor, signed with the issuing instance's key. */
  readonly head: SignedHead;
}

export interface DossierDocument extends DossierBody {
  readonly proof: DossierProof;
}

/** What travels and is stored: the dossier and its detached JWS (payload: the dossier's RFC 8785 bytes). */
export interface DossierEnvelope {
  readonly dossier: DossierDocument;
  readonly signature: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function evidenceOf(r: ReadingRecord): Evidence {
  return {
    protocol: r.protocol,
    receivedAt: iso(r.receivedAtMs),
    dedupKey: r.dedupKey,
    raw: Buffer.from(r.raw).toString("hex"),
  };
}

/** The seal state a reading reports, if it reports one. */
export function sealStateOf(r: ReadingRecord): SealState | undefined {
  if (r.kind === "read") return r.readStatus;
  if (r.tamper === true) return "tampered";
  return r.seal;
}

/**
 * Seal records from each device's readings (sorted by time): every change of state of a device's own
 * reports, and every passive read. `before` holds each device's last seal-bearing reading before
 * the leg (the state at arming), which opens its history.
 */
export function sealRecords(
  readings: readonly ReadingRecord[],
  before: readonly ReadingRecord[],
): SealRecord[] {
  const out: SealRecord[] = [];
  const last = new Map<string, SealState>();
  for (const r of [...before, ...readings]) {
    const state = sealStateOf(r);
    if (state === undefined) continue;
    const previous = last.get(r.deviceId) ?? null;
    if (r.kind === "message" && previous === state) continue;
    last.set(r.deviceId, state);
    out.push({
      kind: "seal",
      at: iso(r.atMs),
      deviceId: r.deviceId,
      state,
      previous,
      source: r.kind,
      ...(r.office === undefined ? {} : { office: r.office }),
      evidence: evidenceOf(r),
    });
  }
  return out;
}

/**
 * The seal verdict of a leg from its records: every device's history continuous (each record
 * changes from the state the one before left), every device closed or read intact at arming, and
 * no opening, tamper or broken read since. Used to write the dossier and again to verify it.
 */
export function sealVerdict(
  records: readonly DossierRecord[],
  devices: readonly string[],
  armedAt: string | undefined,
): SealVerdict {
  if (armedAt === undefined) return { intact: false, reason: "the trip was never armed" };
  const armedMs = Date.parse(armedAt);
  const state = new Map<string, SealState | null>();
  let atArming = new Map<string, SealState | null>();
  let armingSeen = false;
  const verdict = (intact: boolean, reason?: string): SealVerdict => ({
    intact,
    armedAt,
    ...(reason === undefined ? {} : { reason }),
  });
  for (const [i, record] of records.entries()) {
    if (record.kind !== "seal") continue;
    const atMs = Date.parse(record.at);
    if (!armingSeen && atMs >= armedMs) {
      armingSeen = true;
      atArming = new Map(state);
    }
    const current = state.get(record.deviceId) ?? null;
    if (record.previous !== current)
      return verdict(
        false,
        `records[${i}]: seal history of ${record.deviceId} is not continuous (the record changes from ${String(record.previous)}, the last state was ${String(current)})`,
      );
    state.set(record.deviceId, record.state);
    if (atMs >= armedMs && BREAKS.has(record.state))
      return verdict(
        false,
        `records[${i}]: ${record.deviceId} reported ${record.state} at ${record.at}, after arming`,
      );
  }
  if (!armingSeen) atArming = new Map(state);
  for (const deviceId of devices) {
    const s = atArming.get(deviceId) ?? null;
    if (s === null) return verdict(false, `${deviceId} reported no seal state before arming`);
    if (BREAKS.has(s)) return verdict(false, `${deviceId} was ${s} at arming`);
  }
  return verdict(true);
}

/** Valid fixes thinned to at most one per `resolutionS` per device, keeping the `keep` times. */
export function trackRecords(
  readings: readonly ReadingRecord[],
  resolutionS: number,
  keep: ReadonlySet<number>,
): { records: TrackRecord[]; fixes: number } {
  const lastKept = new Map<string, number>();
  const records: TrackRecord[] = [];
  let fixes = 0;
  for (const r of readings) {
    if (r.kind !== "message" || r.lon === undefined || r.lat === undefined || r.valid === false) continue;
    fixes++;
    const previous = lastKept.get(r.deviceId);
    if (
      resolutionS > 0 &&
      previous !== undefined &&
      r.atMs - previous < resolutionS * 1000 &&
      !keep.has(r.atMs)
    )
      continue;
    lastKept.set(r.deviceId, r.atMs);
    records.push({
      kind: "track",
      at: iso(r.atMs),
      deviceId: r.deviceId,
      position: [r.lon, r.lat],
      ...(r.speedKmh === undefined ? {} : { speedKmh: r.speedKmh }),
    });
  }
  return { records, fixes };
}

/** The readings' digest: SHA-256 over their deduplication keys, one per line, in time order. */
export function readingsDigest(readings: readonly ReadingRecord[]): DossierBody["readings"] {
  const hash = createHash("sha256");
  for (const r of readings) hash.update(`${r.dedupKey}\n`);
  return {
    algorithm: READINGS_DIGEST_ALGORITHM,
    count: readings.length,
    digest: hash.digest("hex"),
    ...(readings.length === 0 ? {} : { from: iso(readings[0]!.atMs), to: iso(readings.at(-1)!.atMs) }),
  };
}

export function deviceOut(d: DeviceRecord): DossierBody["devices"][number] {
  return {
    id: d.id,
    class: d.class,
    vendor: d.vendor,
    model: d.model,
    protocol: d.protocol,
    identifiers: [...d.identifiers],
  };
}

const KIND_ORDER: Readonly<Record<DossierRecord["kind"], number>> = {
  command: 0,
  seal: 1,
  alarm: 2,
  track: 3,
};

/** One order for the records: time, then kind, then device. */
export function compareRecords(a: DossierRecord, b: DossierRecord): number {
  const device = (r: DossierRecord) => ("deviceId" in r && r.deviceId !== null ? r.deviceId : "");
  return (
    Date.parse(a.at) - Date.parse(b.at) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (device(a) < device(b) ? -1 : device(a) > device(b) ? 1 : 0)
  );
}
