/**
 * The store's outbox part: messages that must leave Sealwatch (webhook deliveries, partner messages,
 * e-mails), kept durably until a receiver has taken them, and the webhook subscriptions of partner
 * systems. Part of the Store port (`store.outbox`, `store.subscriptions`), with the same two
 * implementations and contract suite. How to add a message kind: docs/outbox.md.
 *
 * Promises: a message is enqueued in the same transaction as what causes it (audit entries and a
 * progress marker may be written with it); it stays until delivered, discarded or purged after
 * delivery; messages with the same destination and ordering key are handed out one at a time, in
 * enqueue order (the next waits while one is in flight, waiting for a retry, or dead).
 */
import type { AuditEntry, AuditRecord } from "./ports.js";

export type OutboxStatus = "pending" | "delivered" | "dead" | "discarded";

/** A message as a producer enqueues it. */
export interface NewOutboxMessage {
  /** What it is and who delivers it: "webhook", "partner.handover", "email"... (a dispatcher handler). */
  readonly kind: string;
  /** Where it goes, in the kind's terms (a subscription id, a partner id, an address). */
  readonly destination: string;
  /**
   * Messages with the same destination and ordering key are delivered in enqueue order, one at a
   * time (usually the trip id). Absent: no order with any other message.
   */
  readonly orderingKey?: string;
  /** The content (JSON). */
  readonly payload: unknown;
  /** Tenancy of the content (the trip's company), for the admin views and filters. */
  readonly companyId?: string;
  readonly createdAtMs: number;
  /** Not before this time (default: at once). */
  readonly notBeforeMs?: number;
}

export interface OutboxMessage extends NewOutboxMessage {
  /** Enqueue order (global, increasing). */
  readonly id: number;
  readonly status: OutboxStatus;
  /** Delivery attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (pending messages). */
  readonly nextAttemptAtMs: number;
  /** A dispatcher holds the message until then (an attempt in flight). */
  readonly leasedUntilMs?: number;
  readonly lastAttemptAtMs?: number;
  /** Why the last attempt failed. */
  readonly lastError?: string;
  /** The receiver's answer to the last attempt (e.g. an HTTP status). */
  readonly lastStatusCode?: number;
  readonly deliveredAtMs?: number;
  /** When it became dead (gave up) or was discarded, and by whom for a discard. */
  readonly deadAtMs?: number;
  readonly discardedBy?: string;
  readonly updatedAtMs: number;
}

/** What one attempt came to. */
export type AttemptOutcome =
  | { readonly kind: "delivered"; readonly atMs: number; readonly statusCode?: number }
  | {
      readonly kind: "failed";
      readonly atMs: number;
      readonly error: string;
      readonly statusCode?: number;
      /** The next attempt; undefined: give up (the message becomes dead). */
      readonly retryAtMs: number | undefined;
    };

export interface OutboxFilter {
  readonly status?: readonly OutboxStatus[];
  readonly kind?: string;
  readonly destination?: string;
  readonly orderingKey?: string;
  readonly companyId?: string;
  /** Messages with id greater than this (paging by id). */
  readonly afterId?: number;
  /** Newest first when true (the admin view); default oldest first. */
  readonly newestFirst?: boolean;
  /** Messages with id lower than this (paging newest first). */
  readonly beforeId?: number;
  readonly limit?: number;
}

export interface EnqueueOptions {
  /** Chained into the audit log in the same transaction (the event the messages report). */
  readonly audit?: readonly AuditEntry[];
  /**
   * A small fact set in the same transaction (e.g. how far a producer has read), see EngineStateStore.
   * With `expected`, the enqueue is refused whole (StoreError STORE_CONFLICT) unless the key holds that
   * value now (null: the key is absent), so two producers racing on the same step never both commit.
   */
  readonly progress?: { readonly key: string; readonly value: string; readonly expected?: string | null };
}

export interface OutboxStore {
  /**
   * Stores `messages` (in order) with the audit entries and progress marker of `options`, all in one
   * transaction. Resolves with the stored messages and audit records.
   */
  enqueue(
    messages: readonly NewOutboxMessage[],
    options?: EnqueueOptions,
  ): Promise<{ messages: OutboxMessage[]; audit: AuditRecord[] }>;
  /**
   * Leases at most `limit` messages due at `nowMs` until `nowMs + leaseMs`, oldest due first, each
   * the first undelivered message of its destination and ordering key (a later one waits for it),
   * of the given kinds (all kinds when absent). A lease that ran out (a crashed dispatcher) makes the
   * message claimable again: delivery is at least once.
   */
  claim(nowMs: number, limit: number, leaseMs: number, kinds?: readonly string[]): Promise<OutboxMessage[]>;
  /** Records an attempt of a leased message and releases it. Unknown or not pending: false. */
  settle(id: number, outcome: AttemptOutcome): Promise<boolean>;
  /**
   * Dead (or pending) messages back to pending, due at `atMs`, attempts reset; returns how many.
   * `ids` absent: every dead message matching `filter`.
   */
  redeliver(atMs: number, ids?: readonly number[], filter?: OutboxFilter): Promise<number>;
  /** Gives a pending or dead message up for good (what waits behind it goes on). False if not found. */
  discard(id: number, atMs: number, actor: string): Promise<boolean>;
  get(id: number): Promise<OutboxMessage | undefined>;
  list(filter?: OutboxFilter): Promise<OutboxMessage[]>;
  /** Message counts by kind and status. */
  counts(): Promise<{ kind: string; status: OutboxStatus; count: number }[]>;
  /** Deletes delivered and discarded messages last updated before `beforeMs`; returns how many. */
  purge(beforeMs: number): Promise<number>;
}

// ---------------------------------------------------------------- webhook subscriptions

export type SubscriptionFormat = "sealwatch" | "epcis" | "dcsa";
export type SignatureScheme = "hmac-sha256" | "ed25519";

export interface SubscriptionRecord {
  readonly id: string;
  /** Where deliveries are POSTed (http or https, no credentials). */
  readonly callbackUrl: string;
  readonly format: SubscriptionFormat;
  /** Event types delivered (canonical event types); absent: all. */
  readonly eventTypes?: readonly string[];
  /** Only these trips; absent: all the owner may see. */
  readonly tripIds?: readonly string[];
  /** Only trips of this company (a trader's subscription always has its own). */
  readonly companyId?: string;
  readonly signature: SignatureScheme;
  /** The HMAC secret, sealed with the master key (hmac-sha256 only). */
  readonly sealedSecret?: Uint8Array;
  /**
   * Who created it (a user or an API key) and the access it had then; deliveries never exceed what
   * the owner may see at the time of each event.
   */
  readonly owner: {
    readonly kind: "user" | "apiKey";
    readonly id: string;
    readonly role: string;
    readonly companyId?: string;
    readonly offices?: readonly string[];
  };
  /** The audit seq at creation: it hears of events recorded after it. */
  readonly afterAuditSeq?: number;
  readonly status: "active" | "deleted";
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly deletedAtMs?: number;
}

export interface SubscriptionStore {
  put(subscription: SubscriptionRecord): Promise<void>;
  get(id: string): Promise<SubscriptionRecord | undefined>;
  /** Active subscriptions (and deleted ones when asked), oldest first. */
  list(filter?: {
    ownerId?: string;
    companyId?: string;
    includeDeleted?: boolean;
  }): Promise<SubscriptionRecord[]>;
}
