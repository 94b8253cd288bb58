/**
 * The store's federation part: this instance's signing keys, the partner administrations it
 * trusts, the nonces of partners' signed requests (replay protection), and trip handovers in both
 * directions. Part of the Store port
 * (`store.federation`), with the same two implementations and contract suite.
 */
import type { AgreementScope } from "../dossier/scope.js";

export type InstanceKeyStatus = "active" | "retired" | "revoked";

/** One of this instance's Ed25519 signing keys; the private key only ever sealed with the master key. */
export interface InstanceKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** The public key, base64url (the JWK's `x`). */
  readonly x: string;
  /** The PKCS#8 private key sealed with the master key (AES-256-GCM, bound to the kid). */
  readonly sealedPrivateKey: Uint8Array;
  /** One key is active (it signs); retired keys still verify; revoked keys verify nothing. */
  readonly status: InstanceKeyStatus;
  readonly createdAtMs: number;
  readonly retiredAtMs?: number;
  readonly revokedAtMs?: number;
  readonly revocationReason?: string;
  /** A compact JWS by the key this one replaced, endorsing it (absent for the first key). */
  readonly rotation?: string;
}

export type PartnerKeyStatus = "active" | "retired" | "revoked";

/** A partner's public key as pinned here. */
export interface PartnerKey {
  readonly kid: string;
  readonly x: string;
  readonly status: PartnerKeyStatus;
  readonly addedAtMs: number;
  readonly retiredAtMs?: number;
  readonly revokedAtMs?: number;
  /** The pinned key that endorsed this one (a rotation); absent for keys pinned by a person. */
  readonly endorsedBy?: string;
  /** Who pinned it: a user, or "partner:<id>" for an endorsed rotation. */
  readonly addedBy: string;
}

export interface PartnerRecord {
  /** The partner administration's id, as it names itself in what it signs (e.g. "UG-URA"). */
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** Where its Sealwatch API is (https://…, without /api/v1). */
  readonly baseUrl: string;
  /** Customs office reference numbers of the offices that are the partner's. */
  readonly offices: readonly string[];
  readonly scope: AgreementScope;
  readonly keys: readonly PartnerKey[];
  readonly status: "active" | "revoked";
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly revokedAtMs?: number;
  readonly revocationReason?: string;
}

export type HandoverDirection = "incoming" | "outgoing";

/**
 * Where a handover stands. Outgoing: `sending` (in the outbox), `receipted` (the partner's signed
 * receipt is stored), `refused` (the partner refused it, for good). Incoming: `recognised` (the
 * seal was intact: our leg arms on its first closed-seal report at our office) or `not-recognised`
 * (accepted, but our officers must inspect and re-seal before arming).
 */
export type HandoverStatus = "sending" | "receipted" | "refused" | "recognised" | "not-recognised";

/** A trip handed over to a partner (outgoing) or from one (incoming). */
export interface HandoverRecord {
  /** The handover id the sender chose (a UUID); unique per direction and partner. */
  readonly id: string;
  readonly direction: HandoverDirection;
  readonly partnerId: string;
  /** Our trip: the leg handed over (outgoing) or the continuing leg we opened (incoming). */
  readonly tripId: string;
  /** The partner's trip: the one handed to us (incoming), or theirs from the receipt (outgoing). */
  readonly partnerTripId?: string;
  /** The customs office reference number where monitoring passes. */
  readonly office: string;
  readonly status: HandoverStatus;
  /** What the receiving side decided about the seal (incoming: ours; outgoing: from the receipt). */
  readonly recognition?: "recognised" | "not-recognised";
  /** Why the seal was not recognised, or why the partner refused the handover. */
  readonly reason?: string;
  /** The partner's refusal code (outgoing, refused). */
  readonly refusalCode?: string;
  /** SHA-256 (hex) of the dossier file sent or received. */
  readonly dossierDigest: string;
  /** The dossier file as received (incoming): the partner's signed record of its leg. */
  readonly dossier?: string;
  /** The receipt: a compact JWS by the receiving administration. */
  readonly receipt?: string;
  /** The outbox message carrying it (outgoing). */
  readonly outboxId?: number;
  /** Incoming: when our leg was armed on the first closed-seal report at our office. */
  readonly armedAtMs?: number;
  /** Who started it (outgoing: a user or the engine's arrival; incoming: "partner:<id>"). */
  readonly actor: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface HandoverFilter {
  readonly direction?: HandoverDirection;
  readonly tripId?: string;
  readonly partnerId?: string;
  readonly partnerTripId?: string;
  readonly status?: readonly HandoverStatus[];
  readonly limit?: number;
}

export interface FederationStore {
  /** Writes keys in one transaction, in order (a rotation retires one and activates another). */
  putInstanceKeys(keys: readonly InstanceKeyRecord[]): Promise<void>;
  /** Every key of this instance, oldest first. */
  instanceKeys(): Promise<InstanceKeyRecord[]>;
  putPartner(partner: PartnerRecord): Promise<void>;
  partner(id: string): Promise<PartnerRecord | undefined>;
  /** Every partner, by id. */
  partners(): Promise<PartnerRecord[]>;
  /**
   * Records that `partnerId` used `nonce`, remembered until `expiresAtMs`; false when it was used
   * before and is still remembered (a replay). Nonces expired at `nowMs` are forgotten.
   */
  useNonce(partnerId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  /**
   * Stores a new handover; false (and nothing stored) when one with the same direction, partner and
   * id exists, or an incoming one of the same partner trip, or an outgoing one of the same trip.
   */
  insertHandover(handover: HandoverRecord): Promise<boolean>;
  /** Replaces a stored handover (same direction, partner and id). */
  updateHandover(handover: HandoverRecord): Promise<void>;
  handover(direction: HandoverDirection, partnerId: string, id: string): Promise<HandoverRecord | undefined>;
  /** Handovers matching `filter`, oldest first. */
  handovers(filter?: HandoverFilter): Promise<HandoverRecord[]>;
}
