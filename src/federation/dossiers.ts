/**
 * Issues a trip's dossier: reads the leg's records from the store, builds the body (pure, in
 * src/dossier), anchors the records' Merkle root in this instance's audit chain (`dossier.issue`),
 * signs the audit head at that record and the document with the active key.
 */
import { SealwatchError } from "../core/errors.js";
import { anchorDetails, buildDossierBody, recordsRoot, sealDossier } from "../dossier/build.js";
import {
  ANCHOR_ACTION,
  PROOF_ALGORITHM,
  type DossierBody,
  type DossierEnvelope,
  type OfficeRef,
} from "../dossier/format.js";
import { FULL_SCOPE, type DataScope } from "../dossier/scope.js";
import { signHead } from "../store/audit-signing.js";
import type { AlarmActionRecord, ReadingRecord, Store } from "../store/ports.js";
import type { Federation } from "./federation.js";

export interface IssueOptions {
  /** What to include (default: everything, the track at every fix). */
  readonly scope?: DataScope;
  /** The end of the leg (a handover); default the trip's closing, else now. */
  readonly legEndMs?: number;
  readonly handover?: OfficeRef & { readonly partner: string };
  /** Who asked (the audit record's actor). */
  readonly actor: string;
}

/** Everything of the trip but the track, at every fix: an export for own use or a court. */
export const EXPORT_SCOPE: DataScope = { ...FULL_SCOPE, trackResolutionS: 0 };

export async function issueDossier(
  federation: Federation,
  tripId: string,
  options: IssueOptions,
): Promise<DossierEnvelope> {
  const store = federation.store;
  const trip = await store.trips.get(tripId);
  if (trip === undefined) throw new SealwatchError("NOT_FOUND", `no trip "${tripId}"`);
  const now = federation.nowMs();
  const fromMs = trip.armedAtMs ?? trip.createdAtMs;
  const ends: DossierBody["trip"]["leg"]["ends"] =
    options.legEndMs !== undefined ? "handover" : trip.closedAtMs !== undefined ? "closed" : "ongoing";
  const toMs = (options.legEndMs ?? trip.closedAtMs ?? Math.max(now, fromMs)) + 1;
  const devices = [];
  for (const id of trip.devices) {
    const device = await store.devices.get(id);
    if (device !== undefined) devices.push(device);
  }
  const readings: ReadingRecord[] = [];
  const sealBefore: ReadingRecord[] = [];
  if (trip.armedAtMs !== undefined)
    for (const id of trip.devices) {
      readings.push(...(await store.readings.forDevice(id, fromMs, toMs)));
      const before = await store.readings.latestBefore(id, fromMs, "seal");
      if (before !== undefined) sealBefore.push(before);
    }
  readings.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  const alarms = await store.alarms.forTrip(trip.id);
  const actions = new Map<string, AlarmActionRecord[]>();
  for (const alarm of alarms) actions.set(alarm.id, await store.alarms.actions(alarm.id));
  const body = buildDossierBody({
    issuer: {
      id: federation.identity.id,
      name: federation.identity.name,
      ...(federation.identity.country === undefined ? {} : { country: federation.identity.country }),
    },
    issuedAtMs: now,
    trip,
    offices: {
      departure: await officeRef(store, trip.origin),
      destination: await officeRef(store, trip.destination),
      ...(options.handover === undefined ? {} : { handover: options.handover }),
    },
    devices,
    readings,
    sealBefore,
    commands: await store.commands.forTrip(trip.id),
    alarms,
    actions,
    scope: options.scope ?? EXPORT_SCOPE,
    leg: { fromMs, toMs, ends },
  });
  const { leaves, root } = recordsRoot(body);
  const anchor = await store.audit.append({
    atMs: now,
    actor: options.actor,
    action: ANCHOR_ACTION,
    subjectType: "trip",
    subjectId: trip.id,
    details: anchorDetails(body, root),
  });
  const signer = await federation.keys.signingKey();
  const head = signHead(
    { storeLocation: federation.identity.id, seq: anchor.seq, hash: anchor.hash, atMs: now },
    { privateKey: signer.privateKey, kid: signer.kid },
  );
  return sealDossier(body, { algorithm: PROOF_ALGORITHM, leaves, root, anchor, head }, signer);
}

/** A zone as the dossier names an office: its id, office code and name. */
export async function officeRef(store: Pick<Store, "zones">, zoneId: string): Promise<OfficeRef> {
  const zone = await store.zones.get(zoneId);
  return {
    zone: zoneId,
    ...(zone?.officeCode === undefined ? {} : { office: zone.officeCode }),
    ...(zone?.name === undefined ? {} : { name: zone.name }),
  };
}
