/**
 * The notifier: on each tick, for every open alarm, asks the routing core (src/core/notify) which
 * escalation steps are due, and enqueues one outbox message per recipient and channel (e-mail, web
 * push, a webhook subscription), rendered in the recipient's language. The messages and the alarm's
 * progress (the last step sent per rule, an engine_state fact) are committed in one transaction, so
 * a restart neither loses a step nor sends one twice, and the commit is refused when the progress
 * moved meanwhile, so two processes (several API servers on one database) never both send a step;
 * delivery, retries and dead letters are the outbox's (src/outbox/). A failing alarm is logged and
 * tried at the next tick; it never stops the others or the engine.
 *
 * Tenancy: a person is told only of alarms on trips they may see now (a trader its company's, an
 * officer its offices'), whatever the rule or roster says; a disabled user is told nothing.
 */
import { principalOfUser } from "../api/auth/authenticator.js";
import { tripVisible } from "../api/auth/policy.js";
import type { NotificationRule, OnCallRoster } from "../core/notify/model.js";
import { stepsDue, type DueStep } from "../core/notify/routing.js";
import type { NewOutboxMessage } from "../store/outbox-ports.js";
import type { AlarmRecord, Store, TripRecord } from "../store/ports.js";
import { isStoreError } from "../store/store-error.js";
import { ownerNow } from "../outbox/fanout.js";
import { WEBHOOK_KIND, type WebhookPayload } from "../outbox/webhook.js";
import { renderNotification } from "./render.js";

export const EMAIL_KIND = "notify.email";
export const PUSH_KIND = "notify.push";
const PROGRESS_PREFIX = "notify.alarm.";

/** An e-mail as enqueued (rendered at enqueue, so that a later language change does not alter it). */
export interface EmailPayload {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Stable per alarm, rule, step and recipient: a resend after a crash carries the same Message-ID. */
  readonly messageId: string;
  readonly alarmId: string;
}

export interface PushPayload {
  readonly subscription: { readonly endpoint: string; readonly keys: { p256dh: string; auth: string } };
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly alarmId: string;
  readonly critical: boolean;
}

export interface NotifierLogger {
  error(fields: object, message: string): void;
}

export interface NotifierOptions {
  readonly nowMs: () => number;
  /** The dashboard's base URL (links in notifications). */
  readonly baseUrl: string;
  readonly logger?: NotifierLogger;
  /** Called after messages were enqueued (the outbox dispatcher's nudge). */
  readonly enqueued?: () => void;
}

export class Notifier {
  private running: Promise<number> | undefined;
  /** Per alarm, when nothing can be due before (skips the store until then). */
  private readonly quietUntil = new Map<string, number>();
  /** The rules as last seen: a change may make steps due sooner, so the skips are forgotten. */
  private rulesSeen = "";

  constructor(
    private readonly store: Store,
    private readonly options: NotifierOptions,
  ) {}

