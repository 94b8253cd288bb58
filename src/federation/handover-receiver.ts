/**
 * The receiving side of a handover (docs/federation.md, section 5). A partner's signed request is
 * checked in this order, refusing at the first failure with its code: the signed request itself
 * (partner, pinned key, signature, audience, time window, nonce); the body's form; a handover seen
 * before (the same one is answered with the same receipt, another of the same trip is refused);
 * the office (ours); the dossier, verified against the partner's pinned keys exactly as an offline
 * verifier does; that the dossier is of this trip and hands it to us at this office; that the
 * devices and seals are the dossier's and, when we know those devices, ours.
 *
 * Then, mutual recognition: the continuing leg is declared here with the same devices and seals
 * (devices we do not know are registered from the dossier), and the seal the partner recorded is
 * accepted when the dossier shows it intact since arming: the leg arms itself on the first
 * closed-seal report at our office (handover-arming.ts), without a physical re-seal. When it is not
 * intact the handover is still accepted, as not recognised: our officers inspect and re-seal, then
 * arm by hand. Either way the partner gets a receipt signed with our key.
 */
import { createHash } from "node:crypto";
import { SealwatchError } from "../core/errors.js";
import type { DossierDocument } from "../dossier/format.js";
import { parseTrustSet } from "../dossier/trust.js";
import { verifyDossierText } from "../dossier/verify.js";
import type { HandoverRecord, PartnerRecord } from "../store/federation-ports.js";
import type { DeviceRecord, TripRecord, ZoneRecord } from "../store/ports.js";
import type { Federation } from "./federation.js";
import {
  HANDOVER_TYPE,
  checkHandoverBody,
  dossierDigest,
  signReceipt,
  type HandoverBody,
  type ReceiptPayload,
} from "./handover-message.js";
import { openRequest } from "./signed-request.js";

/** What the receiver needs of the engine host: trips and devices go through it. */
export interface HandoverHost {
  declareTrip(trip: TripRecord, actor: string): Promise<TripRecord>;
  registerDevice(device: DeviceRecord, actor: string): Promise<"created" | "updated">;
}

export interface ReceiverOptions {
  /** A partner's request may be this far from our clock. */
  readonly windowMs: number;
  /** Largest dossier accepted. */
  readonly maxDossierBytes: number;
  /** Told of every accepted handover (the arming watch). */
  readonly onAccepted?: (handover: HandoverRecord, trip: TripRecord) => void;
}

export interface ReceivedHandover {
  /** False when the same handover came again: the stored receipt is returned. */
  readonly created: boolean;
  readonly handover: HandoverRecord;
  readonly receipt: string;
}

export class HandoverReceiver {
  constructor(
    private readonly federation: Federation,
    private readonly host: HandoverHost,
    private readonly options: ReceiverOptions,
  ) {}

  /** Takes a partner's signed handover request; throws the refusal. */
  async receive(requestText: string): Promise<ReceivedHandover> {
    const federation = this.federation;
    const store = federation.store;
    const opened = await openRequest(requestText, {
      registry: federation.partners,
      store,
      selfId: federation.identity.id,
      nowMs: federation.nowMs(),
      windowMs: this.options.windowMs,
      expectedType: HANDOVER_TYPE,
    });
    const partner = opened.partner;
    try {
      return await this.accept(partner, checkHandoverBody(opened.payload.body, this.options.maxDossierBytes));
    } catch (error) {
      // The sender is known from here on: its refusals are on record, not only in the log.
      if (error instanceof SealwatchError)
        await store.audit.append({
          atMs: federation.nowMs(),
          actor: `partner:${partner.id}`,
          action: "federation.handover.refused",
          subjectType: "partner",
          subjectId: partner.id,
          details: { code: error.code, message: error.message },
        });
      throw error;
    }
  }

