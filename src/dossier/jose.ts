/**
 * The pieces of JOSE that Sealwatch's instances use to trust each other, for Ed25519 only:
 * - public keys as JWKs (RFC 7517, OKP keys of RFC 8037), named by their RFC 7638 thumbprint;
 * - JWS (RFC 7515) with `alg: "EdDSA"` in the compact serialisation, attached (partner messages,
 *   receipts, key rotation statements) or with a detached payload (RFC 7515 appendix F: the trip
 *   dossier, whose payload is its RFC 8785 canonical JSON, travels beside the signature).
 *
 * Pure: no I/O, clock or randomness (Ed25519 signatures are deterministic). Everything that comes
 * from outside is checked and answered with a `JoseProblem` value, never an exception.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/** An Ed25519 public key as a JWK; other members (kid, use, alg, Sealwatch's own) may be present. */
export interface Ed25519PublicJwk {
  readonly kty: "OKP";
  readonly crv: "Ed25519";
  /** The 32-byte public key, base64url without padding. */
  readonly x: string;
  readonly kid?: string;
  readonly use?: string;
  readonly alg?: string;
  readonly [member: string]: unknown;
}

export interface JoseProblem {
  readonly ok: false;
  readonly problem: string;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes).toString("base64url");
}

/** Decodes unpadded base64url; undefined unless `text` is exactly the canonical encoding of some bytes. */
export function fromBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64url");
  // Reject non-canonical encodings (stray bits in the last character): one text, one byte string.
  return bytes.toString("base64url") === text ? bytes : undefined;
}

/** The public JWK (kty, crv, x) of an Ed25519 public or private key. */
export function publicJwkOf(key: KeyObject): Ed25519PublicJwk {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== "ed25519")
    throw new TypeError(`the key is ${publicKey.asymmetricKeyType ?? "unknown"}, not Ed25519`);
  const jwk = publicKey.export({ format: "jwk" }) as { x?: string };
  return { kty: "OKP", crv: "Ed25519", x: jwk.x! };
}

/**
 * RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 JWK: the hash of
 * `{"crv":"Ed25519","kty":"OKP","x":"…"}`, the required members in lexicographic order (RFC 8037 §2).
 * Sealwatch uses it as the key id (`kid`).
 */
export function jwkThumbprint(jwk: Pick<Ed25519PublicJwk, "x">): string {
  const input = `{"crv":"Ed25519","kty":"OKP","x":${JSON.stringify(jwk.x)}}`;
  return createHash("sha256").update(input, "utf8").digest("base64url");
}

/** Checks an untrusted JWK and gives its key, or what is wrong with it. */
export function publicKeyOfJwk(
  jwk: unknown,
): { readonly ok: true; readonly key: KeyObject; readonly kid: string } | JoseProblem {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk))
    return { ok: false, problem: "a key must be a JWK object" };
  const { kty, crv, x, kid, d } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519")
    return {
      ok: false,
      problem: `only Ed25519 keys (kty OKP, crv Ed25519) are used, not ${String(kty)}/${String(crv)}`,
    };
  if (d !== undefined)
    return { ok: false, problem: "the JWK holds a private key (member d): send the public key only" };
  const bytes = typeof x === "string" ? fromBase64url(x) : undefined;
  if (bytes?.length !== 32) return { ok: false, problem: "x must be 32 bytes in base64url" };
  const thumbprint = jwkThumbprint({ x: x as string });
  if (kid !== undefined && kid !== thumbprint)
    return {
      ok: false,
      problem: `kid ${JSON.stringify(kid)} is not the key's RFC 7638 thumbprint (${thumbprint})`,
    };
  try {
    return {
      ok: true,
      key: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: x as string }, format: "jwk" }),
      kid: thumbprint,
    };
  } catch (error) {
    return { ok: false, problem: `not a usable Ed25519 key (${(error as Error).message})` };
  }
}

/** A private Ed25519 key from PKCS#8 DER or PEM. */
export function ed25519PrivateKey(key: Uint8Array | string): KeyObject {
  const object =
    typeof key === "string"
      ? createPrivateKey(key)
      : createPrivateKey({ key: Buffer.from(key), format: "der", type: "pkcs8" });
  if (object.asymmetricKeyType !== "ed25519")
    throw new TypeError(`the key is ${object.asymmetricKeyType ?? "unknown"}, not Ed25519`);
  return object;
}

