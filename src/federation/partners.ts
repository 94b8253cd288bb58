/**
 * The partner registry: the administrations this one cooperates with, each with the base URL of its
 * Sealwatch, the public keys pinned for it, the customs offices that are its own, and the agreement
 * scope. Everything a partner sends is checked against this registry before anything else of it is
 * used, so every change takes effect at once (no cache) and is in the audit chain.
 *
 * Keys: an administrator or supervisor pins a partner's first key by hand (after checking its
 * thumbprint with the partner over another channel). A later key is accepted only on a rotation
 * statement signed by a key already pinned for that partner (its `rotation` member in the partner's
 * published key set); the endorsing key is then retired here, still verifying what it signed.
 * Revoking a key, or the whole partner, refuses everything signed with it from that moment on.
 */
import type { KeyObject } from "node:crypto";
import { jcs } from "../core/canonical-json.js";
import { SealwatchError } from "../core/errors.js";
import { validateCountryCode } from "../core/identifiers/country.js";
import { validateCustomsOfficeReference } from "../core/identifiers/customs-office.js";
import { jwsPayload, parseJws, publicKeyOfJwk, verifyJws, type JoseProblem } from "../dossier/jose.js";
import { DEFAULT_AGREEMENT, scopeProblems, type AgreementScope } from "../dossier/scope.js";
import type { PartnerKey, PartnerRecord } from "../store/federation-ports.js";
import type { Store } from "../store/ports.js";
import { ADMINISTRATION_ID } from "./identity.js";
import { ROTATION_TYP, type RotationStatement } from "./instance-keys.js";

/** What a person gives to register a partner. */
export interface PartnerInput {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly baseUrl: string;
  readonly offices: readonly string[];
  readonly scope?: AgreementScope;
  /** The partner's public keys as JWKs (at least one), checked by thumbprint with the partner. */
  readonly keys: readonly unknown[];
}

export type PartnerPatch = Partial<Pick<PartnerInput, "name" | "baseUrl" | "offices" | "scope">>;

/** A partner key found for a signature, or why none is trusted. */
export type PartnerKeyLookup =
  | {
      readonly ok: true;
      readonly partner: PartnerRecord;
      readonly key: KeyObject;
      readonly pinned: PartnerKey;
    }
  | {
      readonly ok: false;
      readonly code: "PARTNER_UNKNOWN" | "PARTNER_KEY_UNTRUSTED";
      readonly reason: string;
    };

/** A partner's pinned keys in the form of a published key set (a trust file for offline verification). */
export interface PartnerKeySet {
  readonly issuer: string;
  readonly keys: readonly { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; status: string }[];
  readonly revoked: readonly { kid: string; x: string; revokedAt: string }[];
}

