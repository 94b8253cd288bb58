/**
 * On-call routing, pure: which rules an alarm falls under, who is on duty at an office at an
 * instant, and when each step of a rule's escalation chain falls due. The notifier (src/notify/)
 * calls `stepsDue` on its tick with the clock's time and what it has already sent, and enqueues
 * what comes back; nothing here reads a clock or a store.
 *
 * - A step is due `afterMin` minutes after the alarm was raised while it is still open
 *   (unacknowledged); acknowledging, resolving or retracting stops the chain.
 * - The responsible office is the departure office until the trip arrives, then the destination.
 * - Quiet hours hold a non-critical step until they end (in the office's time zone); a critical
 *   alarm is never held back.
 * - People on duty are taken at the moment the step falls due (after any quiet hours).
 */
import type { AlarmType, Severity, TripState } from "../domain/model.js";
import { localTime, nextLocalMinute, parseClock } from "./local-time.js";
import type { ChainTarget, NotificationRule, OnCallRoster, Shift } from "./model.js";

/** The facts of an alarm routing needs. */
export interface RoutedAlarm {
  readonly id: string;
  readonly type: AlarmType;
  readonly severity: Severity;
  readonly raisedAtMs: number;
  /** Still waiting for someone (not acknowledged, resolved or retracted). */
  readonly open: boolean;
}

export interface RoutedTrip {
  readonly origin: string;
  readonly destination: string;
  readonly checkpoints?: readonly string[];
  readonly companyId?: string;
  readonly state: TripState;
}

/** One step of one rule that is due: whom it tells (user ids, deduplicated, in order). */
export interface DueStep {
  readonly ruleId: string;
  readonly step: number;
  readonly dueAtMs: number;
  readonly target: ChainTarget;
  readonly userIds: readonly string[];
  /** The office whose roster answered (the responsible office). */
  readonly office: string;
}

export interface RoutingInput {
  readonly alarm: RoutedAlarm;
  readonly trip: RoutedTrip;
  readonly rules: readonly NotificationRule[];
  /** Rosters by office. */
  readonly rosters: ReadonlyMap<string, OnCallRoster>;
  /** Every enabled supervisor, for a "supervisors" step at an office whose roster names none. */
  readonly allSupervisors: readonly string[];
  readonly nowMs: number;
  /** Per rule id, the steps already sent (the highest index); absent: none. */
  readonly sent: ReadonlyMap<string, number>;
}

/** Whether `rule` is about this alarm on this trip. */
export function ruleMatches(rule: NotificationRule, alarm: RoutedAlarm, trip: RoutedTrip): boolean {
  if (!rule.enabled || alarm.raisedAtMs < rule.createdAtMs) return false;
  const m = rule.match;
  if (m.alarmTypes !== undefined && !m.alarmTypes.includes(alarm.type)) return false;
  if (m.severities !== undefined && !m.severities.includes(alarm.severity)) return false;
  if (m.offices !== undefined) {
    const offices = [trip.origin, trip.destination, ...(trip.checkpoints ?? [])];
    if (!offices.some((o) => m.offices!.includes(o))) return false;
  }
  if (
    m.corridors !== undefined &&
    !m.corridors.some((c) => c.origin === trip.origin && c.destination === trip.destination)
  )
    return false;
  if (m.companies !== undefined && (trip.companyId === undefined || !m.companies.includes(trip.companyId)))
    return false;
  return true;
}

/** The office that answers for the trip now: departure until arrival, then destination. */
export function responsibleOffice(trip: RoutedTrip): string {
  return trip.state === "arrived" || trip.state === "closed" ? trip.destination : trip.origin;
}

/** Whether `shift` covers local weekday `day` at `minute` (a shift past midnight covers the next morning). */
export function shiftCovers(shift: Shift, day: number, minute: number): boolean {
  const start = parseClock(shift.start) ?? 0;
  const end = parseClock(shift.end) ?? 0;
  const previous = day === 1 ? 7 : day - 1;
  if (end > start) return shift.days.includes(day) && minute >= start && minute < end;
  return (shift.days.includes(day) && minute >= start) || (shift.days.includes(previous) && minute < end);
}

/** Who is on duty at `atMs` by the roster, in the roster's order (first shift first), each once. */
export function onDuty(roster: OnCallRoster, atMs: number): string[] {
  const { weekday, minuteOfDay } = localTime(atMs, roster.timeZone);
  const people: string[] = [];
  for (const shift of roster.shifts)
    if (shiftCovers(shift, weekday, minuteOfDay))
      for (const user of shift.userIds) if (!people.includes(user)) people.push(user);
  return people;
}

/**
 * When a step planned for `atMs` may go: at once for a critical alarm or outside quiet hours, else
 * when the quiet hours end.
 */
export function afterQuietHours(
  atMs: number,
  severity: Severity,
  quiet: NotificationRule["quietHours"],
  timeZone: string,
): number {
  if (quiet === undefined || severity === "critical") return atMs;
  const start = parseClock(quiet.start);
  const end = parseClock(quiet.end);
  if (start === undefined || end === undefined || start === end) return atMs;
  const { minuteOfDay } = localTime(atMs, timeZone);
  const inside =
    start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  return inside ? nextLocalMinute(atMs, end, timeZone) : atMs;
}

function recipients(
  target: ChainTarget,
  roster: OnCallRoster | undefined,
  input: RoutingInput,
  atMs: number,
): string[] {
  switch (target.kind) {
    case "user":
      return [target.userId];
    case "on_duty": {
      const person = roster === undefined ? undefined : onDuty(roster, atMs)[target.rank ?? 0];
      return person === undefined ? [] : [person];
    }
    case "supervisors":
      return roster !== undefined && roster.supervisorIds.length > 0
        ? [...roster.supervisorIds]
        : [...input.allSupervisors];
  }
}

/**
 * The steps due at `nowMs` and not yet sent, over every matching rule, in rule then step order; and
 * when the next one falls due (undefined: nothing more will, whatever the clock says).
 */
export function stepsDue(input: RoutingInput): { due: DueStep[]; nextDueAtMs: number | undefined } {
  const due: DueStep[] = [];
  let nextDueAtMs: number | undefined;
  if (!input.alarm.open) return { due, nextDueAtMs };
  const office = responsibleOffice(input.trip);
  const roster = input.rosters.get(office);
  const timeZone = roster?.timeZone ?? "UTC";
  for (const rule of input.rules) {
    if (!ruleMatches(rule, input.alarm, input.trip)) continue;
    const sentUpTo = input.sent.get(rule.id) ?? -1;
    // Quiet hours move the whole chain: the first step waits for their end, the others follow it.
    const startMs = afterQuietHours(input.alarm.raisedAtMs, input.alarm.severity, rule.quietHours, timeZone);
    for (let step = sentUpTo + 1; step < rule.chain.length; step++) {
      const planned = startMs + rule.chain[step]!.afterMin * 60_000;
      const dueAtMs = afterQuietHours(planned, input.alarm.severity, rule.quietHours, timeZone);
      if (dueAtMs > input.nowMs) {
        nextDueAtMs = nextDueAtMs === undefined ? dueAtMs : Math.min(nextDueAtMs, dueAtMs);
        break;
      }
      const target = rule.chain[step]!.to;
      due.push({
        ruleId: rule.id,
        step,
        dueAtMs,
        target,
        userIds: recipients(target, roster, input, dueAtMs),
        office,
      });
    }
  }
  return { due, nextDueAtMs };
}
