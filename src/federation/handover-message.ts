/**
 * The handover's two messages (docs/federation.md, section 5). The sender's signed request of type
 * `handover` carries a body `{ handoverId, tripId, office, devices, seals, dossier }`: the dossier
 * file exactly as issued (text), and what it hands over, stated apart so that the receiver checks
 * that both agree. The receiver answers with a receipt: a compact JWS (`typ`
 * `sealwatch-handover-receipt+jws`) whose payload names both trips, the office, the dossier it
 * received (digest) and whether the seal was recognised. Pure: no store, no clock.
 */
import { createHash, type KeyObject } from "node:crypto";
import { jcs } from "../core/canonical-json.js";
import { SealwatchError } from "../core/errors.js";
import { jwsPayload, parseJws, signCompact, verifyJws } from "../dossier/jose.js";
import type { SigningKey } from "./instance-keys.js";

export const HANDOVER_TYPE = "handover";
export const RECEIPT_TYP = "sealwatch-handover-receipt+jws";
export const RECEIPT_FORMAT = "sealwatch-handover-receipt/1";

export interface HandoverBody {
  /** Chosen by the sender (a UUID): the same handover sent again is answered with the same receipt. */
  readonly handoverId: string;
  /** The sender's trip (the dossier's trip id). */
  readonly tripId: string;
  /** The receiver's office where monitoring passes (customs office reference number). */
  readonly office: string;
  /** The sender's device ids, as in the dossier. */
  readonly devices: readonly string[];
  /** The seal identifiers recorded by the sender, as in the dossier's declaration. */
  readonly seals: readonly string[];
  /** The dossier file (canonical JSON and a newline), exactly as issued. */
  readonly dossier: string;
}

export type Recognition = "recognised" | "not-recognised";

export interface ReceiptPayload {
  readonly format: typeof RECEIPT_FORMAT;
  /** The receiving administration (it signs). */
  readonly iss: string;
  /** The sending administration. */
  readonly aud: string;
  readonly handoverId: string;
  /** The sender's trip. */
  readonly tripId: string;
  /** The receiver's continuing leg. */
  readonly legTripId: string;
  readonly office: string;
  /** SHA-256 (hex) of the dossier file received. */
  readonly dossierDigest: string;
  readonly recognition: Recognition;
  /** Why the seal was not recognised. */
  readonly reason?: string;
  /** When the receiver accepted the handover (RFC 3339). */
  readonly receivedAt: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const OFFICE = /^[A-Z]{2}[A-Z0-9]{1,14}$/;

/** SHA-256 (hex) of a dossier file's text. */
export function dossierDigest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Checks a handover request's body (already signature-checked); throws VALIDATION_FAILED naming every problem. */
export function checkHandoverBody(value: unknown, maxDossierBytes: number): HandoverBody {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SealwatchError("VALIDATION_FAILED", "the handover body is not an object");
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ["handoverId", "tripId"] as const)
    if (typeof v[key] !== "string" || !ID.test(v[key]))
      problems.push(`body.${key}: 1–64 characters of A–Z a–z 0–9 . _ : -`);
  if (typeof v.office !== "string" || !OFFICE.test(v.office))
    problems.push("body.office: a customs office reference number (country code and 1–14 letters or digits)");
  for (const key of ["devices", "seals"] as const) {
    const list = v[key];
    if (
      !Array.isArray(list) ||
      list.length > 100 ||
      list.some((x) => typeof x !== "string" || x.length === 0 || x.length > 64) ||
      new Set(list).size !== list.length
    )
      problems.push(`body.${key}: at most 100 different strings of 1–64 characters`);
  }
  if (Array.isArray(v.devices) && v.devices.length === 0) problems.push("body.devices: at least one device");
  if (typeof v.dossier !== "string" || v.dossier.length === 0)
    problems.push("body.dossier: the dossier file's text");
  else if (Buffer.byteLength(v.dossier) > maxDossierBytes)
    problems.push(`body.dossier: larger than ${maxDossierBytes} bytes`);
  const extra = Object.keys(v).filter(
    (k) => !["handoverId", "tripId", "office", "devices", "seals", "dossier"].includes(k),
  );
  if (extra.length > 0) problems.push(`body: unknown members ${extra.join(", ")}`);
  if (problems.length > 0)
    throw new SealwatchError("VALIDATION_FAILED", `the handover: ${problems.join("; ")}`);
  return v as unknown as HandoverBody;
}

/** The receipt, signed by the receiving administration's active key. */
export function signReceipt(signer: Pick<SigningKey, "kid" | "privateKey">, payload: ReceiptPayload): string {
  return signCompact(
    { alg: "EdDSA", kid: signer.kid, typ: RECEIPT_TYP, iss: payload.iss },
    jcs(payload),
    signer.privateKey,
  );
}

/** What a receipt says, once its signature verified; or why it cannot be trusted. */
export type OpenedReceipt =
  | { readonly ok: true; readonly payload: ReceiptPayload; readonly kid: string }
  | { readonly ok: false; readonly problem: string };

/**
 * Verifies a partner's receipt for `expected`: signed by `partnerId` with a key `keyFor` trusts,
 * for this handover, addressed to `selfId`.
 */
export function openReceipt(
  text: unknown,
  keyFor: (kid: string) => KeyObject | undefined,
  expected: { partnerId: string; selfId: string; handoverId: string; tripId: string },
): OpenedReceipt {
  const jws = parseJws(text);
  if (!jws.ok) return { ok: false, problem: `the receipt is not a compact JWS: ${jws.problem}` };
  if (jws.header.typ !== RECEIPT_TYP)
    return { ok: false, problem: `the receipt's typ is not ${RECEIPT_TYP}` };
  if (jws.header.iss !== expected.partnerId)
    return {
      ok: false,
      problem: `the receipt is signed for ${String(jws.header.iss)}, not ${expected.partnerId}`,
    };
  const key = keyFor(jws.header.kid);
  if (key === undefined)
    return {
      ok: false,
      problem: `the receipt's key ${jws.header.kid} is not pinned for ${expected.partnerId} (or revoked)`,
    };
  if (!verifyJws(jws, key)) return { ok: false, problem: "the receipt's signature does not verify" };
  let payload: ReceiptPayload;
  try {
    payload = JSON.parse(jwsPayload(jws).toString("utf8")) as ReceiptPayload;
  } catch {
    return { ok: false, problem: "the receipt's payload is not JSON" };
  }
  const problems: string[] = [];
  if (payload.format !== RECEIPT_FORMAT) problems.push("format is not sealwatch-handover-receipt/1");
  if (payload.iss !== expected.partnerId) problems.push("iss is not the partner");
  if (payload.aud !== expected.selfId) problems.push(`aud is not ${expected.selfId}`);
  if (payload.handoverId !== expected.handoverId) problems.push("it is for another handover");
  if (payload.tripId !== expected.tripId) problems.push("it is for another trip");
  if (payload.recognition !== "recognised" && payload.recognition !== "not-recognised")
    problems.push("recognition is neither recognised nor not-recognised");
  if (
    typeof payload.legTripId !== "string" ||
    payload.legTripId.length === 0 ||
    payload.legTripId.length > 64
  )
    problems.push("legTripId is missing");
  if (problems.length > 0) return { ok: false, problem: `the receipt: ${problems.join("; ")}` };
  return { ok: true, payload, kid: jws.header.kid };
}
