/**
 * Scoring a trainee's work on an exercise: each expected response against what the trainee did
 * (acknowledged in time? right outcome? escalated? refused the remote unlock? right decision at
 * arrival?), actions on alarms or trips the exercise does not expect (the wrong trip), and a score
 * with its breakdown. Pure: the session hands over the actions with their exercise times and when
 * each alarm reached the trainee; nothing here reads a clock.
 */
import { alarmKey, type AlarmIdentity } from "../core/domain/model.js";
import type {
  AlarmResponse,
  ArrivalResponse,
  Exercise,
  TrainingDecision,
  TrainingOutcome,
} from "./exercise.js";

/** What a trainee did, in exercise time. */
export type TraineeAction =
  | { readonly kind: "acknowledge"; readonly alarm: AlarmIdentity; readonly atMs: number }
  | {
      readonly kind: "resolve";
      readonly alarm: AlarmIdentity;
      readonly outcome: TrainingOutcome;
      readonly atMs: number;
    }
  | { readonly kind: "escalate"; readonly alarm: AlarmIdentity; readonly atMs: number }
  | {
      readonly kind: "remote_unlock";
      readonly alarm: AlarmIdentity;
      readonly answer: "refuse" | "allow";
      readonly atMs: number;
    }
  | {
      readonly kind: "decide";
      readonly trip: string;
      readonly decision: TrainingDecision;
      readonly atMs: number;
    };

export type Verdict = "right" | "late" | "wrong" | "missed";

/** One scored item of the breakdown. */
export interface ScoreItem {
  readonly responseId: string;
  readonly item: "acknowledge" | "outcome" | "escalate" | "remote_unlock" | "decision";
  readonly expected: string;
  /** What the trainee did, or null when nothing. */
  readonly actual: string | null;
  readonly verdict: Verdict;
  readonly points: number;
  readonly maxPoints: number;
  /** Seconds from the alarm reaching the trainee to the acknowledgement (acknowledge items). */
  readonly delayS?: number;
}

export interface StrayAction {
  readonly action: TraineeAction;
  readonly reason: "wrong_trip" | "unexpected_alarm";
}

export interface ScoreResult {
  readonly points: number;
  readonly maxPoints: number;
  /** 0–100, rounded down. */
  readonly percent: number;
  readonly items: readonly ScoreItem[];
  readonly stray: readonly StrayAction[];
  readonly penaltyPoints: number;
}

export const POINTS = {
  acknowledgeInTime: 2,
  acknowledgeLate: 1,
  outcome: 3,
  escalate: 1,
  remoteUnlock: 2,
  decision: 3,
  /** Taken off for each action on a trip or alarm the exercise does not expect. */
  strayPenalty: 1,
} as const;

export interface ScoringInput {
  readonly exercise: Exercise;
  readonly actions: readonly TraineeAction[];
  /** When each alarm (by `alarmKey`) reached the trainee, in exercise time; default its `startedAt`. */
  readonly raisedAtMs?: ReadonlyMap<string, number>;
}

export function scoreExercise(input: ScoringInput): ScoreResult {
  const { exercise } = input;
  const actions = [...input.actions].sort((a, b) => a.atMs - b.atMs);
  const items: ScoreItem[] = [];
  const expectedAlarms = new Set<string>();
  const trips = new Set(exercise.scenario.trips.map((t) => t.id));
  const decisionTrips = new Set<string>();
  for (const response of exercise.responses) {
    if (response.kind === "alarm") {
      expectedAlarms.add(alarmKey(response.alarm));
      items.push(...scoreAlarm(response, actions, input.raisedAtMs));
    } else {
      decisionTrips.add(response.trip);
      items.push(scoreArrival(response, actions));
    }
  }
  const stray: StrayAction[] = [];
  for (const action of actions) {
    const trip = action.kind === "decide" ? action.trip : action.alarm.trip;
    if (!trips.has(trip)) stray.push({ action, reason: "wrong_trip" });
    else if (
      action.kind === "decide" ? !decisionTrips.has(trip) : !expectedAlarms.has(alarmKey(action.alarm))
    )
      stray.push({ action, reason: action.kind === "decide" ? "wrong_trip" : "unexpected_alarm" });
  }
  const maxPoints = items.reduce((sum, item) => sum + item.maxPoints, 0);
  const penaltyPoints = stray.length * POINTS.strayPenalty;
  const points = Math.max(0, items.reduce((sum, item) => sum + item.points, 0) - penaltyPoints);
  return {
    points,
    maxPoints,
    percent: maxPoints === 0 ? 100 : Math.floor((points * 100) / maxPoints),
    items,
    stray,
    penaltyPoints,
  };
}

