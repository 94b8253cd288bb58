/**
 * The audit chain head, signed, for third parties. The administrator signs the head with an
 * Ed25519 key; a court or another administration holding the signed head and the exported chain
 * (records as NDJSON) checks, offline and without database access, that every record up to the head
 * is exactly as it was when the head was signed.
 *
 * A signed head is `{storeLocation, seq, hash, atMs, signature, publicKey, keyId?}`: `atMs` is when
 * it was signed, `publicKey` the signer's SPKI PEM, `keyId` (when signed with the instance's signing
 * key) that key's RFC 7638 thumbprint as the published key set names it, and `signature` the base64
 * Ed25519 signature over canonicalJson of the document without `signature`.
 *
 * By default the head is signed with the instance's own signing key (see federation/instance-keys.ts),
 * the one its published key set (`GET /api/v1/federation/keys`) lists, so that a partner or a court
 * checks it against that key set; an administrator can still sign with a PEM key of their own.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { canonicalJson } from "../core/canonical-json.js";
import { AuditChainVerifier, GENESIS_HASH } from "./audit-chain.js";
import type { AuditLog, AuditRecord } from "./ports.js";

export interface SignedHead {
  readonly storeLocation: string;
  /** Seq of the head record (0 for an empty chain). */
  readonly seq: number;
  /** Hash of the head record (64 zeros for an empty chain). */
  readonly hash: string;
  /** When the head was signed. */
  readonly atMs: number;
  /** Base64 Ed25519 signature (see the module comment). */
  readonly signature: string;
  /** The signer's public key, SPKI PEM. */
  readonly publicKey: string;
  /** The signing key's id (RFC 7638 thumbprint) when it is the instance's key. */
  readonly keyId?: string;
}

/** What signs a head: a PEM private key, or an opened key with its id (the instance's key). */
export type HeadSigner = string | { readonly privateKey: KeyObject; readonly kid: string };

export const EXPORT_RECORDS_FILE = "audit.ndjson";
export const EXPORT_HEAD_FILE = "head.json";

function ed25519Private(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "ed25519")
    throw new Error(`the signing key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

/** Throws an Error saying what is wrong unless `privateKeyPem` is an Ed25519 private key. */
export function checkSigningKey(privateKeyPem: string): void {
  try {
    ed25519Private(privateKeyPem);
  } catch (error) {
    throw new Error(`not a usable Ed25519 private key (${(error as Error).message})`);
  }
}

function ed25519Public(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== "ed25519")
    throw new Error(`the public key is ${key.asymmetricKeyType}, not Ed25519`);
  return key;
}

function signedBytes(head: Omit<SignedHead, "signature">): Buffer {
  return Buffer.from(
    canonicalJson({
      storeLocation: head.storeLocation,
      seq: head.seq,
      hash: head.hash,
      atMs: head.atMs,
      publicKey: head.publicKey,
      ...(head.keyId === undefined ? {} : { keyId: head.keyId }),
    }),
  );
}

/** SHA-256 hex of the key's DER encoding: what to compare with a fingerprint the administration publishes. */
export function publicKeyFingerprint(publicKeyPem: string): string {
  return createHash("sha256")
    .update(ed25519Public(publicKeyPem).export({ type: "spki", format: "der" }))
    .digest("hex");
}

/** Signs a chain head with an Ed25519 private key (PEM) or the instance's signing key. */
export function signHead(
  head: { storeLocation: string; seq: number; hash: string; atMs: number },
  signer: HeadSigner,
): SignedHead {
  const privateKey = typeof signer === "string" ? ed25519Private(signer) : signer.privateKey;
  const publicKey = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const unsigned = { ...head, publicKey, ...(typeof signer === "string" ? {} : { keyId: signer.kid }) };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString("base64") };
}

export type HeadCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * The keys a head may be signed with: a public key (PEM), or a key set (by key id, as the published
 * key set gives them) in which the head's `keyId` must be found.
 */
export type TrustedHeadKeys = string | ReadonlyMap<string, KeyObject>;

/**
 * Checks a signed head's signature. With `trusted` the head must also be signed by that key (or by
 * the key its `keyId` names in that key set); without it, the embedded key is used and the caller
 * should compare its fingerprint.
 */
export function verifySignedHead(head: SignedHead, trusted?: TrustedHeadKeys): HeadCheck {
  if (trusted !== undefined && typeof trusted !== "string") {
    if (head.keyId === undefined)
      return { ok: false, problem: "the head names no key id, so it cannot be checked against a key set" };
    const key = trusted.get(head.keyId);
    if (key === undefined)
      return {
        ok: false,
        problem: `the head was signed with key ${head.keyId}, which the trusted key set does not hold`,
      };
    return verifySignedHead(head, key.export({ type: "spki", format: "pem" }).toString());
  }
  const trustedPublicKeyPem = trusted;
  let embedded: KeyObject;
  try {
    embedded = ed25519Public(head.publicKey);
  } catch (error) {
    return { ok: false, problem: `the head's public key is unusable (${(error as Error).message})` };
  }
  if (trustedPublicKeyPem !== undefined) {
    let trusted: KeyObject;
    try {
      trusted = ed25519Public(trustedPublicKeyPem);
    } catch (error) {
      return { ok: false, problem: `the trusted public key is unusable (${(error as Error).message})` };
    }
    if (!trusted.equals(embedded))
      return { ok: false, problem: "the head was signed by another key than the trusted one" };
  }
  const valid = verify(null, signedBytes(head), embedded, Buffer.from(head.signature, "base64"));
  return valid
    ? { ok: true }
    : { ok: false, problem: "the signature does not match the head (forged or altered head)" };
}

