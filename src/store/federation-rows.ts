/**
 * Federation records to rows and back, shared by both stores. The columns that are looked up or
 * filtered on are columns; the rest of a record is one JSON document (`doc`).
 */
import { bytes, text, type Row } from "./rows.js";
import { fromJsonText, toJsonText } from "./json-value.js";
import type { InstanceKeyRecord, PartnerRecord } from "./federation-ports.js";

export const INSTANCE_KEY_COLUMNS = ["kid", "status", "created_at_ms", "sealed_private_key", "doc"] as const;

export function instanceKeyParams(k: InstanceKeyRecord): unknown[] {
  const { kid, status, createdAtMs, sealedPrivateKey, ...rest } = k;
  return [kid, status, createdAtMs, Buffer.from(sealedPrivateKey), toJsonText(rest)];
}

export function instanceKeyFromRow(row: Row): InstanceKeyRecord {
  const doc = fromJsonText(row.doc) as Omit<
    InstanceKeyRecord,
    "kid" | "status" | "createdAtMs" | "sealedPrivateKey"
  >;
  return {
    ...doc,
    kid: text(row.kid),
    status: text(row.status) as InstanceKeyRecord["status"],
    createdAtMs: Number(row.created_at_ms),
    sealedPrivateKey: bytes(row.sealed_private_key),
  };
}

export const PARTNER_COLUMNS = ["id", "status", "updated_at_ms", "doc"] as const;

export function partnerParams(p: PartnerRecord): unknown[] {
  const { id, status, updatedAtMs, ...rest } = p;
  return [id, status, updatedAtMs, toJsonText(rest)];
}

export function partnerFromRow(row: Row): PartnerRecord {
  const doc = fromJsonText(row.doc) as Omit<PartnerRecord, "id" | "status" | "updatedAtMs">;
  return {
    ...doc,
    id: text(row.id),
    status: text(row.status) as PartnerRecord["status"],
    updatedAtMs: Number(row.updated_at_ms),
  };
}
