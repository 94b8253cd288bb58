/**
 * Verifies a trip dossier offline: no server, no network, only the dossier and the keys the
 * verifier trusts. Every check runs (a failed signature does not stop the diagnosis), and each
 * problem is named with its kind, so that the verifier learns exactly what failed:
 *
 * - `malformed` / `not-canonical`: not a dossier, or its bytes are not the RFC 8785 form it was
 *   signed in (a byte changed);
 * - `unknown-key` / `revoked-key`: signed with a key the trust set does not hold, or revoked;
 * - `bad-signature`: the JWS does not verify (the document was changed after signing);
 * - `record-altered` / `record-removed` / `record-added`: a record no longer hashes to its leaf, or
 *   the records and the leaves differ in number;
 * - `proof-broken`: the leaves do not give the root, the root is not the one anchored in the issuer's
 *   audit record, the anchor record does not hash to itself, or the signed head is not at the anchor;
 * - `seal-continuity`: the seal verdict the dossier states is not what its own records show (a broken
 *   seal history presented as intact).
 *
 * Pure: the caller reads the files.
 */
import { auditHash } from "../store/audit-chain.js";
import { verifySignedHead, type SignedHead } from "../store/audit-signing.js";
import type { AuditRecord } from "../store/ports.js";
import { jcs } from "../core/canonical-json.js";
import {
  ANCHOR_ACTION,
  DOSSIER_FORMAT,
  DOSSIER_TYP,
  sealVerdict,
  type DossierDocument,
  type DossierRecord,
} from "./format.js";
import { parseJws, verifyJws } from "./jose.js";
import { leafHash, merkleRoot } from "./merkle.js";
import type { KeyLookup } from "./trust.js";

export type DossierProblemKind =
  | "malformed"
  | "not-canonical"
  | "unknown-key"
  | "revoked-key"
  | "bad-signature"
  | "record-altered"
  | "record-removed"
  | "record-added"
  | "proof-broken"
  | "seal-continuity";

export interface DossierProblem {
  readonly kind: DossierProblemKind;
  readonly message: string;
}

export interface DossierVerdict {
  readonly ok: boolean;
  readonly problems: readonly DossierProblem[];
  /** The document, when it had a dossier's shape (read it only when `ok`). */
  readonly dossier?: DossierDocument;
  readonly kid?: string;
}

/** Verifies the file form (RFC 8785 text and an optional newline). */
export function verifyDossierText(text: string, lookup: (kid: string) => KeyLookup): DossierVerdict {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return fail("malformed", `the file is not JSON (${(error as Error).message})`);
  }
  const verdict = verifyDossierEnvelope(value, lookup);
  let canonical: string | undefined;
  try {
    canonical = jcs(value);
  } catch {
    canonical = undefined;
  }
  if (canonical === body) return verdict;
  return {
    ...verdict,
    ok: false,
    problems: [
      {
        kind: "not-canonical",
        message:
          "the file is not in the RFC 8785 canonical form it was issued in: it was changed after export",
      },
      ...verdict.problems,
    ],
  };
}

