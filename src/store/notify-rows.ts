/**
 * Notification records to rows and back, shared by both stores: each table keys one JSON document.
 * The statements differ only in their placeholders, so they are written once here.
 */
import type { NotificationProfile, NotificationRule, OnCallRoster } from "../core/notify/model.js";
import type { NotifyStore } from "./notify-ports.js";
import { fromJsonText, toJsonText } from "./json-value.js";
import type { Row } from "./rows.js";

/** Table, key column and the record's key, for each kind of notification record. */
export const NOTIFY_TABLES = {
  rule: {
    table: "notification_rules",
    key: "id",
    keyOf: (r: NotificationRule) => r.id,
    order: "created_at_ms, id",
  },
  roster: { table: "on_call_rosters", key: "office", keyOf: (r: OnCallRoster) => r.office, order: "office" },
  profile: {
    table: "notification_profiles",
    key: "user_id",
    keyOf: (p: NotificationProfile) => p.userId,
    order: "user_id",
  },
} as const;

export type NotifyKind = keyof typeof NOTIFY_TABLES;

/** The statements of one kind, with the dialect's placeholder `p(i)` (1-based). */
export function notifySql(kind: NotifyKind, p: (index: number) => string) {
  const { table, key, order } = NOTIFY_TABLES[kind];
  return {
    put: `INSERT INTO ${table} (${key}, created_at_ms, doc) VALUES (${p(1)}, ${p(2)}, ${p(3)})
          ON CONFLICT (${key}) DO UPDATE SET doc = excluded.doc`,
    get: `SELECT doc FROM ${table} WHERE ${key} = ${p(1)}`,
    list: `SELECT doc FROM ${table} ORDER BY ${order}`,
    delete: `DELETE FROM ${table} WHERE ${key} = ${p(1)}`,
  };
}

/** The statements of every kind, in one dialect. */
export function notifyStatements(p: (index: number) => string) {
  return { rule: notifySql("rule", p), roster: notifySql("roster", p), profile: notifySql("profile", p) };
}

/** The parameters of `put`: key, creation time (rules; else 0), document. */
export function notifyParams<K extends NotifyKind>(kind: K, record: NotifyRecord<K>): unknown[] {
  const keyOf = NOTIFY_TABLES[kind].keyOf as (r: NotifyRecord<K>) => string;
  const created = kind === "rule" ? (record as NotificationRule).createdAtMs : 0;
  return [keyOf(record), created, toJsonText(record)];
}

export type NotifyRecord<K extends NotifyKind> = K extends "rule"
  ? NotificationRule
  : K extends "roster"
    ? OnCallRoster
    : NotificationProfile;

export function notifyFromRow<K extends NotifyKind>(row: Row): NotifyRecord<K> {
  return fromJsonText(row.doc) as NotifyRecord<K>;
}

/**
 * The port's methods over four primitives each store implements in its dialect (public, so that the
 * SQLite writer thread can run `put` and `remove` for the main thread).
 */
export abstract class NotifyDocs implements NotifyStore {
  abstract put<K extends NotifyKind>(kind: K, record: NotifyRecord<K>): Promise<void>;
  abstract get<K extends NotifyKind>(kind: K, key: string): Promise<NotifyRecord<K> | undefined>;
  abstract list<K extends NotifyKind>(kind: K): Promise<NotifyRecord<K>[]>;
  abstract remove(kind: NotifyKind, key: string): Promise<boolean>;

  putRule(rule: NotificationRule): Promise<void> {
    return this.put("rule", rule);
  }
  rule(id: string): Promise<NotificationRule | undefined> {
    return this.get("rule", id);
  }
  rules(): Promise<NotificationRule[]> {
    return this.list("rule");
  }
  deleteRule(id: string): Promise<boolean> {
    return this.remove("rule", id);
  }
  putRoster(roster: OnCallRoster): Promise<void> {
    return this.put("roster", roster);
  }
  roster(office: string): Promise<OnCallRoster | undefined> {
    return this.get("roster", office);
  }
  rosters(): Promise<OnCallRoster[]> {
    return this.list("roster");
  }
  deleteRoster(office: string): Promise<boolean> {
    return this.remove("roster", office);
  }
  putProfile(profile: NotificationProfile): Promise<void> {
    return this.put("profile", profile);
  }
  profile(userId: string): Promise<NotificationProfile | undefined> {
    return this.get("profile", userId);
  }
}