/**
 * Writes `<dir>/audit.ndjson` (every record up to the current head, in seq order) and
 * `<dir>/head.json` (that head, signed). Returns the signed head.
 */
export async function exportAuditChain(
  store: { readonly location: string; readonly audit: AuditLog },
  dir: string,
  signer: HeadSigner,
  nowMs: number = Date.now(),
): Promise<{ head: SignedHead; records: number }> {
  if (typeof signer === "string") ed25519Private(signer); // fail before writing anything
  const head = await store.audit.head();
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const out = createWriteStream(join(folder, EXPORT_RECORDS_FILE));
  const done = new Promise<void>((resolveDone, reject) => {
    out.on("finish", resolveDone);
    out.on("error", reject);
  });
  let records = 0;
  let afterSeq = 0;
  const lastSeq = head?.seq ?? 0;
  try {
    while (afterSeq < lastSeq) {
      const page = (await store.audit.list({ afterSeq, limit: 5000 })).filter((r) => r.seq <= lastSeq);
      if (page.length === 0) break;
      for (const record of page) {
        if (!out.write(`${JSON.stringify(record)}\n`))
          await new Promise<void>((r) => out.once("drain", () => r()));
        records++;
      }
      afterSeq = page.at(-1)!.seq;
    }
  } finally {
    out.end();
  }
  await done;
  const signed = signHead(
    { storeLocation: store.location, seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH, atMs: nowMs },
    signer,
  );
  writeFileSync(join(folder, EXPORT_HEAD_FILE), `${JSON.stringify(signed, null, 2)}\n`);
  return { head: signed, records };
}

export type ExportVerification =
  | { readonly ok: true; readonly records: number; readonly head: SignedHead; readonly fingerprint: string }
  | {
      readonly ok: false;
      readonly records: number;
      readonly problem: string;
      /** The first record that does not check out, when the problem is in the records. */
      readonly firstBroken?: number;
    };

/** Verifies an export directory offline: the head's signature, then every record up to the head. */
export async function verifyAuditExport(dir: string, trusted?: TrustedHeadKeys): Promise<ExportVerification> {
  const folder = resolve(dir);
  let head: SignedHead;
  try {
    head = JSON.parse(readFileSync(join(folder, EXPORT_HEAD_FILE), "utf8")) as SignedHead;
  } catch (error) {
    return {
      ok: false,
      records: 0,
      problem: `cannot read ${join(folder, EXPORT_HEAD_FILE)} (${(error as Error).message})`,
    };
  }
  const check = verifySignedHead(head, trusted);
  if (!check.ok) return { ok: false, records: 0, problem: check.problem };
  const verifier = new AuditChainVerifier();
  let records = 0;
  let last: AuditRecord | undefined;
  try {
    const lines = createInterface({
      input: createReadStream(join(folder, EXPORT_RECORDS_FILE)),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (line.trim() === "") continue;
      records++;
      const record = JSON.parse(line) as AuditRecord;
      if (!verifier.push(record)) {
        const result = verifier.result();
        if (!result.ok)
          return { ok: false, records, firstBroken: result.firstBroken, problem: result.problem };
      }
      last = record;
    }
  } catch (error) {
    return {
      ok: false,
      records,
      problem: `cannot read ${join(folder, EXPORT_RECORDS_FILE)} (${(error as Error).message})`,
    };
  }
  const endSeq = last?.seq ?? 0;
  const endHash = last?.hash ?? GENESIS_HASH;
  if (endSeq !== head.seq || endHash !== head.hash) {
    const firstBroken = endSeq < head.seq ? endSeq + 1 : endSeq > head.seq ? head.seq + 1 : head.seq;
    return {
      ok: false,
      records,
      firstBroken,
      problem:
        `the records end at seq ${endSeq} (hash ${endHash.slice(0, 16)}...) but the signed head is seq ${head.seq} ` +
        `(hash ${head.hash.slice(0, 16)}...): records ${endSeq < head.seq ? "removed" : endSeq > head.seq ? "added" : "rewritten"} after signing`,
    };
  }
  return { ok: true, records, head, fingerprint: publicKeyFingerprint(head.publicKey) };
}
