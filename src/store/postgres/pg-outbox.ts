/** The outbox and the webhook subscriptions in PostgreSQL (see outbox-ports.ts). */
import type { AuditRecord } from "../ports.js";
import type {
  AttemptOutcome,
  EnqueueOptions,
  NewOutboxMessage,
  OutboxFilter,
  OutboxMessage,
  OutboxStatus,
  OutboxStore,
  SubscriptionRecord,
  SubscriptionStore,
} from "../outbox-ports.js";
import {
  IS_HEAD,
  OUTBOX_COLUMNS,
  OUTBOX_INSERT_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  filterWhere,
  messageFromRow,
  newMessageParams,
  numbered,
  settleUpdate,
  subscriptionFromRow,
  subscriptionParams,
  progressCheck,
} from "../outbox-rows.js";
import type { Row } from "../rows.js";
import { appendAuditIn } from "./pg-audit.js";
import type { PgDb } from "./pg-db.js";
import { placeholders, upsertSql } from "./pg-sql.js";

const SELECT = `SELECT ${OUTBOX_COLUMNS.join(", ")} FROM outbox`;
const INSERT = `INSERT INTO outbox (${OUTBOX_INSERT_COLUMNS.join(", ")}) VALUES (${placeholders(OUTBOX_INSERT_COLUMNS.length)})
  RETURNING ${OUTBOX_COLUMNS.join(", ")}`;
/**
 * pg_advisory_xact_lock key for enqueues ("SWOUTB"): ids are drawn and committed in the same order,
 * so a dispatcher never sees a later message of a key before an earlier one is visible.
 */
const ENQUEUE_LOCK = 0x5357_4f55_5442;
const REDELIVER_SET =
  "status = 'pending', attempts = 0, next_attempt_at_ms = ?, leased_until_ms = 0, dead_at_ms = NULL, updated_at_ms = ?";

export class PgOutbox implements OutboxStore {
  constructor(private readonly db: PgDb) {}

  enqueue(
    messages: readonly NewOutboxMessage[],
    options: EnqueueOptions = {},
  ): Promise<{ messages: OutboxMessage[]; audit: AuditRecord[] }> {
    return this.db.transaction(async (c) => {
      await this.db.query("SELECT pg_advisory_xact_lock($1)", [ENQUEUE_LOCK], c);
      const expected = options.progress?.expected;
      if (expected !== undefined) {
        // Every enqueue holds the lock above, so nothing changes the key between this read and the write.
        const { rows } = await this.db.query<Row>(
          "SELECT value FROM engine_state WHERE key = $1",
          [options.progress!.key],
          c,
        );
        progressCheck(
          options.progress!.key,
          expected,
          rows[0] === undefined ? null : String(rows[0].value),
          this.db.location,
        );
      }
      const stored: OutboxMessage[] = [];
      for (const m of messages) {
        const { rows } = await this.db.query<Row>(INSERT, newMessageParams(m), c);
        stored.push(messageFromRow(rows[0]!));
      }
      const audit = options.audit === undefined ? [] : await appendAuditIn(this.db, c, options.audit);
      if (options.progress !== undefined)
        await this.db.query(
          "INSERT INTO engine_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [options.progress.key, options.progress.value],
          c,
        );
      return { messages: stored, audit };
    });
  }

