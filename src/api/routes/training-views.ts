/** How training sessions, exercises and results look in the API (routes/training.ts), and their CSV. */
import type { Exercise } from "../../training/exercise.js";
import type { ScoreResult } from "../../training/scoring.js";
import type { TrainingService, TrainingSession } from "../../training/sessions.js";
import { iso } from "../views.js";

export function exerciseView(exercise: Exercise) {
  return {
    id: exercise.id,
    title: exercise.title,
    level: exercise.level,
    ...(exercise.corridor === undefined ? {} : { corridor: exercise.corridor }),
    topics: [...exercise.topics],
    briefing: { ...exercise.briefing },
    trips: exercise.scenario.trips.map((t) => t.id),
    expectedResponses: exercise.responses.length,
  };
}

export function sessionView(training: TrainingService, session: TrainingSession) {
  return {
    id: session.id,
    training: true as const,
    exerciseId: session.exercise.id,
    title: session.exercise.title,
    briefing: { ...session.exercise.briefing },
    speed: session.speed,
    state: training.finished(session) ? ("finished" as const) : ("running" as const),
    startedAt: iso(session.startedAtMs),
    startedBy: session.startedBy,
    ...(session.finishedAtMs === undefined ? {} : { finishedAt: iso(session.finishedAtMs) }),
    exerciseStart: iso(session.exerciseStartMs),
    exerciseEnd: iso(session.exerciseEndMs),
    exerciseNow: iso(Math.min(training.exerciseNow(session), 8.64e15)),
    trainees: session.trainees.map((t) => ({ ...t })),
  };
}

export function resultView(
  training: TrainingService,
  session: TrainingSession,
  trainee: { userId: string; username: string },
  score: ScoreResult,
) {
  return {
    sessionId: session.id,
    exerciseId: session.exercise.id,
    trainee: { ...trainee },
    startedAt: iso(session.startedAtMs),
    finished: training.finished(session),
    points: score.points,
    maxPoints: score.maxPoints,
    percent: score.percent,
    penaltyPoints: score.penaltyPoints,
    items: score.items.map((item) => ({ ...item })),
    stray: score.stray.map((s) => ({
      reason: s.reason,
      kind: s.action.kind,
      tripId: s.action.kind === "decide" ? s.action.trip : s.action.alarm.trip,
      at: iso(s.action.atMs),
    })),
  };
}

export const CSV_COLUMNS = [
  "session",
  "exercise",
  "trainee",
  "started_at",
  "finished",
  "points",
  "max_points",
  "percent",
  "right",
  "late",
  "wrong",
  "missed",
  "stray_actions",
] as const;

export function csvCell(value: string | number | boolean): string {
  const text = String(value);
  // Quote always; a leading formula character is neutralised for spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}
