/**
 * `exercise check`: replays an exercise's scenario through the real engine and reconciles the
 * expected responses with what the engine raises. Every expected alarm must be raised (and be
 * retracted exactly when the response says so), every alarm still standing at the end must have
 * an expected response, and every arrival response must be about a trip that arrives. Pure.
 */
import { alarmKey, type Alarm, type AlarmIdentity } from "../core/domain/model.js";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { replay, type ReplayResult } from "../scenario/replay.js";
import type { Exercise } from "./exercise.js";

/** An alarm the trainee will meet, with the expected response to it (if any). */
export interface MetAlarm {
  readonly alarm: AlarmIdentity & { readonly severity?: Alarm["severity"] };
  readonly retracted: boolean;
  readonly responseId: string | undefined;
}

export interface ExerciseCheck {
  readonly replay: ReplayResult;
  readonly met: readonly MetAlarm[];
  readonly arrivals: readonly {
    readonly trip: string;
    readonly atMs: number;
    readonly responseId?: string;
  }[];
  /** When each alarm (by `alarmKey`) first reached the control room: the clock of the input that raised it. */
  readonly raisedAtMs: ReadonlyMap<string, number>;
  /** Empty when the exercise is consistent with the engine. */
  readonly problems: readonly string[];
}

export function checkExercise(exercise: Exercise): ExerciseCheck {
  const raisedAtMs = new Map<string, number>();
  let clockMs = Number.NEGATIVE_INFINITY;
  const result = replay(exercise.scenario, {
    afterInput(_index, input, applied) {
      if (input === undefined || applied === undefined || applied.status === "rejected") return;
      const arrivalMs =
        input.type === "message" || input.type === "read" ? (input.receivedAtMs ?? input.atMs) : input.atMs;
      clockMs = Math.max(clockMs, arrivalMs);
      for (const change of applied.alarms) {
        const key = alarmKey(change.alarm);
        if (change.change === "raised" && !raisedAtMs.has(key)) raisedAtMs.set(key, clockMs);
      }
    },
  });
  const standing = new Map(result.alarms.map((a) => [alarmKey(a), a]));
  const retracted = new Map(result.retracted.map((a) => [alarmKey(a), a]));
  const answered = new Map<string, string>();
  const problems: string[] = [];
  exercise.responses.forEach((response, i) => {
    if (response.kind !== "alarm") return;
    const key = alarmKey(response.alarm);
    answered.set(key, response.id);
    const label = `responses[${i}] (${response.id}): ${describeAlarm(response.alarm)}`;
    if (response.retracted) {
      if (retracted.has(key)) return;
      problems.push(
        standing.has(key)
          ? `${label} is said to be retracted, but the engine keeps it`
          : `${label} is not raised by the engine`,
      );
    } else if (!standing.has(key)) {
      problems.push(
        retracted.has(key)
          ? `${label} is retracted by the engine: mark the response "retracted": true`
          : `${label} is not raised by the engine`,
      );
    }
  });
  for (const [key, alarm] of standing) {
    if (!answered.has(key)) problems.push(`${describeAlarm(alarm)} is raised but has no expected response`);
  }
  const arrivals: { trip: string; atMs: number; responseId?: string }[] = [];
  for (const trip of result.trips) {
    const arrived = trip.transitions.find((t) => t.state === "arrived");
    if (arrived !== undefined) arrivals.push({ trip: trip.id, atMs: arrived.atMs });
  }
  exercise.responses.forEach((response, i) => {
    if (response.kind !== "arrival") return;
    const arrival = arrivals.find((a) => a.trip === response.trip);
    if (arrival === undefined)
      problems.push(`responses[${i}] (${response.id}): trip ${response.trip} never arrives in the replay`);
    else arrival.responseId = response.id;
  });
  const met: MetAlarm[] = [
    ...result.alarms.map((alarm) => ({ alarm, retracted: false, responseId: answered.get(alarmKey(alarm)) })),
    ...result.retracted.map((alarm) => ({
      alarm,
      retracted: true,
      responseId: answered.get(alarmKey(alarm)),
    })),
  ].sort((a, b) => a.alarm.startedAtMs - b.alarm.startedAtMs);
  return { replay: result, met, arrivals, raisedAtMs, problems };
}

export function describeAlarm(alarm: AlarmIdentity): string {
  return `${alarm.type} of trip ${alarm.trip}${alarm.device === null ? "" : `, device ${alarm.device}`}${
    alarm.zone === undefined ? "" : `, zone ${alarm.zone}`
  }, started ${formatTimeMs(alarm.startedAtMs)}`;
}
