/** The outbox and the webhook subscriptions in SQLite (see outbox-ports.ts). */
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
  marks,
  messageFromRow,
  newMessageParams,
  settleUpdate,
  subscriptionFromRow,
  subscriptionParams,
  progressCheck,
} from "../outbox-rows.js";
import type { Row } from "../rows.js";
import { appendAuditNow } from "./sqlite-audit.js";
import type { SqliteDb } from "./sqlite-db.js";
import { upsertSql } from "./sqlite-registry.js";

const SELECT = `SELECT ${OUTBOX_COLUMNS.join(", ")} FROM outbox`;
const INSERT = `INSERT INTO outbox (${OUTBOX_INSERT_COLUMNS.join(", ")}) VALUES (${marks(OUTBOX_INSERT_COLUMNS.length)})
  RETURNING ${OUTBOX_COLUMNS.join(", ")}`;

export class SqliteOutbox implements OutboxStore {
  constructor(private readonly s: SqliteDb) {}

  enqueue(
    messages: readonly NewOutboxMessage[],
    options: EnqueueOptions = {},
  ): Promise<{ messages: OutboxMessage[]; audit: AuditRecord[] }> {
    return this.s.write(() => {
      const expected = options.progress?.expected;
      if (expected !== undefined) {
        const row = this.s.stmt("SELECT value FROM engine_state WHERE key = ?").get(options.progress!.key) as
          Row | undefined;
        progressCheck(
          options.progress!.key,
          expected,
          row === undefined ? null : String(row.value),
          this.s.location,
        );
      }
      const insert = this.s.stmt(INSERT);
      const stored = messages.map((m) => messageFromRow(insert.get(newMessageParams(m)) as Row));
      const audit = options.audit === undefined ? [] : appendAuditNow(this.s, options.audit);
      if (options.progress !== undefined)
        this.s
          .stmt(
            "INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          )
          .run(options.progress.key, options.progress.value);
      return { messages: stored, audit };
    });
  }

  claim(nowMs: number, limit: number, leaseMs: number, kinds?: readonly string[]): Promise<OutboxMessage[]> {
    return this.s.write(() => {
      const ids = (
        this.s
          .stmt(
            `SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at_ms <= ?
               AND o.leased_until_ms <= ? AND (? IS NULL OR o.kind IN (SELECT value FROM json_each(?)))
               AND ${IS_HEAD}
             ORDER BY o.next_attempt_at_ms, o.id LIMIT ?`,
          )
          .all(nowMs, nowMs, kinds === undefined ? null : 1, JSON.stringify(kinds ?? []), limit) as {
          id: number;
        }[]
      ).map((r) => r.id);
      const lease = this.s.stmt(
        `UPDATE outbox SET leased_until_ms = ? WHERE id = ? RETURNING ${OUTBOX_COLUMNS.join(", ")}`,
      );
      return ids.map((id) => messageFromRow(lease.get(nowMs + leaseMs, id) as Row));
    });
  }

  settle(id: number, outcome: AttemptOutcome): Promise<boolean> {
    const { set, params } = settleUpdate(outcome);
    return this.s.write(
      () =>
        this.s.stmt(`UPDATE outbox SET ${set} WHERE id = ? AND status = 'pending'`).run(...params, id)
          .changes === 1,
    );
  }

  redeliver(atMs: number, ids?: readonly number[], filter: OutboxFilter = {}): Promise<number> {
    return this.s.write(() => {
      const set =
        "status = 'pending', attempts = 0, next_attempt_at_ms = ?, leased_until_ms = 0, dead_at_ms = NULL, updated_at_ms = ?";
      if (ids !== undefined)
        return this.s
          .stmt(
            `UPDATE outbox SET ${set} WHERE status IN ('pending', 'dead') AND id IN (SELECT value FROM json_each(?))`,
          )
          .run(atMs, atMs, JSON.stringify(ids)).changes;
      const { where, params } = filterWhere({ ...filter, status: ["dead"] });
      return this.s.stmt(`UPDATE outbox SET ${set} ${where}`).run(atMs, atMs, ...params).changes;
    });
  }

  discard(id: number, atMs: number, actor: string): Promise<boolean> {
    return this.s.write(
      () =>
        this.s
          .stmt(
            "UPDATE outbox SET status = 'discarded', discarded_by = ?, leased_until_ms = 0, dead_at_ms = coalesce(dead_at_ms, ?), updated_at_ms = ? WHERE id = ? AND status IN ('pending', 'dead')",
          )
          .run(actor, atMs, atMs, id).changes === 1,
    );
  }

  get(id: number): Promise<OutboxMessage | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row === undefined ? undefined : messageFromRow(row);
    });
  }

  list(filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
    const { where, params } = filterWhere(filter);
    const order = filter.newestFirst === true ? "DESC" : "ASC";
    return this.s.read(() =>
      (
        this.s
          .stmt(`${SELECT} ${where} ORDER BY id ${order} LIMIT ?`)
          .all(...params, filter.limit ?? -1) as Row[]
      ).map(messageFromRow),
    );
  }

  counts(): Promise<{ kind: string; status: OutboxStatus; count: number }[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt("SELECT kind, status, count(*) AS n FROM outbox GROUP BY kind, status ORDER BY kind, status")
          .all() as {
          kind: string;
          status: OutboxStatus;
          n: number;
        }[]
      ).map((r) => ({ kind: r.kind, status: r.status, count: r.n })),
    );
  }

  purge(beforeMs: number): Promise<number> {
    return this.s.write(
      () =>
        this.s
          .stmt("DELETE FROM outbox WHERE status IN ('delivered', 'discarded') AND updated_at_ms < ?")
          .run(beforeMs).changes,
    );
  }
}

export class SqliteSubscriptions implements SubscriptionStore {
  constructor(private readonly s: SqliteDb) {}

  put(subscription: SubscriptionRecord): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(upsertSql("subscriptions", SUBSCRIPTION_COLUMNS, ["id"]))
        .run(subscriptionParams(subscription));
    });
  }

  get(id: string): Promise<SubscriptionRecord | undefined> {
    return this.s.read(() => {
      const row = this.s
        .stmt(`SELECT ${SUBSCRIPTION_COLUMNS.join(", ")} FROM subscriptions WHERE id = ?`)
        .get(id) as Row | undefined;
      return row === undefined ? undefined : subscriptionFromRow(row);
    });
  }

  list(
    filter: { ownerId?: string; companyId?: string; includeDeleted?: boolean } = {},
  ): Promise<SubscriptionRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${SUBSCRIPTION_COLUMNS.join(", ")} FROM subscriptions
             WHERE (@owner IS NULL OR owner_id = @owner) AND (@company IS NULL OR company_id = @company)
               AND (@all = 1 OR status = 'active')
             ORDER BY created_at_ms, id`,
          )
          .all({
            owner: filter.ownerId ?? null,
            company: filter.companyId ?? null,
            all: filter.includeDeleted === true ? 1 : 0,
          }) as Row[]
      ).map(subscriptionFromRow),
    );
  }
}
