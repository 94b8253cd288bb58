/**
 * Inspection records to rows and back, shared by both stores: the columns filtered on are columns,
 * the whole record is one JSON document (`doc`).
 */
import { fromJsonText, toJsonText } from "./json-value.js";
import type { InspectionFilter, InspectionRecord } from "./inspection-ports.js";
import type { Row } from "./rows.js";

export const INSPECTION_COLUMNS = [
  "trip_id",
  "office",
  "channel",
  "fixed_at_ms",
  "released_at_ms",
  "updated_at_ms",
  "doc",
] as const;

export function inspectionParams(r: InspectionRecord): unknown[] {
  return [
    r.tripId,
    r.office,
    r.recommendation.channel,
    r.fixedAtMs,
    r.releasedAtMs ?? null,
    r.updatedAtMs,
    toJsonText(r),
  ];
}

export function inspectionFromRow(row: Row): InspectionRecord {
  return fromJsonText(row.doc) as InspectionRecord;
}

/** The WHERE clause and parameters of a filter; `p(i)` writes the dialect's i-th placeholder. */
export function inspectionWhere(
  filter: InspectionFilter,
  p: (index: number) => string,
): { readonly sql: string; readonly params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (first: number) => string, ...values: unknown[]) => {
    clauses.push(sql(params.length + 1));
    params.push(...values);
  };
  if (filter.fromMs !== undefined) add((i) => `fixed_at_ms >= ${p(i)}`, filter.fromMs);
  if (filter.toMs !== undefined) add((i) => `fixed_at_ms < ${p(i)}`, filter.toMs);
  for (const [column, values] of [
    ["office", filter.offices],
    ["trip_id", filter.tripIds],
  ] as const)
    if (values !== undefined)
      add(
        (i) =>
          values.length === 0 ? "FALSE" : `${column} IN (${values.map((_, k) => p(i + k)).join(", ")})`,
        ...values,
      );
  return { sql: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}
