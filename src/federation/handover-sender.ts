/**
 * The sending side of a handover (docs/federation.md, section 5). When an armed trip reaches the
 * border office where a partner takes over (or an officer says so), the dossier of the leg so far is
 * issued with the partner's agreement scope, and the handover goes out through the outbox (kind
 * `partner.handover`, one at a time per trip, retried with backoff until the partner answers). The
 * partner's signed receipt is stored with the handover, and our leg ends there: the trip is closed
 * with the handover as the reason. A partner's refusal is stored too, and the trip goes on being
 * monitored here until an officer hands it over again.
 */
import { randomUUID } from "node:crypto";
import { SealwatchError } from "../core/errors.js";
import { envelopeText } from "../dossier/build.js";
import type { HandoverRecord, PartnerRecord } from "../store/federation-ports.js";
import type { TripRecord } from "../store/ports.js";
import { issueDossier, officeRef } from "./dossiers.js";
import type { Federation } from "./federation.js";
import { dossierDigest, type HandoverBody, type ReceiptPayload } from "./handover-message.js";

export const HANDOVER_KIND = "partner.handover";
export const HANDOVER_ACTOR = "federation:handover";

/** What an outbox message of kind `partner.handover` carries. */
export interface HandoverMessage {
  readonly handoverId: string;
  readonly body: HandoverBody;
}

/** The engine host's command, as the sender uses it (closing our leg after the receipt). */
export interface SenderHost {
  command(request: {
    tripId: string;
    command: "disarm";
    actor: string;
    force: boolean;
    reason: string;
  }): Promise<{ accepted: boolean; refusal?: string }>;
}

/** What a trip's declaration says about its handover (set when it is declared). */
export interface DeclaredHandover {
  readonly office: string;
  readonly partner: string;
}

const HANDED_OVER_STATES: ReadonlySet<TripRecord["state"]> = new Set(["armed", "in_transit", "arrived"]);

export class HandoverSender {
  constructor(
    private readonly federation: Federation,
    private readonly host: SenderHost,
    private readonly nudge: () => void = () => undefined,
  ) {}

  /** The active partner that owns `office`, or the refusal. */
  async partnerFor(office: string): Promise<PartnerRecord> {
    const partners = await this.federation.partners.list();
    const partner = partners.find((p) => p.status === "active" && p.offices.includes(office));
    if (partner === undefined)
      throw new SealwatchError(
        "OFFICE_NOT_PARTNERS",
        `office ${office} is not an office of an active partner administration (${
          partners
            .filter((p) => p.status === "active")
            .map((p) => `${p.id}: ${p.offices.join(", ")}`)
            .join("; ") || "none registered"
        })`,
      );
    return partner;
  }

  /**
   * Hands `tripId` over at `office` (default: the one its declaration names): issues the dossier of
   * the leg and puts the handover in the outbox. Refused when the trip is not being monitored, is
   * already handed over (or on its way), or the office is not an active partner's.
   */
  async start(tripId: string, actor: string, office?: string): Promise<HandoverRecord> {
    const store = this.federation.store;
    const trip = await store.trips.get(tripId);
    if (trip === undefined) throw new SealwatchError("NOT_FOUND", `no trip "${tripId}"`);
    const at = office ?? declaredHandover(trip)?.office;
    if (at === undefined)
      throw new SealwatchError(
        "VALIDATION_FAILED",
        `trip ${trip.id}'s declaration names no handover office: give body.office`,
      );
    if (!HANDED_OVER_STATES.has(trip.state))
      throw new SealwatchError(
        "COMMAND_REFUSED",
        `trip ${trip.id} is ${trip.state}: only a trip under monitoring (armed, in transit, arrived) is handed over`,
      );
    const partner = await this.partnerFor(at);
    const [earlier] = await store.federation.handovers({ direction: "outgoing", tripId: trip.id });
    if (earlier !== undefined && earlier.status !== "refused")
      throw new SealwatchError(
        "HANDOVER_DUPLICATE",
        `trip ${trip.id} was already handed over to ${earlier.partnerId} (handover ${earlier.id}, ${earlier.status})`,
      );

    const now = this.federation.nowMs();
    const zone = (await store.zones.list()).find((z) => z.kind === "office" && z.officeCode === at);
    const envelope = await issueDossier(this.federation, trip.id, {
      actor,
      legEndMs: now,
      scope: partner.scope.outgoing,
      handover: {
        ...(zone === undefined ? { zone: at, office: at } : await officeRef(store, zone.id)),
        partner: partner.id,
      },
    });
    const dossier = envelopeText(envelope);
    // A handover refused before is sent again under its id: the partner stored nothing of it.
    const handoverId = earlier?.id ?? randomUUID();
    const body: HandoverBody = {
      handoverId,
      tripId: trip.id,
      office: at,
      devices: envelope.dossier.devices.map((d) => d.id),
      seals: [...envelope.dossier.declaration.seals],
      dossier,
    };
    const record: HandoverRecord = {
      id: handoverId,
      direction: "outgoing",
      partnerId: partner.id,
      tripId: trip.id,
      office: at,
      status: "sending",
      dossierDigest: dossierDigest(dossier),
      actor,
      createdAtMs: earlier?.createdAtMs ?? now,
      updatedAtMs: now,
    };
    if (earlier === undefined) {
      if (!(await store.federation.insertHandover(record)))
        throw new SealwatchError("HANDOVER_DUPLICATE", `trip ${trip.id} is being handed over already`);
    } else await store.federation.updateHandover(record);
    const message: HandoverMessage = { handoverId, body };
    const { messages } = await store.outbox.enqueue(
      [
        {
          kind: HANDOVER_KIND,
          destination: partner.id,
          orderingKey: trip.id,
          payload: message,
          ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
          createdAtMs: now,
        },
      ],
      {
        audit: [
          {
            atMs: now,
            actor,
            action: "federation.handover.send",
            subjectType: "trip",
            subjectId: trip.id,
            details: { partner: partner.id, handoverId, office: at, dossierDigest: record.dossierDigest },
          },
        ],
      },
    );
    const queued = { ...record, outboxId: messages[0]!.id };
    await store.federation.updateHandover(queued);
    this.nudge();
    return queued;
  }

