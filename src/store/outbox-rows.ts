/**
 * Outbox messages and subscriptions to rows and back, shared by both stores, and the SQL both
 * dialects share (placeholders are written `?` and numbered for PostgreSQL by `numbered`).
 */
import { StoreError } from "./store-error.js";
import { bytes, text, type Row } from "./rows.js";
import { fromJsonText, toJsonText } from "./json-value.js";
import type {
  AttemptOutcome,
  NewOutboxMessage,
  OutboxFilter,
  OutboxMessage,
  SubscriptionRecord,
} from "./outbox-ports.js";

/** The columns an enqueue writes, in order (see `newMessageParams`). */
export const OUTBOX_INSERT_COLUMNS = [
  "kind",
  "destination",
  "ordering_key",
  "company_id",
  "status",
  "attempts",
  "next_attempt_at_ms",
  "leased_until_ms",
  "created_at_ms",
  "updated_at_ms",
  "payload",
] as const;

export const OUTBOX_COLUMNS = [
  "id",
  ...OUTBOX_INSERT_COLUMNS,
  "last_attempt_at_ms",
  "last_error",
  "last_status_code",
  "delivered_at_ms",
  "dead_at_ms",
  "discarded_by",
] as const;

/** Longest error text kept per attempt (a receiver's answer can be anything). */
export const MAX_ERROR_CHARS = 500;

export function newMessageParams(m: NewOutboxMessage): unknown[] {
  const due = m.notBeforeMs ?? m.createdAtMs;
  return [
    m.kind,
    m.destination,
    m.orderingKey ?? null,
    m.companyId ?? null,
    "pending",
    0,
    due,
    0,
    m.createdAtMs,
    m.createdAtMs,
    toJsonText(m.payload) ?? "null",
  ];
}

const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const optText = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : text(v));

export function messageFromRow(row: Row): OutboxMessage {
  const m: Record<string, unknown> = {
    id: Number(row.id),
    kind: text(row.kind),
    destination: text(row.destination),
    orderingKey: optText(row.ordering_key),
    companyId: optText(row.company_id),
    payload: fromJsonText(row.payload),
    createdAtMs: Number(row.created_at_ms),
    status: text(row.status),
    attempts: Number(row.attempts),
    nextAttemptAtMs: Number(row.next_attempt_at_ms),
    leasedUntilMs: Number(row.leased_until_ms) > 0 ? Number(row.leased_until_ms) : undefined,
    lastAttemptAtMs: opt(row.last_attempt_at_ms),
    lastError: optText(row.last_error),
    lastStatusCode: opt(row.last_status_code),
    deliveredAtMs: opt(row.delivered_at_ms),
    deadAtMs: opt(row.dead_at_ms),
    discardedBy: optText(row.discarded_by),
    updatedAtMs: Number(row.updated_at_ms),
  };
  for (const key of Object.keys(m)) if (m[key] === undefined) delete m[key];
  return m as unknown as OutboxMessage;
}

/**
 * The UPDATE of a settled attempt: its SET clause and parameters (then the id and the pending
 * status are matched).
 */
export function settleUpdate(outcome: AttemptOutcome): { set: string; params: unknown[] } {
  const common = [outcome.atMs, outcome.atMs, outcome.statusCode ?? null];
  if (outcome.kind === "delivered")
    return {
      set: "status = 'delivered', attempts = attempts + 1, leased_until_ms = 0, updated_at_ms = ?, last_attempt_at_ms = ?, last_status_code = ?, last_error = NULL, delivered_at_ms = ?",
      params: [...common, outcome.atMs],
    };
  const error = outcome.error.slice(0, MAX_ERROR_CHARS);
  if (outcome.retryAtMs === undefined)
    return {
      set: "status = 'dead', attempts = attempts + 1, leased_until_ms = 0, updated_at_ms = ?, last_attempt_at_ms = ?, last_status_code = ?, last_error = ?, dead_at_ms = ?",
      params: [...common, error, outcome.atMs],
    };
  return {
    set: "attempts = attempts + 1, leased_until_ms = 0, updated_at_ms = ?, last_attempt_at_ms = ?, last_status_code = ?, last_error = ?, next_attempt_at_ms = ?",
    params: [...common, error, outcome.retryAtMs],
  };
}

/**
 * A message `o` is a head when no earlier message of its destination and ordering key is still
 * undelivered (pending or dead): only heads are handed out, so order holds per key.
 */
export const IS_HEAD = `NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = o.destination
  AND p.ordering_key = o.ordering_key AND p.id < o.id AND p.status IN ('pending', 'dead'))`;

/** WHERE clause and parameters of a list filter. */
export function filterWhere(filter: OutboxFilter): {
  where: string;
  params: unknown[];
} {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    clauses.push(`status IN (${marks(filter.status.length)})`);
    params.push(...filter.status);
  }
  const eq = (column: string, value: string | number | undefined, op = "="): void => {
    if (value === undefined) return;
    clauses.push(`${column} ${op} ?`);
    params.push(value);
  };
  eq("kind", filter.kind);
  eq("destination", filter.destination);
  eq("ordering_key", filter.orderingKey);
  eq("company_id", filter.companyId);
  eq("id", filter.afterId, ">");
  eq("id", filter.beforeId, "<");
  return { where: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}

/** `?, ?, ?` for n values. */
export const marks = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** Numbers the `?` placeholders of `sql` as `$1, $2, ...` (PostgreSQL). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// ---------------------------------------------------------------- subscriptions

export const SUBSCRIPTION_COLUMNS = [
  "id",
  "owner_id",
  "company_id",
  "status",
  "created_at_ms",
  "sealed_secret",
  "doc",
] as const;

export function subscriptionParams(s: SubscriptionRecord): unknown[] {
  const { id, owner, companyId, status, createdAtMs, sealedSecret, ...rest } = s;
  return [
    id,
    owner.id,
    companyId ?? null,
    status,
    createdAtMs,
    sealedSecret === undefined ? null : Buffer.from(sealedSecret),
    toJsonText({ ...rest, owner }),
  ];
}

export function subscriptionFromRow(row: Row): SubscriptionRecord {
  const doc = fromJsonText(row.doc) as Omit<
    SubscriptionRecord,
    "id" | "companyId" | "status" | "createdAtMs" | "sealedSecret"
  >;
  return {
    ...doc,
    id: text(row.id),
    ...(row.company_id === null || row.company_id === undefined ? {} : { companyId: text(row.company_id) }),
    status: text(row.status) as SubscriptionRecord["status"],
    createdAtMs: Number(row.created_at_ms),
    ...(row.sealed_secret === null || row.sealed_secret === undefined
      ? {}
      : { sealedSecret: bytes(row.sealed_secret) }),
  };
}

/** Refuses an enqueue whose progress key does not hold the expected value (see EnqueueOptions). */
export function progressCheck(
  key: string,
  expected: string | null,
  actual: string | null,
  location: string,
): void {
  if (actual !== expected)
    throw new StoreError(
      "STORE_CONFLICT",
      `${location}: progress ${key} moved (another producer enqueued this step); nothing was enqueued`,
    );
}