export interface PartnerRegistryOptions {
  /** This administration's id: it cannot be its own partner. */
  readonly selfId: string;
  readonly nowMs: () => number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export class PartnerRegistry {
  /** Partner changes are read-modify-write of one record: one at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, "federation" | "audit">,
    private readonly options: PartnerRegistryOptions,
  ) {}

  list(): Promise<PartnerRecord[]> {
    return this.store.federation.partners();
  }

  async get(id: string): Promise<PartnerRecord> {
    const partner = await this.store.federation.partner(id);
    if (partner === undefined) throw new SealwatchError("NOT_FOUND", `no partner administration "${id}"`);
    return partner;
  }

  /** Registers a partner with its first pinned keys. */
  add(input: PartnerInput, actor: string): Promise<PartnerRecord> {
    return this.serial(async () => {
      const problems = [
        ...this.idProblems(input.id),
        ...nameProblems(input.name),
        ...baseUrlProblems(input.baseUrl),
      ];
      const country = validateCountryCode(input.country.trim().toUpperCase());
      if (!country.ok) problems.push(`country: ${country.reason}`);
      const offices = checkOffices(input.offices, country.ok ? country.value : undefined, problems);
      const scope = input.scope ?? DEFAULT_AGREEMENT;
      problems.push(
        ...scopeProblems(scope.outgoing, "scope.outgoing"),
        ...scopeProblems(scope.incoming, "scope.incoming"),
      );
      const now = this.options.nowMs();
      const keys: PartnerKey[] = [];
      if (input.keys.length === 0) problems.push("keys: pin at least one of the partner's public keys");
      input.keys.forEach((jwk, i) => {
        const checked = publicKeyOfJwk(jwk);
        if (!checked.ok) problems.push(`keys[${i}]: ${checked.problem}`);
        else if (keys.some((k) => k.kid === checked.kid))
          problems.push(`keys[${i}]: the key is listed twice`);
        else
          keys.push({
            kid: checked.kid,
            x: (jwk as { x: string }).x,
            status: "active",
            addedAtMs: now,
            addedBy: actor,
          });
      });
      failOn(problems, `partner ${input.id}`);
      if ((await this.store.federation.partner(input.id)) !== undefined)
        throw new SealwatchError(
          "DUPLICATE_ID",
          `partner administration "${input.id}" is already registered`,
        );
      const partner: PartnerRecord = {
        id: input.id,
        name: input.name.trim(),
        country: country.ok ? country.value : input.country,
        baseUrl: input.baseUrl.replace(/\/+$/, ""),
        offices,
        scope,
        keys,
        status: "active",
        createdAtMs: now,
        updatedAtMs: now,
      };
      await this.store.federation.putPartner(partner);
      await this.audit(actor, "federation.partner.add", partner.id, {
        name: partner.name,
        country: partner.country,
        baseUrl: partner.baseUrl,
        offices: partner.offices,
        scope: partner.scope,
        keys: keys.map((k) => k.kid),
      });
      return partner;
    });
  }

  /** Changes a partner's name, base URL, offices or scope. */
  update(id: string, patch: PartnerPatch, actor: string): Promise<PartnerRecord> {
    return this.serial(async () => {
      const partner = await this.get(id);
      const problems: string[] = [];
      if (patch.name !== undefined) problems.push(...nameProblems(patch.name));
      if (patch.baseUrl !== undefined) problems.push(...baseUrlProblems(patch.baseUrl));
      const offices =
        patch.offices === undefined
          ? partner.offices
          : checkOffices(patch.offices, partner.country, problems);
      if (patch.scope !== undefined)
        problems.push(
          ...scopeProblems(patch.scope.outgoing, "scope.outgoing"),
          ...scopeProblems(patch.scope.incoming, "scope.incoming"),
        );
      failOn(problems, `partner ${id}`);
      const updated: PartnerRecord = {
        ...partner,
        ...(patch.name === undefined ? {} : { name: patch.name.trim() }),
        ...(patch.baseUrl === undefined ? {} : { baseUrl: patch.baseUrl.replace(/\/+$/, "") }),
        offices,
        ...(patch.scope === undefined ? {} : { scope: patch.scope }),
        updatedAtMs: this.options.nowMs(),
      };
      await this.store.federation.putPartner(updated);
      await this.audit(actor, "federation.partner.update", id, { ...patch, offices });
      return updated;
    });
  }

  /** Pins another key by hand (a person checked its thumbprint with the partner). */
  pinKey(id: string, jwk: unknown, actor: string): Promise<PartnerRecord> {
    return this.serial(async () => {
      const partner = await this.get(id);
      const checked = publicKeyOfJwk(jwk);
      if (!checked.ok) throw new SealwatchError("INVALID_DEFINITION", `key: ${checked.problem}`);
      const existing = partner.keys.find((k) => k.kid === checked.kid);
      if (existing?.status === "revoked")
        throw new SealwatchError(
          "PARTNER_KEY_UNTRUSTED",
          `key ${checked.kid} of ${id} was revoked; a revoked key is never trusted again`,
        );
      if (existing !== undefined) return partner;
      const now = this.options.nowMs();
      const updated: PartnerRecord = {
        ...partner,
        keys: [
          ...partner.keys,
          { kid: checked.kid, x: (jwk as { x: string }).x, status: "active", addedAtMs: now, addedBy: actor },
        ],
        updatedAtMs: now,
      };
      await this.store.federation.putPartner(updated);
      await this.audit(actor, "federation.partner.key.pin", id, { kid: checked.kid });
      return updated;
    });
  }

  /**
   * Accepts a key rotation statement (a compact JWS, typ sealwatch-key-rotation+jws) when it is
   * signed by a key pinned (and not revoked) for the partner and names the partner as issuer.
   * The endorsing key is retired. KEY_ROTATION_REFUSED says why otherwise.
   */
  acceptRotation(
    id: string,
    rotation: unknown,
    actor: string,
  ): Promise<{ partner: PartnerRecord; kid: string }> {
    return this.serial(async () => {
      const partner = await this.get(id);
      const refuse = (why: string) =>
        new SealwatchError("KEY_ROTATION_REFUSED", `rotation for ${id}: ${why}`);
      if (partner.status !== "active") throw refuse("the partnership is revoked");
      const jws = parseJws(rotation);
      if (!jws.ok) throw refuse(jws.problem);
      if (jws.header.typ !== ROTATION_TYP) throw refuse(`typ must be ${ROTATION_TYP}`);
      const signer = partner.keys.find((k) => k.kid === jws.header.kid);
      if (signer === undefined)
        throw refuse(`it is signed with key ${jws.header.kid}, which is not pinned for ${id}`);
      if (signer.status === "revoked") throw refuse(`it is signed with key ${signer.kid}, which is revoked`);
      const signerKey = publicKeyOfJwk({ kty: "OKP", crv: "Ed25519", x: signer.x });
      if (!signerKey.ok || !verifyJws(jws, signerKey.key))
        throw refuse("the signature does not verify with the pinned key it names");
      const statement = parseRotation(jwsPayload(jws));
      if (!statement.ok) throw refuse(statement.problem);
      const { iss, previousKid, key } = statement.value;
      if (iss !== id) throw refuse(`the statement is issued by ${JSON.stringify(iss)}, not ${id}`);
      if (previousKid !== signer.kid)
        throw refuse("the statement's previousKid is not the key that signed it");
      const fresh = publicKeyOfJwk(key);
      if (!fresh.ok) throw refuse(`the new key: ${fresh.problem}`);
      const existing = partner.keys.find((k) => k.kid === fresh.kid);
      if (existing?.status === "revoked") throw refuse(`the new key ${fresh.kid} was revoked here`);
      if (existing !== undefined) return { partner, kid: fresh.kid };
      const now = this.options.nowMs();
      const updated: PartnerRecord = {
        ...partner,
        keys: [
          ...partner.keys.map((k) =>
            k.kid === signer.kid && k.status === "active"
              ? { ...k, status: "retired" as const, retiredAtMs: now }
              : k,
          ),
          {
            kid: fresh.kid,
            x: key.x,
            status: "active",
            addedAtMs: now,
            addedBy: actor,
            endorsedBy: signer.kid,
          },
        ],
        updatedAtMs: now,
      };
      await this.store.federation.putPartner(updated);
      await this.audit(actor, "federation.partner.key.rotate", id, {
        kid: fresh.kid,
        endorsedBy: signer.kid,
      });
      return { partner: updated, kid: fresh.kid };
    });
  }

  /** Revokes one pinned key at once. */
  revokeKey(id: string, kid: string, reason: string, actor: string): Promise<PartnerRecord> {
    return this.serial(async () => {
      const partner = await this.get(id);
      const key = partner.keys.find((k) => k.kid === kid);
      if (key === undefined) throw new SealwatchError("NOT_FOUND", `no key ${kid} is pinned for ${id}`);
      if (key.status === "revoked") return partner;
      const now = this.options.nowMs();
      const updated: PartnerRecord = {
        ...partner,
        keys: partner.keys.map((k) =>
          k.kid === kid ? { ...k, status: "revoked" as const, revokedAtMs: now } : k,
        ),
        updatedAtMs: now,
      };
      await this.store.federation.putPartner(updated);
      await this.audit(actor, "federation.partner.key.revoke", id, { kid, reason });
      return updated;
    });
  }

  /** Revokes the partnership at once: nothing the partner sends is accepted any more. */
  revoke(id: string, reason: string, actor: string): Promise<PartnerRecord> {
    return this.serial(async () => {
      const partner = await this.get(id);
      if (partner.status === "revoked") return partner;
      const now = this.options.nowMs();
      const updated: PartnerRecord = {
        ...partner,
        status: "revoked",
        revokedAtMs: now,
        revocationReason: reason,
        updatedAtMs: now,
      };
      await this.store.federation.putPartner(updated);
      await this.audit(actor, "federation.partner.revoke", id, { reason });
      return updated;
    });
  }

  /** The key a partner's signature names, if the partner is active and the key pinned and not revoked. */
  async keyFor(partnerId: string, kid: string): Promise<PartnerKeyLookup> {
    const partner = await this.store.federation.partner(partnerId);
    if (partner === undefined)
      return {
        ok: false,
        code: "PARTNER_UNKNOWN",
        reason: `${partnerId} is not a partner administration here`,
      };
    if (partner.status !== "active")
      return { ok: false, code: "PARTNER_UNKNOWN", reason: `the partnership with ${partnerId} is revoked` };
    const pinned = partner.keys.find((k) => k.kid === kid);
    if (pinned === undefined)
      return {
        ok: false,
        code: "PARTNER_KEY_UNTRUSTED",
        reason: `key ${kid} is not pinned for ${partnerId}`,
      };
    if (pinned.status === "revoked")
      return { ok: false, code: "PARTNER_KEY_UNTRUSTED", reason: `key ${kid} of ${partnerId} is revoked` };
    const key = publicKeyOfJwk({ kty: "OKP", crv: "Ed25519", x: pinned.x });
    if (!key.ok) return { ok: false, code: "PARTNER_KEY_UNTRUSTED", reason: key.problem };
    return { ok: true, partner, key: key.key, pinned };
  }

  /** The partner's pinned keys as a key set: a trust file for `sealwatch dossier verify --trust`. */
  async keySet(id: string): Promise<PartnerKeySet> {
    const partner = await this.get(id);
    const revokedAll = partner.status === "revoked";
    return {
      issuer: partner.id,
      keys: partner.keys
        .filter((k) => k.status !== "revoked" && !revokedAll)
        .map((k) => ({ kty: "OKP" as const, crv: "Ed25519" as const, x: k.x, kid: k.kid, status: k.status })),
      revoked: partner.keys
        .filter((k) => k.status === "revoked" || revokedAll)
        .map((k) => ({
          kid: k.kid,
          x: k.x,
          revokedAt: new Date(k.revokedAtMs ?? partner.revokedAtMs ?? partner.updatedAtMs).toISOString(),
        })),
    };
  }

  private idProblems(id: string): string[] {
    if (!ADMINISTRATION_ID.test(id))
      return [`id "${id}": 2–32 characters of A–Z 0–9 . _ -, starting with a letter or digit`];
    if (id === this.options.selfId) return [`id "${id}" is this administration's own id`];
    return [];
  }

  private async audit(actor: string, action: string, partnerId: string, details: object): Promise<void> {
    await this.store.audit.append({
      atMs: this.options.nowMs(),
      actor,
      action,
      subjectType: "partner",
      subjectId: partnerId,
      details,
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function nameProblems(name: string): string[] {
  const trimmed = name.trim();
  return trimmed.length === 0 || trimmed.length > 200 ? ["name: 1–200 characters"] : [];
}

/** https://…, or http:// on a loopback host only (two instances on one machine, tests). */
export function baseUrlProblems(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [`baseUrl "${text}" is not a URL`];
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname)))
    return [`baseUrl "${text}": a partner is reached over https:// (http:// only on this machine)`];
  if (url.username !== "" || url.password !== "") return [`baseUrl: no credentials in the URL`];
  if (url.search !== "" || url.hash !== "") return [`baseUrl: no query or fragment`];
  if (/\/api\/v1\/?$/.test(url.pathname)) return [`baseUrl: give it without /api/v1`];
  return [];
}

function checkOffices(offices: readonly string[], country: string | undefined, problems: string[]): string[] {
  const out: string[] = [];
  if (offices.length === 0) problems.push("offices: name at least one of the partner's customs offices");
  offices.forEach((office, i) => {
    const checked = validateCustomsOfficeReference(office);
    if (!checked.ok) problems.push(`offices[${i}]: "${office}" ${checked.reason}`);
    else if (country !== undefined && !checked.value.startsWith(country))
      problems.push(`offices[${i}]: ${checked.value} is not an office of ${country}`);
    else if (!out.includes(checked.value)) out.push(checked.value);
  });
  return out;
}

function failOn(problems: readonly string[], what: string): void {
  if (problems.length > 0)
    throw new SealwatchError(
      "INVALID_DEFINITION",
      `${what}: ${problems.length === 1 ? problems[0] : problems.map((p) => `\n  - ${p}`).join("")}`,
    );
}

function parseRotation(bytes: Buffer): { ok: true; value: RotationStatement } | JoseProblem {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, problem: "the statement is not JSON" };
  }
  const v = value as Partial<RotationStatement> | null;
  if (
    v === null ||
    typeof v !== "object" ||
    typeof v.iss !== "string" ||
    typeof v.previousKid !== "string" ||
    typeof v.key !== "object" ||
    v.key === null ||
    typeof v.at !== "string"
  )
    return { ok: false, problem: "the statement needs iss, previousKid, key and at" };
  // The signed bytes are the statement's canonical form: anything else was not made by Sealwatch.
  if (jcs(value) !== bytes.toString("utf8"))
    return { ok: false, problem: "the statement is not in canonical form" };
  return { ok: true, value: v as RotationStatement };
}
