/**
 * Webhook fan-out: reads the audit chain in order from where it stopped, turns each record into
 * canonical events, and for every subscription that may see and wants an event, enqueues a webhook
 * message with the body in the subscription's format. The messages and the new read position are
 * committed together (`enqueue` with `progress`), so after a crash nothing is enqueued twice and
 * nothing is skipped; the engine and the API never wait for it (they only append to the chain).
 *
 * Tenancy: a subscription's deliveries never exceed what its owner may see (a trader its company's
 * trips, an officer its offices'), checked for every event against the owner as stored now (a
 * disabled owner's subscriptions deliver nothing), and a trader's subscription is bound to its own
 * company when created.
 */
import { principalOfApiKey, principalOfUser } from "../api/auth/authenticator.js";
import { tripVisible, type Principal } from "../api/auth/policy.js";
import type { ExportIdentity } from "../interop/export.js";
import { formatEvent } from "../interop/formats.js";
import type { CanonicalEvent } from "../interop/events.js";
import { auditTripId, eventsFromAudit, isAlarmAction } from "../interop/from-audit.js";
import type { ZoneLookup } from "../interop/trip-facts.js";
import type { LonLat } from "../core/geo/sphere.js";
import type { NewOutboxMessage, SubscriptionRecord } from "../store/outbox-ports.js";
import type { AuditRecord, Store, TripRecord } from "../store/ports.js";
import { OwnerViews } from "./owner-view.js";
import { SerialRun } from "./serial-run.js";
import { WEBHOOK_KIND, type WebhookPayload } from "./webhook.js";

/** engine_state key of the last audit seq fanned out. */
export const FANOUT_CURSOR_KEY = "webhooks.auditSeq";
const BATCH = 200;

export interface FanoutLogger {
  error(fields: object, message: string): void;
}

export class WebhookFanout {
  private readonly serial = new SerialRun(() => this.drain());

  constructor(
    private readonly store: Store,
    private readonly options: {
      readonly nowMs: () => number;
      /** This administration, as the EPCIS and DCSA bodies name it. */
      readonly identity?: ExportIdentity;
      readonly logger?: FanoutLogger;
      /** The API's reference-alias key: hidden devices get the API's pseudonyms (owner-view.ts). */
      readonly aliasKey?: Buffer;
    } = { nowMs: Date.now },
  ) {}

  /**
   * Fans out every audit record after the cursor, in batches; resolves with the number of messages
   * enqueued. Calls overlapping a running one wait for it and then run again (nothing is missed).
   */
  catchUp(): Promise<number> {
    return this.serial.call();
  }

  private async drain(): Promise<number> {
    let enqueued = 0;
    for (;;) {
      const stored = await this.store.engineState.get(FANOUT_CURSOR_KEY);
      let after = stored === undefined ? undefined : Number(stored);
      if (after === undefined) {
        // First start: subscriptions hear what happens from now on, not the history.
        after = (await this.store.audit.head())?.seq ?? 0;
        await this.store.engineState.set(FANOUT_CURSOR_KEY, String(after));
      }
      const records = await this.store.audit.list({ afterSeq: after, limit: BATCH });
      if (records.length === 0) return enqueued;
      const subscriptions = await this.store.subscriptions.list();
      const messages = subscriptions.length === 0 ? [] : await this.messagesFor(records, subscriptions);
      await this.store.outbox.enqueue(messages, {
        progress: { key: FANOUT_CURSOR_KEY, value: String(records.at(-1)!.seq) },
      });
      enqueued += messages.length;
    }
  }