  private async accept(partner: PartnerRecord, body: HandoverBody): Promise<ReceivedHandover> {
    const federation = this.federation;
    const store = federation.store;
    const digest = dossierDigest(body.dossier);
    const repeated = await this.repeated(partner, body, digest);
    if (repeated !== undefined) return repeated;

    const selfId = federation.identity.id;
    const zones = await store.zones.list();
    const ours = await federation.offices();
    const officeZone = ownOfficeZone(zones, ours, body.office, "the handover office");

    const dossier = await this.verifiedDossier(partner, body);
    const handoverOffice = dossier.declaration.offices.handover;
    if (dossier.trip.id !== body.tripId)
      throw new SealwatchError(
        "DOSSIER_INVALID",
        `the dossier is of trip ${dossier.trip.id}, the handover of trip ${body.tripId}`,
      );
    if (dossier.trip.leg.ends !== "handover" || handoverOffice === undefined)
      throw new SealwatchError("DOSSIER_INVALID", "the dossier's leg does not end at a handover");
    if (handoverOffice.partner !== selfId || handoverOffice.office !== body.office)
      throw new SealwatchError(
        "OFFICE_NOT_PARTNERS",
        `the dossier hands the trip to ${handoverOffice.partner} at ${String(handoverOffice.office)}, not to ${selfId} at ${body.office}`,
      );
    const destinationOffice = dossier.declaration.offices.destination.office;
    const destinationZone = ownOfficeZone(zones, ours, destinationOffice, "the trip's destination office");
    await this.checkDevicesAndSeals(body, dossier);

    const now = federation.nowMs();
    const actor = `partner:${partner.id}`;
    for (const device of dossier.devices)
      if ((await store.devices.get(device.id)) === undefined)
        await this.host.registerDevice(
          {
            id: device.id,
            class: device.class as DeviceRecord["class"],
            vendor: device.vendor,
            model: device.model,
            protocol: device.protocol,
            identifiers: [...device.identifiers],
            lifecycle: "in_use",
            createdAtMs: now,
            updatedAtMs: now,
          },
          actor,
        );

    const recognition = dossier.seal.intact ? "recognised" : "not-recognised";
    const reason = dossier.seal.intact
      ? undefined
      : `the seal is not intact in ${partner.id}'s dossier: ${dossier.seal.reason ?? "broken"}; inspect and re-seal before arming`;
    const tripId = `ho-${createHash("sha256").update(`${partner.id}\n${body.handoverId}`).digest("hex").slice(0, 24)}`;
    const declared = dossier.declaration;
    const trip = await this.host.declareTrip(
      {
        id: tripId,
        ...(declared.mrn !== undefined || declared.lrn !== undefined
          ? { reference: (declared.mrn ?? declared.lrn)! }
          : {}),
        origin: officeZone.id,
        destination: destinationZone.id,
        route: declared.route.coordinates.map((p) => [p[0]!, p[1]!] as const),
        devices: dossier.devices.map((d) => d.id),
        deadlineMs: Date.parse(declared.timeLimit),
        ...(declared.corridorM === undefined ? {} : { rules: { corridorM: declared.corridorM } }),
        declaration: {
          ...(declared.mrn === undefined ? {} : { mrn: declared.mrn }),
          ...(declared.lrn === undefined ? {} : { lrn: declared.lrn }),
          containers: [...declared.containers],
          seals: [...declared.seals],
          ...(declared.conveyance === undefined ? {} : { conveyance: declared.conveyance }),
          ...(declared.goodsDescription === undefined ? {} : { goodsDescription: declared.goodsDescription }),
          declaredBy: actor,
          handoverFrom: {
            from: partner.id,
            partnerTripId: body.tripId,
            handoverId: body.handoverId,
            office: body.office,
            recognition,
          },
        },
        state: "declared",
        createdAtMs: now,
        updatedAtMs: now,
      },
      actor,
    );
    const payload: ReceiptPayload = {
      format: "sealwatch-handover-receipt/1",
      iss: selfId,
      aud: partner.id,
      handoverId: body.handoverId,
      tripId: body.tripId,
      legTripId: trip.id,
      office: body.office,
      dossierDigest: digest,
      recognition,
      ...(reason === undefined ? {} : { reason }),
      receivedAt: new Date(now).toISOString(),
    };
    const receipt = signReceipt(await federation.keys.signingKey(), payload);
    const handover: HandoverRecord = {
      id: body.handoverId,
      direction: "incoming",
      partnerId: partner.id,
      tripId: trip.id,
      partnerTripId: body.tripId,
      office: body.office,
      status: recognition,
      recognition,
      ...(reason === undefined ? {} : { reason }),
      dossierDigest: digest,
      dossier: body.dossier,
      receipt,
      actor,
      createdAtMs: now,
      updatedAtMs: now,
    };
    if (!(await store.federation.insertHandover(handover))) {
      const again = await this.repeated(partner, body, digest);
      if (again !== undefined) return again;
      throw new SealwatchError("HANDOVER_DUPLICATE", `trip ${body.tripId} was already handed over here`);
    }
    await store.audit.append({
      atMs: now,
      actor,
      action: "federation.handover.receive",
      subjectType: "trip",
      subjectId: trip.id,
      details: {
        partner: partner.id,
        handoverId: body.handoverId,
        partnerTripId: body.tripId,
        office: body.office,
        recognition,
        ...(reason === undefined ? {} : { reason }),
        dossierDigest: digest,
      },
    });
    this.options.onAccepted?.(handover, trip);
    return { created: true, handover, receipt };
  }

