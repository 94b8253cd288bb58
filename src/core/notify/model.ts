/**
 * Alarm notifications: who is told about which alarm, through which channel, and who next when
 * nobody acknowledges. The records here are what supervisors edit (rules, on-call rosters) and what
 * each user sets for themselves (a notification profile); `routing.ts` turns them into the steps
 * due for an alarm. Times are epoch ms; local times are "HH:MM" in the roster's IANA time zone.
 */
import type { AlarmType, Severity } from "../domain/model.js";

export const NOTIFY_CHANNELS = ["email", "webpush", "webhook"] as const;
/** email: SMTP; webpush: the dashboard installed as an app (VAPID); webhook: a subscription's callback. */
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** The languages notifications (and the dashboard) are written in. */
export const LANGUAGES = ["en", "th", "zh", "sk", "ru", "sw"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Who a step of an escalation chain tells. */
export type ChainTarget =
  /**
   * The people on duty at the responsible office when the step is due: `rank` 0 the first on the
   * roster's shift list, 1 the next, and so on (default 0).
   */
  | { readonly kind: "on_duty"; readonly rank?: number }
  /** One named user. */
  | { readonly kind: "user"; readonly userId: string }
  /** The responsible office's supervisors (the roster's list, else every supervisor). */
  | { readonly kind: "supervisors" };

export interface ChainStep {
  /** Minutes after the alarm was raised, if nobody has acknowledged it by then (0 for the first step). */
  readonly afterMin: number;
  readonly to: ChainTarget;
}

/** Which alarms a rule is about; an absent list matches everything. */
export interface RuleMatch {
  readonly alarmTypes?: readonly AlarmType[];
  readonly severities?: readonly Severity[];
  /** Offices of the trip (departure, destination or a checkpoint). */
  readonly offices?: readonly string[];
  /** Corridors as departure and destination office. */
  readonly corridors?: readonly { readonly origin: string; readonly destination: string }[];
  /** The trip's company (a trader's own alarms). */
  readonly companies?: readonly string[];
}

export interface NotificationRule {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly match: RuleMatch;
  /** Channels each step uses for people (e-mail, web push); "webhook" posts to `webhookSubscriptionId`. */
  readonly channels: readonly NotifyChannel[];
  readonly chain: readonly ChainStep[];
  /** A webhook subscription told at the first step (its owner must see the trip). */
  readonly webhookSubscriptionId?: string;
  /**
   * Local hours (in the responsible office's roster time zone, else UTC) when steps of non-critical
   * alarms wait until the end; a critical alarm is never held back.
   */
  readonly quietHours?: { readonly start: string; readonly end: string };
  /** A rule applies to alarms raised at or after this time (it does not page the past). */
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** "user:<id>" of the supervisor who last changed it. */
  readonly updatedBy: string;
}

export interface Shift {
  /** ISO weekdays the shift starts on (1 = Monday … 7 = Sunday). */
  readonly days: readonly number[];
  /** Local "HH:MM"; an end at or before the start runs past midnight into the next day. */
  readonly start: string;
  readonly end: string;
  /** Who is on duty, first to be told first. */
  readonly userIds: readonly string[];
}

/** An office's on-call roster. */
export interface OnCallRoster {
  /** The office zone id. */
  readonly office: string;
  /** IANA time zone of the office ("Asia/Bangkok"). */
  readonly timeZone: string;
  readonly shifts: readonly Shift[];
  /** Told at a "supervisors" step; empty: every enabled supervisor. */
  readonly supervisorIds: readonly string[];
  readonly updatedAtMs: number;
  readonly updatedBy: string;
}

/** A browser's push subscription (the Push API's PushSubscription as JSON). */
export interface PushSubscription {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

/** What each user sets for themselves. */
export interface NotificationProfile {
  readonly userId: string;
  readonly language: Language;
  /** Where e-mails go; none: no e-mail. */
  readonly email?: string;
  /** Browsers (installed dashboards) to push to. */
  readonly push: readonly PushSubscription[];
  readonly updatedAtMs: number;
}
