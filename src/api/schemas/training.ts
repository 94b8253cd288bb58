/**
 * Training mode as the API shows it (docs/training.md): the exercise library, sessions with their
 * exercise clock, and each trainee's score with its breakdown and the debrief notes.
 */
import { Type } from "@fastify/type-provider-typebox";
import { ALARM_OUTCOMES, ARRIVAL_DECISIONS } from "../../training/exercise.js";
import { StringEnum, Time } from "./common.js";

const Opt = Type.Optional;

export const TrainingExerciseView = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    level: StringEnum(["basic", "intermediate", "advanced"]),
    corridor: Opt(Type.String()),
    topics: Type.Array(Type.String()),
    briefing: Type.Object({ role: Type.String(), office: Type.String(), text: Type.String() }),
    trips: Type.Array(Type.String(), { description: "The exercise's trip ids." }),
    expectedResponses: Type.Integer({ description: "How many responses are scored." }),
  },
  { $id: "TrainingExercise" },
);

export const TrainingSessionView = Type.Object(
  {
    id: Type.String(),
    training: Type.Literal(true, { description: "Always true: this is a training session, not live data." }),
    exerciseId: Type.String(),
    title: Type.String(),
    briefing: Type.Object({ role: Type.String(), office: Type.String(), text: Type.String() }),
    speed: Type.Number({ description: "Exercise seconds per wall-clock second (1 to 60)." }),
    state: StringEnum(["running", "finished"]),
    startedAt: Time,
    startedBy: Type.String(),
    finishedAt: Opt(Time),
    exerciseStart: Time,
    exerciseEnd: Time,
    exerciseNow: Type.String({ description: "The session's exercise clock now (RFC 3339)." }),
    trainees: Type.Array(Type.Object({ userId: Type.String(), username: Type.String() })),
  },
  { $id: "TrainingSession" },
);

const Verdict = StringEnum(["right", "late", "wrong", "missed"]);

export const TrainingResultView = Type.Object(
  {
    sessionId: Type.String(),
    exerciseId: Type.String(),
    trainee: Type.Object({ userId: Type.String(), username: Type.String() }),
    startedAt: Time,
    finished: Type.Boolean(),
    points: Type.Number(),
    maxPoints: Type.Number(),
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
    penaltyPoints: Type.Number(),
    items: Type.Array(
      Type.Object({
        responseId: Type.String(),
        item: StringEnum(["acknowledge", "outcome", "escalate", "remote_unlock", "decision"]),
        expected: Type.String(),
        actual: Type.Union([Type.String(), Type.Null()]),
        verdict: Verdict,
        points: Type.Number(),
        maxPoints: Type.Number(),
        delayS: Opt(Type.Number()),
      }),
    ),
    stray: Type.Array(
      Type.Object({
        reason: StringEnum(["wrong_trip", "unexpected_alarm"]),
        kind: Type.String(),
        tripId: Type.String(),
        at: Time,
      }),
    ),
  },
  { $id: "TrainingResult" },
);

export const TrainingDebriefView = Type.Object(
  {
    session: Type.Ref("TrainingSession"),
    results: Type.Array(Type.Ref("TrainingResult")),
    responses: Type.Array(
      Type.Object({
        id: Type.String(),
        kind: StringEnum(["alarm", "arrival"]),
        tripId: Type.String(),
        alarmType: Opt(Type.String()),
        startedAt: Opt(Time),
        acknowledgeWithinS: Opt(Type.Number()),
        outcome: Opt(StringEnum(ALARM_OUTCOMES)),
        retracted: Opt(Type.Boolean()),
        escalate: Opt(Type.Boolean()),
        remoteUnlock: Opt(StringEnum(["refuse", "allow"])),
        decision: Opt(StringEnum(ARRIVAL_DECISIONS)),
        notes: Type.String(),
      }),
    ),
    timeline: Type.Array(Type.Object({ at: Time, note: Type.String() })),
  },
  { $id: "TrainingDebrief" },
);

export const TRAINING_SCHEMAS = [
  TrainingExerciseView,
  TrainingSessionView,
  TrainingResultView,
  TrainingDebriefView,
];