  /** The same handover again (a retry whose answer was lost): its receipt; another of the same trip: refused. */
  private async repeated(
    partner: PartnerRecord,
    body: HandoverBody,
    digest: string,
  ): Promise<ReceivedHandover | undefined> {
    const store = this.federation.store;
    const same = await store.federation.handover("incoming", partner.id, body.handoverId);
    if (same !== undefined) {
      if (same.dossierDigest === digest && same.partnerTripId === body.tripId && same.receipt !== undefined)
        return { created: false, handover: same, receipt: same.receipt };
      throw new SealwatchError(
        "HANDOVER_DUPLICATE",
        `handover ${body.handoverId} was received before with another trip or dossier`,
      );
    }
    const earlier = await store.federation.handovers({
      direction: "incoming",
      partnerId: partner.id,
      partnerTripId: body.tripId,
    });
    if (earlier.length > 0)
      throw new SealwatchError(
        "HANDOVER_DUPLICATE",
        `trip ${body.tripId} of ${partner.id} was already handed over here (handover ${earlier[0]!.id})`,
      );
    return undefined;
  }

  /** The dossier, verified against the partner's pinned keys as an offline verifier would. */
  private async verifiedDossier(partner: PartnerRecord, body: HandoverBody): Promise<DossierDocument> {
    const trust = parseTrustSet(await this.federation.partners.keySet(partner.id));
    const verdict = trust.ok ? verifyDossierText(body.dossier, (kid) => trust.trust.lookup(kid)) : undefined;
    if (verdict === undefined || (!verdict.ok && verdict.problems.some((p) => p.kind === "revoked-key")))
      throw new SealwatchError(
        "PARTNER_KEY_UNTRUSTED",
        `the dossier is signed with a key of ${partner.id} that is revoked here`,
      );
    if (!verdict.ok && verdict.problems.some((p) => p.kind === "unknown-key"))
      throw new SealwatchError(
        "PARTNER_KEY_UNTRUSTED",
        `the dossier is signed with a key not pinned for ${partner.id}: ${verdict.problems.map((p) => p.message).join("; ")}`,
      );
    if (!verdict.ok || verdict.dossier === undefined)
      throw new SealwatchError(
        "DOSSIER_INVALID",
        `the dossier does not verify: ${verdict.problems.map((p) => `${p.kind}: ${p.message}`).join("; ")}`,
      );
    if (verdict.dossier.issuer.id !== partner.id)
      throw new SealwatchError(
        "DOSSIER_INVALID",
        `the dossier was issued by ${verdict.dossier.issuer.id}, not by ${partner.id}`,
      );
    return verdict.dossier;
  }

  private async checkDevicesAndSeals(body: HandoverBody, dossier: DossierDocument): Promise<void> {
    const same = (a: readonly string[], b: readonly string[]): boolean =>
      a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
    if (!same(body.seals, dossier.declaration.seals))
      throw new SealwatchError(
        "SEAL_MISMATCH",
        `the handover names seals ${body.seals.join(", ") || "(none)"}, the dossier ${dossier.declaration.seals.join(", ") || "(none)"}`,
      );
    if (
      !same(
        body.devices,
        dossier.devices.map((d) => d.id),
      )
    )
      throw new SealwatchError(
        "SEAL_MISMATCH",
        `the handover names devices ${body.devices.join(", ")}, the dossier ${dossier.devices.map((d) => d.id).join(", ")}`,
      );
    const store = this.federation.store;
    for (const device of dossier.devices) {
      const known = await store.devices.get(device.id);
      if (
        known !== undefined &&
        (known.class !== device.class || !same(known.identifiers, device.identifiers))
      )
        throw new SealwatchError(
          "SEAL_MISMATCH",
          `device ${device.id} is registered here as a ${known.class} device with identifiers ${known.identifiers.join(", ")}, not as the dossier states`,
        );
      for (const identifier of device.identifiers) {
        const owner = await store.devices.byIdentifier(identifier);
        if (owner !== undefined && owner.id !== device.id)
          throw new SealwatchError(
            "SEAL_MISMATCH",
            `identifier ${identifier} of device ${device.id} belongs to device ${owner.id} here`,
          );
      }
    }
  }
}

/** Our office zone with `office` as its code, or the refusal. */
function ownOfficeZone(
  zones: readonly ZoneRecord[],
  ours: readonly string[],
  office: string | undefined,
  what: string,
): ZoneRecord {
  const zone =
    office === undefined || !ours.includes(office)
      ? undefined
      : zones.find((z) => z.kind === "office" && z.officeCode === office);
  if (zone === undefined)
    throw new SealwatchError(
      "OFFICE_NOT_PARTNERS",
      `${what} ${office ?? "(none)"} is not one of this administration's offices (${ours.join(", ") || "none"})`,
    );
  return zone;
}
