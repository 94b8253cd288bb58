/**
 * This instance's Ed25519 signing keys. Exactly one key is active: it signs the audit chain's head,
 * trip dossiers, handovers, receipts and every message to a partner. The private key is stored only
 * sealed with the master key (AES-256-GCM, bound to its key id), like device keys, and opened in
 * memory when needed. A key's id is its RFC 7638 thumbprint.
 *
 * Rotation: a new key becomes active and the old one is retired; the new key is endorsed by the old
 * one (a JWS signed by the old key naming the new one) so that partners who pinned the old key can
 * accept the new one without trusting anything else. A retired key signs nothing more but stays in
 * the published key set for `retentionMs` (by default ten years: customs records such as the
 * dossiers it signed must stay verifiable for as long as they are kept). Revocation (a compromised
 * key) takes the key out at once: everything it signed stops verifying; a new key is made active,
 * without an endorsement (the compromised key could endorse anything), and partners must pin it by
 * hand after checking its thumbprint with this administration.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { jcs } from "../core/canonical-json.js";
import { SealwatchError } from "../core/errors.js";
import {
  ed25519PrivateKey,
  jwkThumbprint,
  publicJwkOf,
  signCompact,
  type Ed25519PublicJwk,
} from "../dossier/jose.js";
import { instanceKeyAad, sealSecret, unsealSecret } from "../gateway/security/sealing.js";
import type { InstanceKeyRecord } from "../store/federation-ports.js";
import type { Store } from "../store/ports.js";

/** The key that signs now, opened. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Ed25519PublicJwk;
}

/** A public key as published in the key set (RFC 7517 JWK with Sealwatch's own members). */
export interface PublishedKey extends Ed25519PublicJwk {
  readonly kid: string;
  readonly use: "sig";
  readonly alg: "EdDSA";
  readonly status: "active" | "retired";
  readonly createdAt: string;
  readonly retiredAt?: string;
  /** Until when the key stays published (and what it signed verifies). */
  readonly publishedUntil?: string;
  /** Compact JWS by the key this one replaced, endorsing it. */
  readonly rotation?: string;
}

/** The key set `GET /api/v1/federation/keys` publishes. */
export interface PublishedKeySet {
  /** The administration these keys belong to. */
  readonly issuer: string;
  readonly keys: readonly PublishedKey[];
  /** Keys that must no longer be trusted for anything, with when and why. */
  readonly revoked: readonly { kid: string; x: string; revokedAt: string; reason?: string }[];
}

/** The payload of a rotation statement (signed by the previous key, typ sealwatch-key-rotation+jws). */
export interface RotationStatement {
  readonly iss: string;
  readonly previousKid: string;
  readonly key: Ed25519PublicJwk & { readonly kid: string };
  readonly at: string;
}

export const ROTATION_TYP = "sealwatch-key-rotation+jws";

export interface InstanceKeysOptions {
  /** The administration id these keys sign for (rotation statements name it). */
  readonly issuer: string;
  readonly nowMs: () => number;
  /** How long a retired key stays published (default ten years). */
  readonly retentionMs?: number;
}

export const DEFAULT_KEY_RETENTION_MS = 3650 * 86_400_000;

export class InstanceKeys {
  /** Opened private keys by kid (a key's bytes never change; its status is read from the store). */
  private readonly opened = new Map<string, KeyObject>();
  private readonly retentionMs: number;

