/**
 * Signed requests between partner instances. A request is a compact JWS (EdDSA) whose protected
 * header names the sender (`iss`, its administration id) and its key (`kid`), and whose payload is
 * `{ iss, aud, type, iat, nonce, body }`. The receiver takes it in this order, refusing at the first
 * failure with the reason named: the header only (size, form); the sender must be an active partner
 * and the key pinned for it and not revoked; the signature; only then the payload is parsed: its
 * form, the audience (this administration), the time window (`iat` within `windowMs` of now) and
 * the nonce (never used before by that partner within the window: a replay is refused).
 */
import { randomBytes } from "node:crypto";
import { jcs } from "../core/canonical-json.js";
import { SealwatchError } from "../core/errors.js";
import { jwsPayload, parseJws, signCompact, verifyJws } from "../dossier/jose.js";
import type { PartnerRecord } from "../store/federation-ports.js";
import type { Store } from "../store/ports.js";
import type { PartnerRegistry } from "./partners.js";
import type { SigningKey } from "./instance-keys.js";

export const REQUEST_TYP = "sealwatch-request+jws";
/** How far a request's time may be from the receiver's clock. */
export const DEFAULT_WINDOW_MS = 5 * 60_000;

export interface RequestPayload {
  readonly iss: string;
  readonly aud: string;
  readonly type: string;
  /** Epoch ms when it was signed. */
  readonly iat: number;
  readonly nonce: string;
  readonly body: unknown;
}

/** Signs a request to `aud`. */
export function signRequest(
  signer: Pick<SigningKey, "kid" | "privateKey">,
  request: { iss: string; aud: string; type: string; body: unknown },
  nowMs: number,
): string {
  const payload: RequestPayload = { ...request, iat: nowMs, nonce: randomBytes(16).toString("base64url") };
  return signCompact(
    { alg: "EdDSA", kid: signer.kid, typ: REQUEST_TYP, iss: request.iss },
    jcs(payload),
    signer.privateKey,
  );
}

export interface OpenedRequest {
  readonly partner: PartnerRecord;
  readonly payload: RequestPayload;
}

/** Verifies a partner's signed request; throws the refusal (PARTNER_*, SIGNATURE_INVALID, REQUEST_EXPIRED, REPLAYED, VALIDATION_FAILED). */
export async function openRequest(
  text: string,
  context: {
    readonly registry: PartnerRegistry;
    readonly store: Pick<Store, "federation">;
    readonly selfId: string;
    readonly nowMs: number;
    readonly windowMs?: number;
    readonly expectedType: string;
  },
): Promise<OpenedRequest> {
  const jws = parseJws(text);
  if (!jws.ok)
    throw new SealwatchError("SIGNATURE_INVALID", `the request is not a signed request: ${jws.problem}`);
  if (jws.header.typ !== REQUEST_TYP)
    throw new SealwatchError(
      "SIGNATURE_INVALID",
      `the request's typ is ${JSON.stringify(jws.header.typ)}, not ${REQUEST_TYP}`,
    );
  const iss = jws.header.iss;
  if (typeof iss !== "string" || iss.length === 0 || iss.length > 32)
    throw new SealwatchError("PARTNER_UNKNOWN", "the request's header names no sender (iss)");
  const found = await context.registry.keyFor(iss, jws.header.kid);
  if (!found.ok) throw new SealwatchError(found.code, found.reason);
  if (!verifyJws(jws, found.key))
    throw new SealwatchError(
      "SIGNATURE_INVALID",
      `the request does not verify with ${iss}'s key ${jws.header.kid}: forged or altered`,
    );
  let value: unknown;
  try {
    value = JSON.parse(jwsPayload(jws).toString("utf8"));
  } catch {
    throw new SealwatchError("VALIDATION_FAILED", "the signed payload is not JSON");
  }
  const payload = checkPayload(value);
  if (payload.iss !== iss)
    throw new SealwatchError("VALIDATION_FAILED", "the payload's iss is not the header's");
  if (payload.aud !== context.selfId)
    throw new SealwatchError(
      "VALIDATION_FAILED",
      `the request is for ${JSON.stringify(payload.aud)}, not ${context.selfId}`,
    );
  if (payload.type !== context.expectedType)
    throw new SealwatchError(
      "VALIDATION_FAILED",
      `the request is a ${JSON.stringify(payload.type)}, not a ${context.expectedType}`,
    );
  const windowMs = context.windowMs ?? DEFAULT_WINDOW_MS;
  const skewMs = Math.abs(context.nowMs - payload.iat);
  if (skewMs > windowMs)
    throw new SealwatchError(
      "REQUEST_EXPIRED",
      `the request was signed at ${new Date(payload.iat).toISOString()}, ${Math.round(skewMs / 1000)} s from this server's clock (at most ${windowMs / 1000} s)`,
    );
  const fresh = await context.store.federation.useNonce(
    iss,
    payload.nonce,
    payload.iat + 2 * windowMs,
    context.nowMs,
  );
  if (!fresh)
    throw new SealwatchError(
      "REPLAYED",
      `${iss} sent this request (nonce ${payload.nonce}) before: a replay`,
    );
  return { partner: found.partner, payload };
}

function checkPayload(value: unknown): RequestPayload {
  const v = value as Partial<Record<keyof RequestPayload, unknown>> | null;
  const problems: string[] = [];
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new SealwatchError("VALIDATION_FAILED", "the signed payload is not an object");
  for (const key of ["iss", "aud", "type"] as const)
    if (typeof v[key] !== "string" || v[key].length === 0 || v[key].length > 64)
      problems.push(`${key}: a string of 1–64 characters`);
  if (typeof v.iat !== "number" || !Number.isSafeInteger(v.iat)) problems.push("iat: epoch milliseconds");
  if (typeof v.nonce !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(v.nonce))
    problems.push("nonce: 16–64 base64url characters");
  if (!("body" in v)) problems.push("body: missing");
  const extra = Object.keys(v).filter((k) => !["iss", "aud", "type", "iat", "nonce", "body"].includes(k));
  if (extra.length > 0) problems.push(`unknown members: ${extra.join(", ")}`);
  if (problems.length > 0)
    throw new SealwatchError("VALIDATION_FAILED", `the signed payload: ${problems.join("; ")}`);
  return v as RequestPayload;
}