/** The protected header Sealwatch writes: EdDSA, the key id, and whatever the caller adds. */
export interface JwsHeader {
  readonly alg: "EdDSA";
  readonly kid: string;
  readonly typ?: string;
  readonly [member: string]: unknown;
}

function signingInput(headerB64: string, payloadB64: string): Buffer {
  return Buffer.from(`${headerB64}.${payloadB64}`, "ascii");
}

/** `header.payload.signature` (RFC 7515 §7.1). */
export function signCompact(header: JwsHeader, payload: Uint8Array | string, privateKey: KeyObject): string {
  const headerB64 = base64url(JSON.stringify(header));
  const payloadB64 = base64url(payload);
  const signature = sign(null, signingInput(headerB64, payloadB64), privateKey);
  return `${headerB64}.${payloadB64}.${base64url(signature)}`;
}

/** `header..signature`: the compact form with the payload detached (RFC 7515 appendix F). */
export function signDetached(header: JwsHeader, payload: Uint8Array | string, privateKey: KeyObject): string {
  const [headerB64, , signatureB64] = signCompact(header, payload, privateKey).split(".");
  return `${headerB64}..${signatureB64}`;
}

/** A compact JWS taken apart, its header parsed (not yet verified). */
export interface ParsedJws {
  readonly ok: true;
  readonly header: JwsHeader;
  readonly headerB64: string;
  /** Empty for a detached JWS. */
  readonly payloadB64: string;
  readonly signature: Buffer;
}

/** Largest protected header accepted (a few members). */
const MAX_HEADER_CHARS = 4096;

/**
 * Takes a compact JWS apart and checks its header (EdDSA, a kid, no `crit` Sealwatch does not
 * know). Reads nothing of the payload: that waits until the signature has been verified.
 */
export function parseJws(text: unknown, options: { detached?: boolean } = {}): ParsedJws | JoseProblem {
  if (typeof text !== "string") return { ok: false, problem: "the signature is not a compact JWS string" };
  const parts = text.split(".");
  if (parts.length !== 3) return { ok: false, problem: "a compact JWS has three parts separated by dots" };
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
  if (options.detached === true && payloadB64 !== "")
    return { ok: false, problem: "the signature must have its payload detached (header..signature)" };
  if (headerB64.length > MAX_HEADER_CHARS) return { ok: false, problem: "the JWS header is too large" };
  const headerBytes = fromBase64url(headerB64);
  const payloadOk = fromBase64url(payloadB64) !== undefined;
  const signature = fromBase64url(signatureB64);
  if (headerBytes === undefined || !payloadOk || signature === undefined)
    return { ok: false, problem: "a part of the JWS is not base64url" };
  if (signature.length !== 64) return { ok: false, problem: "an Ed25519 signature is 64 bytes" };
  let header: unknown;
  try {
    header = JSON.parse(headerBytes.toString("utf8"));
  } catch {
    return { ok: false, problem: "the JWS header is not JSON" };
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    return { ok: false, problem: "the JWS header is not a JSON object" };
  const h = header as Record<string, unknown>;
  if (h.alg !== "EdDSA") return { ok: false, problem: `alg must be EdDSA, not ${JSON.stringify(h.alg)}` };
  if (typeof h.kid !== "string" || h.kid.length === 0 || h.kid.length > 128)
    return { ok: false, problem: "the JWS header names no key (kid)" };
  if (h.crit !== undefined)
    return { ok: false, problem: "the JWS header has critical extensions Sealwatch does not know" };
  if (h.b64 !== undefined) return { ok: false, problem: "the b64 header (RFC 7797) is not used" };
  return { ok: true, header: h as unknown as JwsHeader, headerB64, payloadB64, signature };
}

/**
 * Verifies a parsed JWS with `key`. For a detached JWS give the payload bytes; for an attached one
 * its own payload is used.
 */
export function verifyJws(jws: ParsedJws, key: KeyObject, detachedPayload?: Uint8Array | string): boolean {
  const payloadB64 = detachedPayload === undefined ? jws.payloadB64 : base64url(detachedPayload);
  try {
    return verify(null, signingInput(jws.headerB64, payloadB64), key, jws.signature);
  } catch {
    return false;
  }
}

/** The payload bytes of an attached JWS (call only after `verifyJws`). */
export function jwsPayload(jws: ParsedJws): Buffer {
  return fromBase64url(jws.payloadB64) ?? Buffer.alloc(0);
}