function scoreAlarm(
  response: AlarmResponse,
  actions: readonly TraineeAction[],
  raisedAtMs: ReadonlyMap<string, number> | undefined,
): ScoreItem[] {
  const key = alarmKey(response.alarm);
  const onAlarm = actions.filter((a) => a.kind !== "decide" && alarmKey(a.alarm) === key);
  const first = <K extends TraineeAction["kind"]>(kind: K) =>
    onAlarm.find((a): a is Extract<TraineeAction, { kind: K }> => a.kind === kind);
  const items: ScoreItem[] = [];
  const base = { responseId: response.id };

  if (!response.retracted) {
    const raised = raisedAtMs?.get(key) ?? response.alarm.startedAtMs;
    const ack = first("acknowledge");
    const expected = `within ${response.acknowledgeWithinS} s`;
    if (ack === undefined) {
      items.push({
        ...base,
        item: "acknowledge",
        expected,
        actual: null,
        verdict: "missed",
        points: 0,
        maxPoints: POINTS.acknowledgeInTime,
      });
    } else {
      const delayS = Math.max(0, (ack.atMs - raised) / 1000);
      const inTime = delayS <= response.acknowledgeWithinS;
      items.push({
        ...base,
        item: "acknowledge",
        expected,
        actual: `after ${Math.round(delayS)} s`,
        verdict: inTime ? "right" : "late",
        points: inTime ? POINTS.acknowledgeInTime : POINTS.acknowledgeLate,
        maxPoints: POINTS.acknowledgeInTime,
        delayS,
      });
    }
  }

  const resolution = first("resolve");
  if (response.outcome !== undefined) {
    items.push({
      ...base,
      item: "outcome",
      expected: response.outcome,
      actual: resolution?.outcome ?? null,
      verdict:
        resolution === undefined ? "missed" : resolution.outcome === response.outcome ? "right" : "wrong",
      points: resolution?.outcome === response.outcome ? POINTS.outcome : 0,
      maxPoints: POINTS.outcome,
    });
  } else {
    // A retracted alarm: any handling but a confirmed breach is right.
    const breach = resolution?.outcome === "confirmed_breach";
    items.push({
      ...base,
      item: "outcome",
      expected: "not confirmed_breach (retracted by late data)",
      actual: resolution?.outcome ?? null,
      verdict: breach ? "wrong" : "right",
      points: breach ? 0 : POINTS.outcome,
      maxPoints: POINTS.outcome,
    });
  }

  if (response.escalate !== undefined) {
    const escalated = first("escalate") !== undefined;
    const right = escalated === response.escalate;
    items.push({
      ...base,
      item: "escalate",
      expected: response.escalate ? "escalate" : "do not escalate",
      actual: escalated ? "escalated" : null,
      verdict: right ? "right" : escalated ? "wrong" : "missed",
      points: right ? POINTS.escalate : 0,
      maxPoints: POINTS.escalate,
    });
  }

  if (response.remoteUnlock !== undefined) {
    const answer = first("remote_unlock");
    const right = answer?.answer === response.remoteUnlock;
    items.push({
      ...base,
      item: "remote_unlock",
      expected: response.remoteUnlock,
      actual: answer?.answer ?? null,
      verdict: answer === undefined ? "missed" : right ? "right" : "wrong",
      points: right ? POINTS.remoteUnlock : 0,
      maxPoints: POINTS.remoteUnlock,
    });
  }
  return items;
}

function scoreArrival(response: ArrivalResponse, actions: readonly TraineeAction[]): ScoreItem {
  const decision = actions.find(
    (a): a is Extract<TraineeAction, { kind: "decide" }> => a.kind === "decide" && a.trip === response.trip,
  );
  return {
    responseId: response.id,
    item: "decision",
    expected: response.decision,
    actual: decision?.decision ?? null,
    verdict: decision === undefined ? "missed" : decision.decision === response.decision ? "right" : "wrong",
    points: decision?.decision === response.decision ? POINTS.decision : 0,
    maxPoints: POINTS.decision,
  };
}