/** Verifies a parsed envelope `{ dossier, signature }`. */
export function verifyDossierEnvelope(value: unknown, lookup: (kid: string) => KeyLookup): DossierVerdict {
  if (!isObject(value) || !isObject(value.dossier) || typeof value.signature !== "string")
    return fail(
      "malformed",
      "a dossier file is { dossier, signature } with the dossier an object and the signature a JWS",
    );
  const problems: DossierProblem[] = [];
  const add = (kind: DossierProblemKind, message: string) => problems.push({ kind, message });
  const dossier = value.dossier;
  const shape = shapeProblems(dossier);
  for (const message of shape) add("malformed", message);

  // The signature, first.
  const jws = parseJws(value.signature, { detached: true });
  let kid: string | undefined;
  if (!jws.ok) add("bad-signature", `the signature is not a detached EdDSA JWS: ${jws.problem}`);
  else {
    kid = jws.header.kid;
    if (jws.header.typ !== DOSSIER_TYP)
      add("bad-signature", `the JWS typ is ${JSON.stringify(jws.header.typ)}, not ${DOSSIER_TYP}`);
    const found = lookup(kid);
    const issuer = isObject(dossier.issuer) ? dossier.issuer.id : undefined;
    if (found.kind === "unknown")
      add("unknown-key", `signed with key ${kid}, which the trust set does not hold`);
    else if (found.kind === "revoked")
      add(
        "revoked-key",
        `signed with key ${kid}, revoked${found.revokedAt === undefined ? "" : ` at ${found.revokedAt}`}${found.reason === undefined ? "" : ` (${found.reason})`}`,
      );
    else {
      if (found.key.issuer !== undefined && found.key.issuer !== issuer)
        add("unknown-key", `key ${kid} belongs to ${found.key.issuer}, not to the issuer ${String(issuer)}`);
      let payload: string | undefined;
      try {
        payload = jcs(dossier);
      } catch (error) {
        add("malformed", `the dossier cannot be put in canonical form (${(error as Error).message})`);
      }
      if (payload !== undefined && !verifyJws(jws, found.key.key, payload))
        add(
          "bad-signature",
          "the signature does not verify over the dossier: it was changed after signing, or signed by another key",
        );
    }
  }
  if (shape.length > 0) return { ok: false, problems, ...(kid === undefined ? {} : { kid }) };

  const doc = dossier as unknown as DossierDocument;
  problems.push(...proofProblems(doc, lookup));
  const stated = doc.seal;
  const found = sealVerdict(
    doc.records,
    doc.devices.map((d) => d.id),
    doc.trip.armedAt,
  );
  if (stated.intact && !found.intact)
    add(
      "seal-continuity",
      `the dossier presents the seal as intact, but its records show otherwise: ${found.reason ?? "broken"}`,
    );
  else if (!stated.intact && found.intact)
    add(
      "seal-continuity",
      "the dossier presents the seal as broken, but its records show it intact since arming",
    );
  return { ok: problems.length === 0, problems, dossier: doc, ...(kid === undefined ? {} : { kid }) };
}

function proofProblems(doc: DossierDocument, lookup: (kid: string) => KeyLookup): DossierProblem[] {
  const problems: DossierProblem[] = [];
  const add = (kind: DossierProblemKind, message: string) => problems.push({ kind, message });
  const { leaves, root, anchor, head } = doc.proof;
  const hashes = doc.records.map((r) => leafHash(jcs(r)));
  if (hashes.length < leaves.length)
    add(
      "record-removed",
      `${leaves.length - hashes.length} record(s) removed: the dossier holds ${hashes.length} records, its proof ${leaves.length}`,
    );
  if (hashes.length > leaves.length)
    add(
      "record-added",
      `${hashes.length - leaves.length} record(s) added: the dossier holds ${hashes.length} records, its proof ${leaves.length}`,
    );
  if (hashes.length === leaves.length)
    hashes.forEach((hash, i) => {
      if (hash !== leaves[i])
        add(
          "record-altered",
          `records[${i}] (${describe(doc.records[i]!)}) does not hash to its leaf in the proof: it was altered`,
        );
    });
  if (merkleRoot(leaves) !== root) add("proof-broken", "the proof's leaves do not give its root");
  const details: Record<string, unknown> = isObject(anchor.details) ? anchor.details : {};
  if (auditHash(anchor.prevHash, anchor) !== anchor.hash)
    add(
      "proof-broken",
      `the anchor (audit record ${anchor.seq}) does not hash to its own hash: it was altered`,
    );
  if (anchor.action !== ANCHOR_ACTION || anchor.subjectId !== doc.trip.id || details.tripId !== doc.trip.id)
    add("proof-broken", `the anchor (audit record ${anchor.seq}) is not the issue of this trip's dossier`);
  if (details.root !== root || details.records !== leaves.length)
    add("proof-broken", `the root anchored in audit record ${anchor.seq} is not the root of these records`);
  if (head.seq !== anchor.seq || head.hash !== anchor.hash)
    add("proof-broken", `the signed audit head (seq ${head.seq}) is not at the anchor (seq ${anchor.seq})`);
  if (head.storeLocation !== doc.issuer.id)
    add("proof-broken", `the signed audit head is ${JSON.stringify(head.storeLocation)}'s, not the issuer's`);
  const headKid = head.keyId ?? "";
  const found = lookup(headKid);
  if (found.kind === "revoked") add("revoked-key", `the audit head is signed with key ${headKid}, revoked`);
  else if (found.kind === "unknown")
    add(
      "unknown-key",
      `the audit head is signed with key ${headKid || "(none named)"}, which the trust set does not hold`,
    );
  else {
    const check = verifySignedHead(head, new Map([[headKid, found.key.key]]));
    if (!check.ok) add("proof-broken", `the signed audit head does not verify: ${check.problem}`);
  }
  return problems;
}

