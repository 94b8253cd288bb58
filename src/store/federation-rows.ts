/**
 * Federation records to rows and back, shared by both stores. The columns that are looked up or
 * filtered on are columns; the rest of a record is one JSON document (`doc`).
 */
import { bytes, text, type Row } from "./rows.js";
import { fromJsonText, toJsonText } from "./json-value.js";
import type { HandoverFilter, HandoverRecord, InstanceKeyRecord, PartnerRecord } from "./federation-ports.js";

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

export const HANDOVER_COLUMNS = [
  "id",
  "direction",
  "partner_id",
  "trip_id",
  "partner_trip_id",
  "status",
  "created_at_ms",
  "updated_at_ms",
  "doc",
] as const;

export function handoverParams(h: HandoverRecord): unknown[] {
  const { id, direction, partnerId, tripId, partnerTripId, status, createdAtMs, updatedAtMs, ...rest } = h;
  return [
    id,
    direction,
    partnerId,
    tripId,
    partnerTripId ?? null,
    status,
    createdAtMs,
    updatedAtMs,
    toJsonText(rest),
  ];
}

export function handoverFromRow(row: Row): HandoverRecord {
  const doc = fromJsonText(row.doc) as Omit<
    HandoverRecord,
    "id" | "direction" | "partnerId" | "tripId" | "partnerTripId" | "status" | "createdAtMs" | "updatedAtMs"
  >;
  return {
    ...doc,
    id: text(row.id),
    direction: text(row.direction) as HandoverRecord["direction"],
    partnerId: text(row.partner_id),
    tripId: text(row.trip_id),
    ...(row.partner_trip_id === null || row.partner_trip_id === undefined
      ? {}
      : { partnerTripId: text(row.partner_trip_id) }),
    status: text(row.status) as HandoverRecord["status"],
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

/** The WHERE clause, order and limit of a handover query; `placeholder(n)` is the engine's nth parameter. */
export function handoverQuery(
  filter: HandoverFilter,
  placeholder: (n: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (column: string, value: unknown): void => {
    params.push(value);
    where.push(`${column} = ${placeholder(params.length)}`);
  };
  if (filter.direction !== undefined) add("direction", filter.direction);
  if (filter.tripId !== undefined) add("trip_id", filter.tripId);
  if (filter.partnerId !== undefined) add("partner_id", filter.partnerId);
  if (filter.partnerTripId !== undefined) add("partner_trip_id", filter.partnerTripId);
  if (filter.status !== undefined) {
    if (filter.status.length === 0) where.push("1 = 0");
    else {
      const marks = filter.status.map((s) => {
        params.push(s);
        return placeholder(params.length);
      });
      where.push(`status IN (${marks.join(", ")})`);
    }
  }
  params.push(Math.max(1, Math.min(filter.limit ?? 1000, 10_000)));
  return {
    sql: `SELECT ${HANDOVER_COLUMNS.join(", ")} FROM handovers${where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`} ORDER BY created_at_ms, id LIMIT ${placeholder(params.length)}`,
    params,
  };
}
