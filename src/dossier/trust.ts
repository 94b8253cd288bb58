/**
 * A trust set: the public keys a verifier accepts, per administration, and the keys it must refuse.
 * Its text form is a published key set (what `GET /api/v1/federation/keys` answers, or a partner's
 * pinned keys as `GET /api/v1/federation/partners/{id}/keys` gives them):
 *
 *   { "issuer": "KE-KRA", "keys": [JWK…], "revoked": [{ "kid", "x", "revokedAt", "reason"? }…] }
 *
 * or several of them as `{ "keySets": [ … ] }`; a bare RFC 7517 JWK Set (`{ "keys": [...] }`) is
 * accepted too, its keys then belonging to no named administration. Every JWK must be an Ed25519
 * key whose kid, when present, is its RFC 7638 thumbprint. Pure: the caller reads the file.
 */
import type { KeyObject } from "node:crypto";
import { publicKeyOfJwk } from "./jose.js";

export interface TrustedKey {
  readonly kid: string;
  readonly key: KeyObject;
  /** The administration the key set names, if any. */
  readonly issuer?: string;
}

export type KeyLookup =
  | { readonly kind: "trusted"; readonly key: TrustedKey }
  | {
      readonly kind: "revoked";
      readonly issuer?: string;
      readonly revokedAt?: string;
      readonly reason?: string;
    }
  | { readonly kind: "unknown" };

export class TrustSet {
  constructor(
    private readonly keys: ReadonlyMap<string, TrustedKey>,
    private readonly revoked: ReadonlyMap<string, { issuer?: string; revokedAt?: string; reason?: string }>,
  ) {}

  /** Revocation wins over trust: a key revoked in any key set is refused everywhere. */
  lookup(kid: string): KeyLookup {
    const revoked = this.revoked.get(kid);
    if (revoked !== undefined) return { kind: "revoked", ...revoked };
    const key = this.keys.get(kid);
    return key === undefined ? { kind: "unknown" } : { kind: "trusted", key };
  }

  /** The trusted keys by kid (revoked ones left out). */
  trustedKeys(): Map<string, KeyObject> {
    const out = new Map<string, KeyObject>();
    for (const [kid, key] of this.keys) if (!this.revoked.has(kid)) out.set(kid, key.key);
    return out;
  }

  get size(): number {
    return this.keys.size;
  }
}

export type TrustParse =
  { readonly ok: true; readonly trust: TrustSet } | { readonly ok: false; readonly problems: string[] };

const MAX_KEYS = 1000;

/** Reads a trust set from parsed JSON, listing every problem. */
export function parseTrustSet(document: unknown): TrustParse {
  const problems: string[] = [];
  const keys = new Map<string, TrustedKey>();
  const revoked = new Map<string, { issuer?: string; revokedAt?: string; reason?: string }>();
  const sets: unknown[] =
    isObject(document) && Array.isArray(document.keySets) ? document.keySets : [document];
  sets.forEach((set, s) => {
    const where = sets.length === 1 ? "$" : `$.keySets[${s}]`;
    if (!isObject(set) || !Array.isArray(set.keys)) {
      problems.push(`${where}: a key set is an object with a "keys" array`);
      return;
    }
    const issuer = typeof set.issuer === "string" ? set.issuer : undefined;
    if (set.keys.length > MAX_KEYS) problems.push(`${where}.keys: more than ${MAX_KEYS} keys`);
    set.keys.slice(0, MAX_KEYS).forEach((jwk, k) => {
      const checked = publicKeyOfJwk(jwk);
      if (!checked.ok) problems.push(`${where}.keys[${k}]: ${checked.problem}`);
      else
        keys.set(checked.kid, {
          kid: checked.kid,
          key: checked.key,
          ...(issuer === undefined ? {} : { issuer }),
        });
    });
    const gone: unknown[] = Array.isArray(set.revoked) ? set.revoked : [];
    gone.slice(0, MAX_KEYS).forEach((entry, r) => {
      if (!isObject(entry) || typeof entry.kid !== "string")
        problems.push(`${where}.revoked[${r}]: a revoked key is an object with its kid`);
      else
        revoked.set(entry.kid, {
          ...(issuer === undefined ? {} : { issuer }),
          ...(typeof entry.revokedAt === "string" ? { revokedAt: entry.revokedAt } : {}),
          ...(typeof entry.reason === "string" ? { reason: entry.reason } : {}),
        });
    });
  });
  if (problems.length === 0 && keys.size === 0 && revoked.size === 0)
    problems.push("$: the trust set holds no key");
  return problems.length > 0 ? { ok: false, problems } : { ok: true, trust: new TrustSet(keys, revoked) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