  async claim(
    nowMs: number,
    limit: number,
    leaseMs: number,
    kinds?: readonly string[],
  ): Promise<OutboxMessage[]> {
    const { rows } = await this.db.query<Row>(
      `UPDATE outbox SET leased_until_ms = $1 WHERE id IN (
         SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at_ms <= $2
           AND o.leased_until_ms <= $2 AND ($3::text[] IS NULL OR o.kind = ANY($3)) AND ${IS_HEAD}
         ORDER BY o.next_attempt_at_ms, o.id LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING ${OUTBOX_COLUMNS.join(", ")}`,
      [nowMs + leaseMs, nowMs, kinds ?? null, limit],
    );
    return rows.map(messageFromRow).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.id - b.id);
  }

  async settle(id: number, outcome: AttemptOutcome): Promise<boolean> {
    const { set, params } = settleUpdate(outcome);
    const { rowCount } = await this.db.query(
      numbered(`UPDATE outbox SET ${set} WHERE id = ? AND status = 'pending'`),
      [...params, id],
    );
    return rowCount === 1;
  }

  async redeliver(atMs: number, ids?: readonly number[], filter: OutboxFilter = {}): Promise<number> {
    if (ids !== undefined) {
      const { rowCount } = await this.db.query(
        numbered(
          `UPDATE outbox SET ${REDELIVER_SET} WHERE status IN ('pending', 'dead') AND id = ANY(?::bigint[])`,
        ),
        [atMs, atMs, ids],
      );
      return rowCount ?? 0;
    }
    const { where, params } = filterWhere({ ...filter, status: ["dead"] });
    const { rowCount } = await this.db.query(numbered(`UPDATE outbox SET ${REDELIVER_SET} ${where}`), [
      atMs,
      atMs,
      ...params,
    ]);
    return rowCount ?? 0;
  }

  async discard(id: number, atMs: number, actor: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "UPDATE outbox SET status = 'discarded', discarded_by = $1, leased_until_ms = 0, dead_at_ms = coalesce(dead_at_ms, $2), updated_at_ms = $2 WHERE id = $3 AND status IN ('pending', 'dead')",
      [actor, atMs, id],
    );
    return rowCount === 1;
  }

  async get(id: number): Promise<OutboxMessage | undefined> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : messageFromRow(rows[0]);
  }

  async list(filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
    const { where, params } = filterWhere(filter);
    const order = filter.newestFirst === true ? "DESC" : "ASC";
    const { rows } = await this.db.query<Row>(numbered(`${SELECT} ${where} ORDER BY id ${order} LIMIT ?`), [
      ...params,
      filter.limit ?? null,
    ]);
    return rows.map(messageFromRow);
  }

  async counts(): Promise<{ kind: string; status: OutboxStatus; count: number }[]> {
    const { rows } = await this.db.query<{ kind: string; status: OutboxStatus; n: number }>(
      `SELECT kind, status, count(*)::bigint AS n FROM outbox GROUP BY kind, status ORDER BY kind COLLATE "C", status COLLATE "C"`,
    );
    return rows.map((r) => ({ kind: r.kind, status: r.status, count: r.n }));
  }

  async purge(beforeMs: number): Promise<number> {
    const { rowCount } = await this.db.query(
      "DELETE FROM outbox WHERE status IN ('delivered', 'discarded') AND updated_at_ms < $1",
      [beforeMs],
    );
    return rowCount ?? 0;
  }
}

export class PgSubscriptions implements SubscriptionStore {
  constructor(private readonly db: PgDb) {}

  async put(subscription: SubscriptionRecord): Promise<void> {
    await this.db.query(
      upsertSql("subscriptions", SUBSCRIPTION_COLUMNS, ["id"]),
      subscriptionParams(subscription),
    );
  }

  async get(id: string): Promise<SubscriptionRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${SUBSCRIPTION_COLUMNS.join(", ")} FROM subscriptions WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : subscriptionFromRow(rows[0]);
  }

  async list(
    filter: { ownerId?: string; companyId?: string; includeDeleted?: boolean } = {},
  ): Promise<SubscriptionRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${SUBSCRIPTION_COLUMNS.join(", ")} FROM subscriptions
       WHERE ($1::text IS NULL OR owner_id = $1) AND ($2::text IS NULL OR company_id = $2) AND ($3 OR status = 'active')
       ORDER BY created_at_ms, id COLLATE "C"`,
      [filter.ownerId ?? null, filter.companyId ?? null, filter.includeDeleted === true],
    );
    return rows.map(subscriptionFromRow);
  }
}
