/**
 * Builds a dossier's body from records read by the caller, within a data scope, and seals it: the
 * records' Merkle root (anchored by the caller in its audit chain), the proof, and the detached JWS
 * over the RFC 8785 bytes. Pure apart from the signature, which is deterministic (Ed25519).
 */
import type { KeyObject } from "node:crypto";
import { jcs } from "../core/canonical-json.js";
import type {
  AlarmActionRecord,
  AlarmRecord,
  CommandRecord,
  DeviceRecord,
  ReadingRecord,
  TripRecord,
} from "../store/ports.js";
import {
  DOSSIER_FORMAT,
  DOSSIER_TYP,
  compareRecords,
  deviceOut,
  readingsDigest,
  sealRecords,
  sealVerdict,
  trackRecords,
  type AlarmRecordOut,
  type DossierBody,
  type DossierDeclaration,
  type DossierDocument,
  type DossierEnvelope,
  type DossierProof,
  type DossierRecord,
  type OfficeRef,
} from "./format.js";
import { signDetached } from "./jose.js";
import { leafHash, merkleRoot } from "./merkle.js";
import type { DataScope } from "./scope.js";

export interface DossierInputs {
  readonly issuer: DossierBody["issuer"];
  readonly issuedAtMs: number;
  readonly trip: TripRecord;
  readonly offices: {
    departure: OfficeRef;
    destination: OfficeRef;
    handover?: OfficeRef & { partner: string };
  };
  readonly devices: readonly DeviceRecord[];
  /** Readings of the trip's devices within the leg, in time order. */
  readonly readings: readonly ReadingRecord[];
  /** Each device's last seal-bearing reading before arming. */
  readonly sealBefore: readonly ReadingRecord[];
  readonly commands: readonly CommandRecord[];
  readonly alarms: readonly AlarmRecord[];
  readonly actions: ReadonlyMap<string, readonly AlarmActionRecord[]>;
  /** What to include; sealEvents are always included. */
  readonly scope: DataScope;
  readonly leg: {
    readonly fromMs: number;
    readonly toMs: number;
    readonly ends: DossierBody["trip"]["leg"]["ends"];
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

interface StoredDeclaration {
  readonly mrn?: string;
  readonly lrn?: string;
  readonly containers?: readonly string[];
  readonly seals?: readonly string[];
  readonly goodsDescription?: string;
  readonly carrierId?: string;
  readonly conveyance?: unknown;
}

function declarationOf(inputs: DossierInputs): DossierDeclaration {
  const { trip, scope } = inputs;
  const d = (trip.declaration ?? {}) as StoredDeclaration;
  return {
    ...opt("mrn", d.mrn),
    ...opt("lrn", d.lrn),
    containers: [...(d.containers ?? [])],
    seals: [...(d.seals ?? [])],
    ...(scope.declaration
      ? {
          ...opt("goodsDescription", d.goodsDescription),
          ...opt("carrierId", d.carrierId),
          ...opt("conveyance", d.conveyance),
        }
      : {}),
    route: { type: "LineString", coordinates: trip.route.map(([lon, lat]) => [lon, lat]) },
    ...opt("corridorM", trip.rules?.corridorM),
    checkpoints: [...(trip.checkpoints ?? [])],
    offices: inputs.offices,
    timeLimit: iso(trip.deadlineMs),
  };
}

function alarmOut(
  alarm: AlarmRecord,
  actions: readonly AlarmActionRecord[] | undefined,
  resolution: boolean,
): AlarmRecordOut {
  return {
    kind: "alarm",
    at: iso(alarm.startedAtMs),
    id: alarm.id,
    type: alarm.type,
    severity: alarm.severity,
    deviceId: alarm.device,
    ...opt("zone", alarm.zone),
    ...(alarm.clearedAtMs === null ? {} : { clearedAt: iso(alarm.clearedAtMs) }),
    raisedAt: iso(alarm.raisedAtMs),
    retracted: alarm.retracted,
    ...(resolution
      ? {
          handling: {
            workflow: alarm.workflow,
            ...opt("outcome", alarm.outcome),
            ...opt("assignee", alarm.assignee),
            ...(alarm.acknowledgedAtMs === undefined ? {} : { acknowledgedAt: iso(alarm.acknowledgedAtMs) }),
            ...(alarm.resolvedAtMs === undefined ? {} : { resolvedAt: iso(alarm.resolvedAtMs) }),
            actions: (actions ?? []).map((a) => ({
              action: a.action,
              actor: a.actor,
              at: iso(a.atMs),
              ...(a.details === undefined ? {} : { details: a.details }),
            })),
          },
        }
      : {}),
  };
}

/** The dossier's body: every record of the leg within the scope, in one order, with the seal verdict. */
export function buildDossierBody(inputs: DossierInputs): DossierBody {
  const { trip, scope, leg } = inputs;
  const inLeg = (ms: number) => ms >= leg.fromMs && ms < leg.toMs;
  const seals = sealRecords(inputs.readings, inputs.sealBefore);
  const alarms = scope.alarms
    ? inputs.alarms
        .filter((a) => inLeg(a.startedAtMs))
        .map((a) => alarmOut(a, inputs.actions.get(a.id), scope.alarmResolution))
    : [];
  const keep = new Set<number>([
    ...seals.map((s) => Date.parse(s.at)),
    ...alarms.map((a) => Date.parse(a.at)),
  ]);
  const track = scope.track
    ? trackRecords(inputs.readings, scope.trackResolutionS, keep)
    : { records: [], fixes: 0 };
  const commands: DossierRecord[] = inputs.commands
    .filter((c) => c.outcome === "accepted" && inLeg(c.atMs))
    .map((c) => ({
      kind: "command",
      at: iso(c.atMs),
      command: c.command,
      actor: c.actor,
      ...opt("force", c.force),
      ...opt("reason", c.reason),
    }));
  const records = [...commands, ...seals, ...alarms, ...track.records].sort(compareRecords);
  const armedAt = trip.armedAtMs === undefined ? undefined : iso(trip.armedAtMs);
  return {
    format: DOSSIER_FORMAT,
    issuer: inputs.issuer,
    issuedAt: iso(inputs.issuedAtMs),
    trip: {
      id: trip.id,
      state: trip.state,
      ...opt("armedAt", armedAt),
      ...(trip.closedAtMs === undefined ? {} : { closedAt: iso(trip.closedAtMs) }),
      leg: { from: iso(leg.fromMs), to: iso(leg.toMs), ends: leg.ends },
    },
    declaration: declarationOf(inputs),
    devices: inputs.devices.map(deviceOut),
    seal: sealVerdict(records, trip.devices, armedAt),
    track: {
      mode: scope.trackResolutionS === 0 ? "full" : "thinned",
      resolutionS: scope.trackResolutionS,
      fixes: track.fixes,
      points: track.records.length,
    },
    readings: readingsDigest(inputs.readings),
    records,
  };
}

/** The leaf hashes and Merkle root of a body's records. */
export function recordsRoot(body: Pick<DossierBody, "records">): { leaves: string[]; root: string } {
  const leaves = body.records.map((r) => leafHash(jcs(r)));
  return { leaves, root: merkleRoot(leaves) };
}

/** The anchor's details: what the audit chain keeps of a dossier. */
export function anchorDetails(
  body: DossierBody,
  root: string,
): { tripId: string; root: string; records: number; issuedAt: string } {
  return { tripId: body.trip.id, root, records: body.records.length, issuedAt: body.issuedAt };
}

/** Adds the proof and signs: the detached JWS over the document's RFC 8785 bytes. */
export function sealDossier(
  body: DossierBody,
  proof: DossierProof,
  signer: { readonly kid: string; readonly privateKey: KeyObject },
): DossierEnvelope {
  const dossier: DossierDocument = { ...body, proof };
  const signature = signDetached(
    { alg: "EdDSA", kid: signer.kid, typ: DOSSIER_TYP, iss: body.issuer.id },
    jcs(dossier),
    signer.privateKey,
  );
  return { dossier, signature };
}

/** The file form of an envelope: its RFC 8785 text and a newline. */
export function envelopeText(envelope: DossierEnvelope): string {
  return `${jcs(envelope)}\n`;
}
