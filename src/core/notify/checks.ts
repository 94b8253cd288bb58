/**
 * The checks of what supervisors and users enter, beyond its shape (the API's schemas check types
 * and sizes): escalation chains that go forward in time and never tell the same target twice (no
 * loops), valid local times and IANA zones, e-mail addresses, push endpoints. Each returns every
 * problem found, in plain words naming the field, so that one answer says all that is wrong.
 */
import type { ChainStep, NotificationRule, OnCallRoster, PushSubscription } from "./model.js";
import { isTimeZone, parseClock } from "./local-time.js";

export const MAX_CHAIN_STEPS = 10;
/** A week: no step waits longer. */
export const MAX_STEP_DELAY_MIN = 10_080;

type RuleInput = Pick<
  NotificationRule,
  "match" | "channels" | "chain" | "webhookSubscriptionId" | "quietHours"
>;

/** Problems of a rule (none: it may be stored). */
export function ruleProblems(rule: RuleInput): string[] {
  const problems: string[] = [];
  for (const [name, list] of Object.entries(rule.match))
    if (Array.isArray(list) && list.length === 0)
      problems.push(`match.${name} is empty (it would match nothing); leave it out to match every value`);
  problems.push(...chainProblems(rule.chain));
  if (rule.channels.length === 0) problems.push("channels is empty");
  if (new Set(rule.channels).size !== rule.channels.length) problems.push("channels names a channel twice");
  const wantsWebhook = rule.channels.includes("webhook");
  if (wantsWebhook && rule.webhookSubscriptionId === undefined)
    problems.push("channels has webhook but no webhookSubscriptionId names the subscription");
  if (!wantsWebhook && rule.webhookSubscriptionId !== undefined)
    problems.push("webhookSubscriptionId is given but channels has no webhook");
  if (rule.quietHours !== undefined) {
    const start = parseClock(rule.quietHours.start);
    const end = parseClock(rule.quietHours.end);
    if (start === undefined) problems.push("quietHours.start is not a local time HH:MM");
    if (end === undefined) problems.push("quietHours.end is not a local time HH:MM");
    if (start !== undefined && start === end) problems.push("quietHours.start and end are the same time");
  }
  return problems;
}

/** Problems of an escalation chain: order in time, loops, size. */
export function chainProblems(chain: readonly ChainStep[]): string[] {
  const problems: string[] = [];
  if (chain.length === 0) problems.push("chain is empty: name at least who is told first");
  if (chain.length > MAX_CHAIN_STEPS) problems.push(`chain has more than ${MAX_CHAIN_STEPS} steps`);
  const seen = new Map<string, number>();
  chain.forEach((step, i) => {
    if (!Number.isInteger(step.afterMin) || step.afterMin < 0 || step.afterMin > MAX_STEP_DELAY_MIN)
      problems.push(`chain[${i}].afterMin must be a whole number of minutes from 0 to ${MAX_STEP_DELAY_MIN}`);
    else if (i > 0 && step.afterMin <= chain[i - 1]!.afterMin)
      problems.push(
        `chain[${i}].afterMin (${step.afterMin}) must be later than chain[${i - 1}].afterMin (${chain[i - 1]!.afterMin})`,
      );
    const rank = step.to.kind === "on_duty" ? (step.to.rank ?? 0) : 0;
    if (step.to.kind === "on_duty" && (!Number.isInteger(rank) || rank < 0 || rank > 20))
      problems.push(`chain[${i}].to.rank must be a whole number from 0 to 20`);
    const key = targetKey(step);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      problems.push(`chain[${i}] tells the same ${describe(step)} as chain[${earlier}] (a loop)`);
    else seen.set(key, i);
  });
  return problems;
}

function targetKey(step: ChainStep): string {
  switch (step.to.kind) {
    case "on_duty":
      return `on_duty:${step.to.rank ?? 0}`;
    case "user":
      return `user:${step.to.userId}`;
    case "supervisors":
      return "supervisors";
  }
}

function describe(step: ChainStep): string {
  switch (step.to.kind) {
    case "on_duty":
      return `person on duty (rank ${step.to.rank ?? 0})`;
    case "user":
      return `user ${step.to.userId}`;
    case "supervisors":
      return "supervisors";
  }
}

type RosterInput = Pick<OnCallRoster, "timeZone" | "shifts" | "supervisorIds">;

/** Problems of an office's on-call roster. */
export function rosterProblems(roster: RosterInput): string[] {
  const problems: string[] = [];
  if (!isTimeZone(roster.timeZone))
    problems.push(`timeZone ${JSON.stringify(roster.timeZone)} is not an IANA time zone (e.g. Asia/Bangkok)`);
  roster.shifts.forEach((shift, i) => {
    if (shift.days.length === 0) problems.push(`shifts[${i}].days is empty`);
    if (shift.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
      problems.push(`shifts[${i}].days must be ISO weekdays 1 (Monday) to 7 (Sunday)`);
    if (new Set(shift.days).size !== shift.days.length) problems.push(`shifts[${i}].days names a day twice`);
    if (parseClock(shift.start) === undefined) problems.push(`shifts[${i}].start is not a local time HH:MM`);
    if (parseClock(shift.end) === undefined) problems.push(`shifts[${i}].end is not a local time HH:MM`);
    if (shift.userIds.length === 0) problems.push(`shifts[${i}].userIds is empty: name who is on duty`);
    if (new Set(shift.userIds).size !== shift.userIds.length)
      problems.push(`shifts[${i}].userIds names a user twice`);
  });
  if (new Set(roster.supervisorIds).size !== roster.supervisorIds.length)
    problems.push("supervisorIds names a user twice");
  return problems;
}

/** A deliverable e-mail address: local@domain, no spaces or angle brackets, at most 254 characters. */
export function isEmailAddress(text: string): boolean {
  return (
    text.length <= 254 &&
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(
      text,
    )
  );
}

/** Problems of a browser push subscription: an https endpoint and the keys of RFC 8291. */
export function pushProblems(subscription: PushSubscription, field: string): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(subscription.endpoint);
  } catch {
    problems.push(`${field}.endpoint is not an absolute URL`);
  }
  if (url !== undefined && url.protocol !== "https:") problems.push(`${field}.endpoint must be https`);
  if (url !== undefined && (url.username !== "" || url.password !== ""))
    problems.push(`${field}.endpoint carries credentials`);
  // p256dh: an uncompressed P-256 point (65 bytes); auth: 16 bytes; both base64url.
  if (base64UrlBytes(subscription.keys.p256dh) !== 65)
    problems.push(`${field}.keys.p256dh is not a base64url P-256 public key (65 bytes)`);
  if (base64UrlBytes(subscription.keys.auth) !== 16)
    problems.push(`${field}.keys.auth is not a base64url 16-byte secret`);
  return problems;
}

function base64UrlBytes(text: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, "base64url").length;
}