function describe(record: DossierRecord): string {
  return `${record.kind}${"deviceId" in record && record.deviceId !== null ? ` of ${record.deviceId}` : ""} at ${record.at}`;
}

/** The structure the checks read: enough to run them without a crash on hostile input. */
function shapeProblems(d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (d.format !== DOSSIER_FORMAT)
    problems.push(`format is ${JSON.stringify(d.format)}, not ${DOSSIER_FORMAT}`);
  if (!isObject(d.issuer) || typeof d.issuer.id !== "string") problems.push("issuer.id is missing");
  if (!isObject(d.trip) || typeof d.trip.id !== "string") problems.push("trip.id is missing");
  else if (d.trip.armedAt !== undefined && typeof d.trip.armedAt !== "string")
    problems.push("trip.armedAt is not a time");
  if (!isObject(d.seal) || typeof d.seal.intact !== "boolean") problems.push("seal.intact is missing");
  if (!Array.isArray(d.devices) || !d.devices.every((x) => isObject(x) && typeof x.id === "string"))
    problems.push("devices must be a list of devices with ids");
  if (!Array.isArray(d.records) || !d.records.every(recordShape))
    problems.push("records must be a list of records, each with kind and at");
  const proof = d.proof;
  if (
    !isObject(proof) ||
    !Array.isArray(proof.leaves) ||
    !proof.leaves.every((l) => typeof l === "string" && /^[0-9a-f]{64}$/.test(l)) ||
    typeof proof.root !== "string" ||
    !isObject(proof.anchor) ||
    !isObject(proof.head)
  )
    problems.push("proof must hold leaves, root, anchor and head");
  else {
    const anchor = proof.anchor as Partial<AuditRecord>;
    if (
      typeof anchor.seq !== "number" ||
      typeof anchor.hash !== "string" ||
      typeof anchor.prevHash !== "string"
    )
      problems.push("proof.anchor is not an audit record");
    const head = proof.head as Partial<SignedHead>;
    if (
      typeof head.seq !== "number" ||
      typeof head.hash !== "string" ||
      typeof head.signature !== "string" ||
      typeof head.publicKey !== "string"
    )
      problems.push("proof.head is not a signed audit head");
  }
  return problems;
}

function recordShape(r: unknown): boolean {
  if (
    !isObject(r) ||
    typeof r.kind !== "string" ||
    typeof r.at !== "string" ||
    Number.isNaN(Date.parse(r.at))
  )
    return false;
  if (r.kind === "seal")
    return (
      typeof r.deviceId === "string" &&
      typeof r.state === "string" &&
      (r.previous === null || typeof r.previous === "string")
    );
  return true;
}

function fail(kind: DossierProblemKind, message: string): DossierVerdict {
  return { ok: false, problems: [{ kind, message }] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
