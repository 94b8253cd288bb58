/**
 * The store's notification part: the rules supervisors write (who is told about which alarm), the
 * on-call roster of each office, and each user's notification profile (language, e-mail address,
 * push subscriptions). Part of the Store port (`store.notify`), with the same two implementations
 * and contract suite. What was sent for each alarm is not here: it is the outbox's messages, and the
 * notifier's progress per alarm is committed with them (see src/notify/notifier.ts).
 */
import type { NotificationProfile, NotificationRule, OnCallRoster } from "../core/notify/model.js";

export interface NotifyStore {
  /** Inserts or replaces a rule by id. */
  putRule(rule: NotificationRule): Promise<void>;
  rule(id: string): Promise<NotificationRule | undefined>;
  /** Every rule, oldest first. */
  rules(): Promise<NotificationRule[]>;
  /** False when there was none. */
  deleteRule(id: string): Promise<boolean>;
  /** Inserts or replaces the roster of `roster.office`. */
  putRoster(roster: OnCallRoster): Promise<void>;
  roster(office: string): Promise<OnCallRoster | undefined>;
  /** Every roster, by office. */
  rosters(): Promise<OnCallRoster[]>;
  deleteRoster(office: string): Promise<boolean>;
  /** Inserts or replaces a user's profile. */
  putProfile(profile: NotificationProfile): Promise<void>;
  profile(userId: string): Promise<NotificationProfile | undefined>;
}
