/**
 * The store's federation part: this instance's signing keys, the partner administrations it
 * trusts, and the nonces of partners' signed requests (replay protection). Part of the Store port
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
}