  /**
   * The partner's verified receipt: our leg is closed with the handover as the reason, then the
   * receipt stored (whoever sees it receipted sees the leg closed). A receipt that comes again (a
   * retry whose answer was lost) finds the trip closed already: that refusal is only noted.
   */
  async receipted(handover: HandoverRecord, receipt: string, payload: ReceiptPayload): Promise<void> {
    const store = this.federation.store;
    const closed = await this.host.command({
      tripId: handover.tripId,
      command: "disarm",
      actor: HANDOVER_ACTOR,
      force: true,
      reason: `handed over to ${handover.partnerId} at ${handover.office} (${payload.recognition}; their trip ${payload.legTripId})`,
    });
    const now = this.federation.nowMs();
    if (!closed.accepted)
      await store.audit.append({
        atMs: now,
        actor: HANDOVER_ACTOR,
        action: "federation.handover.close-refused",
        subjectType: "trip",
        subjectId: handover.tripId,
        details: { refusal: closed.refusal ?? "refused" },
      });
    await store.federation.updateHandover({
      ...handover,
      status: "receipted",
      recognition: payload.recognition,
      ...(payload.reason === undefined ? {} : { reason: payload.reason }),
      partnerTripId: payload.legTripId,
      receipt,
      updatedAtMs: now,
    });
    await store.audit.append({
      atMs: now,
      actor: `partner:${handover.partnerId}`,
      action: "federation.handover.receipt",
      subjectType: "trip",
      subjectId: handover.tripId,
      details: {
        partner: handover.partnerId,
        handoverId: handover.id,
        legTripId: payload.legTripId,
        recognition: payload.recognition,
        ...(payload.reason === undefined ? {} : { reason: payload.reason }),
      },
    });
  }

  /** The partner refused the handover for good: stored with its code; our monitoring goes on. */
  async refused(handover: HandoverRecord, code: string, message: string): Promise<void> {
    const store = this.federation.store;
    const now = this.federation.nowMs();
    await store.federation.updateHandover({
      ...handover,
      status: "refused",
      refusalCode: code,
      reason: message,
      updatedAtMs: now,
    });
    await store.audit.append({
      atMs: now,
      actor: `partner:${handover.partnerId}`,
      action: "federation.handover.refused-by-partner",
      subjectType: "trip",
      subjectId: handover.tripId,
      details: { partner: handover.partnerId, handoverId: handover.id, code, message },
    });
  }
}

/** The handover a trip's declaration names, if any. */
export function declaredHandover(trip: Pick<TripRecord, "declaration">): DeclaredHandover | undefined {
  const handover = (trip.declaration as { handover?: Partial<DeclaredHandover> } | undefined)?.handover;
  return typeof handover?.office === "string" && typeof handover.partner === "string"
    ? { office: handover.office, partner: handover.partner }
    : undefined;
}