  constructor(
    private readonly store: Pick<Store, "federation">,
    private readonly masterKey: Buffer,
    private readonly options: InstanceKeysOptions,
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_KEY_RETENTION_MS;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  /** Every key, oldest first (sealed private keys included: not for display). */
  records(): Promise<InstanceKeyRecord[]> {
    return this.store.federation.instanceKeys();
  }

  /** Makes sure a key is active, creating the first one; says whether it did. */
  async ensureKey(): Promise<{ readonly kid: string; readonly created: boolean }> {
    const active = (await this.records()).find((k) => k.status === "active");
    if (active !== undefined) {
      this.open(active); // a key the master key cannot open is reported now, not at first use
      return { kid: active.kid, created: false };
    }
    const fresh = this.generate(undefined);
    await this.store.federation.putInstanceKeys([fresh.record]);
    return { kid: fresh.record.kid, created: true };
  }

  /** The active key, opened. */
  async signingKey(): Promise<SigningKey> {
    const active = (await this.records()).find((k) => k.status === "active");
    if (active === undefined)
      throw new SealwatchError("FEDERATION_UNAVAILABLE", "this instance has no active signing key");
    return { kid: active.kid, privateKey: this.open(active), publicJwk: jwkOf(active) };
  }

  /** Retires the active key and activates a new one endorsed by it. */
  async rotate(): Promise<{ readonly retired: string; readonly activated: string }> {
    const current = await this.signingKey();
    const now = this.options.nowMs();
    const records = await this.records();
    const old = records.find((k) => k.kid === current.kid)!;
    const fresh = this.generate(current);
    await this.store.federation.putInstanceKeys([
      { ...old, status: "retired", retiredAtMs: now },
      fresh.record,
    ]);
    return { retired: old.kid, activated: fresh.record.kid };
  }

  /**
   * Revokes a key at once. Revoking the active key activates a new one (not endorsed: see the
   * module comment). Returns the new active key's id when there is one.
   */
  async revoke(kid: string, reason: string): Promise<{ readonly activated?: string }> {
    const records = await this.records();
    const target = records.find((k) => k.kid === kid);
    if (target === undefined) throw new SealwatchError("NOT_FOUND", `this instance has no key ${kid}`);
    if (target.status === "revoked")
      throw new SealwatchError("INVALID_TRANSITION", `key ${kid} is already revoked`);
    const now = this.options.nowMs();
    const revoked: InstanceKeyRecord = {
      ...target,
      status: "revoked",
      revokedAtMs: now,
      revocationReason: reason,
    };
    this.opened.delete(kid);
    if (target.status !== "active") {
      await this.store.federation.putInstanceKeys([revoked]);
      return {};
    }
    const fresh = this.generate(undefined);
    await this.store.federation.putInstanceKeys([revoked, fresh.record]);
    return { activated: fresh.record.kid };
  }

  /** The published key set at `nowMs`: the active key and retired keys still within retention. */
  async keySet(nowMs: number = this.options.nowMs()): Promise<PublishedKeySet> {
    const keys: PublishedKey[] = [];
    const revoked: { kid: string; x: string; revokedAt: string; reason?: string }[] = [];
    for (const record of await this.records()) {
      if (record.status === "revoked") {
        revoked.push({
          kid: record.kid,
          x: record.x,
          revokedAt: new Date(record.revokedAtMs ?? record.createdAtMs).toISOString(),
          ...(record.revocationReason === undefined ? {} : { reason: record.revocationReason }),
        });
        continue;
      }
      const until = record.retiredAtMs === undefined ? undefined : record.retiredAtMs + this.retentionMs;
      if (until !== undefined && until <= nowMs) continue;
      keys.push({
        ...jwkOf(record),
        kid: record.kid,
        use: "sig",
        alg: "EdDSA",
        status: record.status === "active" ? "active" : "retired",
        createdAt: new Date(record.createdAtMs).toISOString(),
        ...(record.retiredAtMs === undefined
          ? {}
          : { retiredAt: new Date(record.retiredAtMs).toISOString() }),
        ...(until === undefined ? {} : { publishedUntil: new Date(until).toISOString() }),
        ...(record.rotation === undefined ? {} : { rotation: record.rotation }),
      });
    }
    return { issuer: this.options.issuer, keys, revoked };
  }

  private open(record: InstanceKeyRecord): KeyObject {
    const cached = this.opened.get(record.kid);
    if (cached !== undefined) return cached;
    const der = unsealSecret(this.masterKey, record.sealedPrivateKey, instanceKeyAad(record.kid));
    if (der === undefined)
      throw new SealwatchError(
        "INVALID_CONFIG",
        `the instance signing key ${record.kid} does not open with this master key: this is not the master key the server sealed it with`,
      );
    const key = ed25519PrivateKey(der);
    if (jwkThumbprint(publicJwkOf(key)) !== record.kid)
      throw new SealwatchError(
        "STORE_CORRUPT",
        `the stored signing key ${record.kid} is not the key its id names`,
      );
    this.opened.set(record.kid, key);
    return key;
  }

  /** A new key record; endorsed by `previous` when given. */
  private generate(previous: SigningKey | undefined): { record: InstanceKeyRecord } {
    const { privateKey } = generateKeyPairSync("ed25519");
    const jwk = publicJwkOf(privateKey);
    const kid = jwkThumbprint(jwk);
    const der = privateKey.export({ format: "der", type: "pkcs8" });
    const now = this.options.nowMs();
    let rotation: string | undefined;
    if (previous !== undefined) {
      const statement: RotationStatement = {
        iss: this.options.issuer,
        previousKid: previous.kid,
        key: { ...jwk, kid },
        at: new Date(now).toISOString(),
      };
      rotation = signCompact(
        { alg: "EdDSA", kid: previous.kid, typ: ROTATION_TYP },
        jcs(statement),
        previous.privateKey,
      );
    }
    this.opened.set(kid, privateKey);
    return {
      record: {
        kid,
        x: jwk.x,
        sealedPrivateKey: sealSecret(this.masterKey, der, instanceKeyAad(kid)),
        status: "active",
        createdAtMs: now,
        ...(rotation === undefined ? {} : { rotation }),
      },
    };
  }
}

function jwkOf(record: Pick<InstanceKeyRecord, "x">): Ed25519PublicJwk {
  return { kty: "OKP", crv: "Ed25519", x: record.x };
}