  /** One pass over the open alarms; resolves with the number of messages enqueued. Never overlaps itself. */
  async tick(): Promise<number> {
    while (this.running !== undefined) await this.running.catch(() => 0);
    this.running = this.pass();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async pass(): Promise<number> {
    const rules = (await this.store.notify.rules()).filter((r) => r.enabled);
    if (rules.length === 0) return 0;
    const seen = rules.map((r) => `${r.id}@${r.updatedAtMs}`).join();
    if (seen !== this.rulesSeen) this.quietUntil.clear();
    this.rulesSeen = seen;
    const now = this.options.nowMs();
    const rosters = new Map((await this.store.notify.rosters()).map((r) => [r.office, r]));
    const users = await this.store.access.users();
    const supervisors = users.filter((u) => u.role === "supervisor" && !u.disabled).map((u) => u.id);
    let enqueued = 0;
    const open = await this.store.alarms.list({ workflow: ["open"] });
    // Alarms no longer open are forgotten (the map would otherwise grow for as long as the process runs).
    const openIds = new Set(open.map((a) => a.id));
    for (const id of this.quietUntil.keys()) if (!openIds.has(id)) this.quietUntil.delete(id);
    for (const alarm of open) {
      if ((this.quietUntil.get(alarm.id) ?? 0) > now) continue;
      try {
        enqueued += await this.forAlarm(alarm, rules, rosters, supervisors, now);
      } catch (error) {
        this.options.logger?.error(
          { err: String(error), alarmId: alarm.id },
          "notify: an alarm's notifications failed; retrying",
        );
      }
    }
    if (enqueued > 0) this.options.enqueued?.();
    return enqueued;
  }

  private async forAlarm(
    alarm: AlarmRecord,
    rules: readonly NotificationRule[],
    rosters: ReadonlyMap<string, OnCallRoster>,
    supervisors: readonly string[],
    now: number,
  ): Promise<number> {
    const trip = await this.store.trips.get(alarm.trip);
    if (trip === undefined) return 0;
    const key = `${PROGRESS_PREFIX}${alarm.id}`;
    const stored = await this.store.engineState.get(key);
    const sent = new Map(
      Object.entries(stored === undefined ? {} : (JSON.parse(stored) as Record<string, number>)),
    );
    const { due, nextDueAtMs } = stepsDue({
      alarm: { ...alarm, open: alarm.workflow === "open" && !alarm.retracted },
      trip,
      rules,
      rosters,
      allSupervisors: supervisors,
      nowMs: now,
      sent,
    });
    this.quietUntil.set(alarm.id, nextDueAtMs ?? Number.POSITIVE_INFINITY);
    if (due.length === 0) return 0;
    const messages: NewOutboxMessage[] = [];
    for (const step of due) {
      messages.push(
        ...(await this.messagesFor(
          step,
          alarm,
          trip,
          rules.find((r) => r.id === step.ruleId)!,
          rosters,
          now,
        )),
      );
      sent.set(step.ruleId, Math.max(sent.get(step.ruleId) ?? -1, step.step));
    }
    try {
      // `expected`: another process that sent these steps first wins; this one sends nothing.
      await this.store.outbox.enqueue(messages, {
        progress: { key, value: JSON.stringify(Object.fromEntries(sent)), expected: stored ?? null },
      });
    } catch (error) {
      if (!isStoreError(error, "STORE_CONFLICT")) throw error;
      this.quietUntil.delete(alarm.id);
      return 0;
    }
    return messages.length;
  }

  private async messagesFor(
    step: DueStep,
    alarm: AlarmRecord,
    trip: TripRecord,
    rule: NotificationRule,
    rosters: ReadonlyMap<string, OnCallRoster>,
    now: number,
  ): Promise<NewOutboxMessage[]> {
    const messages: NewOutboxMessage[] = [];
    const common = {
      ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
      createdAtMs: now,
    };
    const link = `${this.options.baseUrl.replace(/\/$/, "")}/#/trips/${encodeURIComponent(trip.id)}`;
    const position = alarm.evidence?.began.position;
    const zones = await this.store.zones.list();
    const officeNames = new Map(zones.map((z) => [z.id, z.name ?? z.id]));
    const timeZone = rosters.get(step.office)?.timeZone ?? "UTC";
    for (const userId of step.userIds) {
      const user = await this.store.access.user(userId);
      if (user === undefined || user.disabled || !tripVisible(principalOfUser(user), trip)) continue;
      const profile = await this.store.notify.profile(userId);
      const text = renderNotification({
        alarm,
        trip,
        ...(position === undefined ? {} : { position }),
        officeNames,
        link,
        language: profile?.language ?? "en",
        timeZone,
        step: step.step,
      });
      const id = `${alarm.id}/${rule.id}/${step.step}/${userId}`;
      if (rule.channels.includes("email") && profile?.email !== undefined) {
        const payload: EmailPayload = {
          to: profile.email,
          subject: text.subject,
          text: text.text,
          messageId: `<${Buffer.from(id).toString("base64url")}@sealwatch>`,
          alarmId: alarm.id,
        };
        messages.push({ kind: EMAIL_KIND, destination: profile.email, payload, ...common });
      }
      if (rule.channels.includes("webpush"))
        for (const subscription of profile?.push ?? []) {
          const payload: PushPayload = {
            subscription,
            title: text.subject,
            body: text.short,
            url: link,
            alarmId: alarm.id,
            critical: alarm.severity === "critical",
          };
          messages.push({ kind: PUSH_KIND, destination: subscription.endpoint, payload, ...common });
        }
    }
    if (step.step === 0 && rule.channels.includes("webhook") && (await this.webhookMaySee(rule, trip))) {
      const text = renderNotification({ alarm, trip, officeNames, link, language: "en", timeZone, step: 0 });
      const payload: WebhookPayload = {
        eventId: `notification:${alarm.id}:${rule.id}`,
        eventType: "alarm.notification",
        body: {
          type: "alarm.notification",
          alarmId: alarm.id,
          alarmType: alarm.type,
          severity: alarm.severity,
          tripId: trip.id,
          ...(position === undefined ? {} : { position }),
          raisedAt: new Date(alarm.raisedAtMs).toISOString(),
          subject: text.subject,
          link,
        },
      };
      messages.push({
        kind: WEBHOOK_KIND,
        destination: rule.webhookSubscriptionId!,
        orderingKey: trip.id,
        payload,
        ...common,
      });
    }
    return messages;
  }

  /** Whether the rule's webhook subscription is active and its owner may see the trip now. */
  private async webhookMaySee(rule: NotificationRule, trip: TripRecord): Promise<boolean> {
    if (rule.webhookSubscriptionId === undefined) return false;
    const subscription = await this.store.subscriptions.get(rule.webhookSubscriptionId);
    if (subscription?.status !== "active") return false;
    const owner = await ownerNow(this.store, subscription.owner);
    return owner !== undefined && tripVisible(owner, trip);
  }
}