  private async messagesFor(
    records: readonly AuditRecord[],
    subscriptions: readonly SubscriptionRecord[],
  ): Promise<NewOutboxMessage[]> {
    const zones: ZoneLookup = new Map((await this.store.zones.list()).map((z) => [z.id, z]));
    const owners = new Map<string, Principal | undefined>();
    for (const s of subscriptions) {
      const key = `${s.owner.kind}:${s.owner.id}`;
      if (!owners.has(key)) owners.set(key, await ownerNow(this.store, s.owner));
    }
    const trips = new Map<string, TripRecord | undefined>();
    const views = new OwnerViews(this.store, this.options.aliasKey);
    const messages: NewOutboxMessage[] = [];
    for (const record of records) {
      const tripId = auditTripId(record);
      if (tripId === undefined) continue;
      if (!trips.has(tripId)) trips.set(tripId, await this.store.trips.get(tripId));
      const trip = trips.get(tripId);
      if (trip === undefined) continue;
      const alarm = isAlarmAction(record.action) ? await this.store.alarms.get(record.subjectId) : undefined;
      const position = await this.positionAt(
        alarm?.device ?? trip.devices[0],
        alarm?.startedAtMs ?? record.atMs,
      );
      const events = eventsFromAudit(record, {
        trip,
        zones,
        ...(alarm === undefined ? {} : { alarm }),
        ...(position === undefined ? {} : { position }),
      });
      for (const event of events)
        for (const subscription of subscriptions) {
          const owner = owners.get(`${subscription.owner.kind}:${subscription.owner.id}`);
          if (owner === undefined || !wants(subscription, owner, record.seq, event, trip)) continue;
          const message = webhookMessage(subscription, event, trip, this.options);
          if (message !== undefined) messages.push(await views.apply(owner, trip, message));
        }
    }
    return messages;
  }

  private async positionAt(deviceId: string | undefined, atMs: number): Promise<LonLat | undefined> {
    if (deviceId === undefined) return undefined;
    const reading = await this.store.readings.latestBefore(deviceId, atMs + 1, "fix");
    return reading?.lon === undefined || reading.lat === undefined ? undefined : [reading.lon, reading.lat];
  }
}

/** The outbox message that delivers `event` to `subscription` in its format (none without that form). */
export function webhookMessage(
  subscription: SubscriptionRecord,
  event: CanonicalEvent,
  trip: TripRecord,
  options: { readonly nowMs: () => number; readonly identity?: ExportIdentity },
): NewOutboxMessage | undefined {
  const body = formatEvent(subscription.format, event, {
    nowMs: options.nowMs(),
    identity: options.identity ?? { id: "sealwatch", name: "Sealwatch" },
  });
  if (body === undefined) return undefined;
  const payload: WebhookPayload = { eventId: event.id, eventType: event.type, body };
  return {
    kind: WEBHOOK_KIND,
    destination: subscription.id,
    orderingKey: trip.id,
    payload,
    ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
    createdAtMs: options.nowMs(),
  };
}

/**
 * The subscription's owner as it may see now: the user (not disabled) or API key (not revoked) with
 * its current role, company and offices; undefined when it is gone.
 */
export async function ownerNow(
  store: Store,
  owner: SubscriptionRecord["owner"],
): Promise<Principal | undefined> {
  if (owner.kind === "apiKey") {
    const key = await store.access.apiKey(owner.id);
    return key === undefined || key.revokedAtMs !== undefined ? undefined : principalOfApiKey(key);
  }
  const user = await store.access.user(owner.id);
  return user === undefined || user.disabled ? undefined : principalOfUser(user);
}

/** Whether `subscription` gets `event` of the audit record `auditSeq` (its start, filters, its owner now). */
export function wants(
  subscription: SubscriptionRecord,
  owner: Principal | undefined,
  auditSeq: number,
  event: CanonicalEvent,
  trip: TripRecord,
): boolean {
  if (auditSeq <= (subscription.afterAuditSeq ?? 0)) return false;
  return wantsEvent(subscription, owner, event, trip);
}

/** Whether `subscription` gets `event` by its filters and what its owner may see now. */
export function wantsEvent(
  subscription: SubscriptionRecord,
  owner: Principal | undefined,
  event: CanonicalEvent,
  trip: TripRecord,
): boolean {
  if (subscription.status !== "active" || owner === undefined) return false;
  if (subscription.eventTypes !== undefined && !subscription.eventTypes.includes(event.type)) return false;
  if (subscription.tripIds !== undefined && !subscription.tripIds.includes(trip.id)) return false;
  if (subscription.companyId !== undefined && trip.companyId !== subscription.companyId) return false;
  return tripVisible(owner, trip);
}
