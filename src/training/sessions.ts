/**
 * Training sessions: an instructor (or a supervisor) starts an exercise for one or more trainees at
 * a speed of 1× to 60×. Each trainee works in an isolated workspace (`workspace.ts`): its own store,
 * engine host and audit chain, fed with the exercise's inputs as the session's exercise clock passes
 * their arrival times. The trainee acknowledges, resolves and escalates the workspace's alarms,
 * answers remote unlock requests and decides at arrival; every action is kept with its exercise time
 * and scored against the exercise (`scoring.ts`). Nothing here touches the live store.
 */
import { randomUUID } from "node:crypto";
import { alarmKey, type AlarmIdentity } from "../core/domain/model.js";
import { SealwatchError } from "../core/errors.js";
import type { Clock } from "../monitor/clock.js";
import { alarmOf } from "../monitor/records.js";
import type { AlarmRecord, TripRecord } from "../store/ports.js";
import { checkExercise } from "./check.js";
import type { Exercise, TrainingDecision, TrainingOutcome } from "./exercise.js";
import { scoreExercise, type ScoreResult, type TraineeAction } from "./scoring.js";
import { arrivalTimes, TrainingWorkspace } from "./workspace.js";

export const MIN_SPEED = 1;
export const MAX_SPEED = 60;
/** Exercise time after the last input during which trainees may still act (decisions at arrival). */
export const AFTER_LAST_INPUT_MS = 3_600_000;
/** Sessions running at once (each trainee's workspace is a store file and an engine). */
export const MAX_RUNNING_SESSIONS = 50;

export interface Trainee {
  readonly userId: string;
  readonly username: string;
}

export interface TrainingSession {
  readonly id: string;
  readonly exercise: Exercise;
  readonly speed: number;
  readonly startedBy: string;
  /** Wall-clock start. */
  readonly startedAtMs: number;
  /** The exercise clock at the start and at the last input. */
  readonly exerciseStartMs: number;
  readonly exerciseEndMs: number;
  readonly trainees: readonly Trainee[];
  finishedAtMs?: number;
  finishedBy?: string;
}

interface Participant {
  readonly trainee: Trainee;
  readonly workspace: TrainingWorkspace;
  readonly actions: TraineeAction[];
}

interface Entry {
  readonly session: TrainingSession;
  readonly participants: Map<string, Participant>;
  readonly raisedAtMs: ReadonlyMap<string, number>;
}

export interface TrainingServiceOptions {
  /** Where workspace stores go (a folder of SQLite files). */
  readonly folder: string;
  /** The live store's location: a workspace there is refused. */
  readonly liveLocation: string;
  readonly library: ReadonlyMap<string, Exercise>;
  readonly clock: Clock;
  /** At most this many sessions run at once (default MAX_RUNNING_SESSIONS). */
  readonly maxRunning?: number;
}

export class TrainingService {
  private readonly sessions = new Map<string, Entry>();

  constructor(private readonly options: TrainingServiceOptions) {}

  exercises(): Exercise[] {
    return [...this.options.library.values()];
  }

  exercise(id: string): Exercise {
    const exercise = this.options.library.get(id);
    if (exercise === undefined) throw new SealwatchError("NOT_FOUND", `no exercise ${id}`);
    return exercise;
  }

  async start(input: {
    readonly exerciseId: string;
    readonly speed: number;
    readonly trainees: readonly Trainee[];
    readonly actor: string;
    readonly workspace?: "isolated" | "live";
    /** Where in the story the exercise clock starts (default: the first input); earlier inputs are applied at once. */
    readonly beginAtMs?: number;
  }): Promise<TrainingSession> {
    if (input.workspace === "live")
      throw new SealwatchError(
        "TRAINING_REFUSED",
        "a training session cannot run against the live workspace",
      );
    const exercise = this.exercise(input.exerciseId);
    const running = this.list().filter((s) => !this.finished(s)).length;
    const maxRunning = this.options.maxRunning ?? MAX_RUNNING_SESSIONS;
    if (running >= maxRunning)
      throw new SealwatchError(
        "TRAINING_REFUSED",
        `${running} training sessions are running, the most this server runs at once; finish one first`,
      );
    if (!(input.speed >= MIN_SPEED && input.speed <= MAX_SPEED))
      throw new SealwatchError("VALIDATION_FAILED", `speed must be ${MIN_SPEED} to ${MAX_SPEED}`);
    if (input.trainees.length === 0)
      throw new SealwatchError("VALIDATION_FAILED", "a session needs at least one trainee");
    const finite = arrivalTimes(exercise).filter(Number.isFinite);
    const firstMs = Math.min(...finite);
    const lastMs = Math.max(...finite);
    if (input.beginAtMs !== undefined && !(input.beginAtMs >= firstMs && input.beginAtMs <= lastMs))
      throw new SealwatchError(
        "VALIDATION_FAILED",
        `beginAt must lie within the exercise, ${new Date(firstMs).toISOString()} to ${new Date(lastMs).toISOString()}`,
      );
    const session: TrainingSession = {
      id: `trn-${randomUUID()}`,
      exercise,
      speed: input.speed,
      startedBy: input.actor,
      startedAtMs: this.options.clock.nowMs(),
      exerciseStartMs: input.beginAtMs ?? firstMs,
      exerciseEndMs: lastMs,
      trainees: [...input.trainees],
    };
    const participants = new Map<string, Participant>();
    const exerciseClock = { nowMs: () => this.exerciseNow(session) };
    try {
      for (const trainee of input.trainees) {
        const workspace = await TrainingWorkspace.open({
          folder: this.options.folder,
          name: `${session.id}-${trainee.userId}`,
          liveLocation: this.options.liveLocation,
          exercise,
          exerciseClock,
          nowMs: session.exerciseStartMs,
        });
        participants.set(trainee.userId, { trainee, workspace, actions: [] });
        await workspace.store.audit.append({
          atMs: session.exerciseStartMs,
          actor: input.actor,
          action: "training.session.start",
          subjectType: "training_session",
          subjectId: session.id,
          details: { exercise: exercise.id, speed: session.speed, trainee: trainee.username },
        });
      }
    } catch (error) {
      for (const participant of participants.values()) await participant.workspace.close();
      throw error;
    }
    this.sessions.set(session.id, { session, participants, raisedAtMs: checkExercise(exercise).raisedAtMs });
    return session;
  }

  /** The exercise clock of a session: its start plus the wall time elapsed times the speed. */
  exerciseNow(session: TrainingSession): number {
    const wallMs = (session.finishedAtMs ?? this.options.clock.nowMs()) - session.startedAtMs;
    return session.exerciseStartMs + Math.max(0, wallMs) * session.speed;
  }

  finished(session: TrainingSession): boolean {
    return (
      session.finishedAtMs !== undefined ||
      this.exerciseNow(session) > session.exerciseEndMs + AFTER_LAST_INPUT_MS
    );
  }

  list(): TrainingSession[] {
    return [...this.sessions.values()].map((e) => e.session);
  }

  get(id: string): TrainingSession {
    return this.entry(id).session;
  }

  async finish(id: string, actor: string): Promise<TrainingSession> {
    const { session, participants } = this.entry(id);
    if (this.finished(session))
      throw new SealwatchError("TRAINING_REFUSED", `training session ${id} is finished`);
    const endMs = this.exerciseNow(session);
    session.finishedAtMs = this.options.clock.nowMs();
    session.finishedBy = actor;
    for (const participant of participants.values()) {
      await participant.workspace.advanceTo(endMs);
      await participant.workspace.store.audit.append({
        atMs: endMs,
        actor,
        action: "training.session.finish",
        subjectType: "training_session",
        subjectId: id,
        details: {},
      });
    }
    return session;
  }

  /** The trainee's workspace brought up to the exercise clock. */
  async workspace(id: string, userId: string): Promise<TrainingWorkspace> {
    const participant = this.participant(id, userId);
    await participant.workspace.advanceTo(this.exerciseNow(this.entry(id).session));
    return participant.workspace;
  }

  async alarms(id: string, userId: string): Promise<AlarmRecord[]> {
    const workspace = await this.workspace(id, userId);
    return workspace.store.alarms.list({ includeRetracted: true, limit: 10_000 });
  }

  async trips(id: string, userId: string): Promise<TripRecord[]> {
    const workspace = await this.workspace(id, userId);
    return workspace.store.trips.list();
  }

  acknowledge(id: string, userId: string, alarmId: string): Promise<AlarmRecord> {
    return this.onAlarm(id, userId, alarmId, "acknowledge", (ws, actor) =>
      ws.workflow.acknowledge(alarmId, actor),
    );
  }

  resolve(
    id: string,
    userId: string,
    alarmId: string,
    outcome: TrainingOutcome,
    notes?: string,
  ): Promise<AlarmRecord> {
    return this.onAlarm(id, userId, alarmId, { kind: "resolve", outcome }, (ws, actor) =>
      ws.workflow.resolve(alarmId, actor, outcome, notes),
    );
  }

  escalate(id: string, userId: string, alarmId: string): Promise<AlarmRecord> {
    return this.onAlarm(id, userId, alarmId, "escalate", (ws, actor) =>
      ws.workflow.comment(alarmId, actor, "escalated to the duty supervisor (training)"),
    );
  }

  /** The trainee's answer to a remote unlock request: recorded only, no device is ever commanded. */
  remoteUnlock(
    id: string,
    userId: string,
    alarmId: string,
    answer: "refuse" | "allow",
  ): Promise<AlarmRecord> {
    return this.onAlarm(id, userId, alarmId, { kind: "remote_unlock", answer }, (ws, actor) =>
      ws.workflow.comment(
        alarmId,
        actor,
        `remote unlock ${answer === "refuse" ? "refused" : "allowed"} (training)`,
      ),
    );
  }

  async decide(id: string, userId: string, tripId: string, decision: TrainingDecision): Promise<TripRecord> {
    const { session, participant, workspace } = await this.running(id, userId);
    const trip = await workspace.store.trips.get(tripId);
    if (trip === undefined)
      throw new SealwatchError("TRAINING_REFUSED", `trip ${tripId} is not a trip of training session ${id}`);
    if (trip.arrivedAtMs === undefined)
      throw new SealwatchError("TRAINING_REFUSED", `trip ${tripId} has not arrived at its destination yet`);
    if (participant.actions.some((a) => a.kind === "decide" && a.trip === tripId))
      throw new SealwatchError("TRAINING_REFUSED", `the decision on trip ${tripId} is already recorded`);
    const atMs = this.exerciseNow(session);
    await workspace.store.audit.append({
      atMs,
      actor: `user:${userId}`,
      action: "training.decision",
      subjectType: "trip",
      subjectId: tripId,
      details: { decision },
    });
    participant.actions.push({ kind: "decide", trip: tripId, decision, atMs });
    return trip;
  }

  /** The actions a trainee took so far, in exercise time. */
  actions(id: string, userId: string): readonly TraineeAction[] {
    return this.participant(id, userId).actions;
  }

  /** Each trainee's score so far (final once the session is finished). */
  results(id: string): { trainee: Trainee; score: ScoreResult }[] {
    const { session, participants } = this.entry(id);
    // An alarm that reached the control room before the session began reaches the trainee at its start.
    const raisedAtMs = new Map(
      [...this.entry(id).raisedAtMs].map(([key, ms]) => [key, Math.max(ms, session.exerciseStartMs)]),
    );
    return [...participants.values()].map((p) => ({
      trainee: p.trainee,
      score: scoreExercise({ exercise: session.exercise, actions: p.actions, raisedAtMs }),
    }));
  }

  async close(): Promise<void> {
    for (const entry of this.sessions.values())
      for (const participant of entry.participants.values()) await participant.workspace.close();
    this.sessions.clear();
  }

  private async onAlarm(
    id: string,
    userId: string,
    alarmId: string,
    action:
      | "acknowledge"
      | "escalate"
      | { kind: "resolve"; outcome: TrainingOutcome }
      | { kind: "remote_unlock"; answer: "refuse" | "allow" },
    apply: (workspace: TrainingWorkspace, actor: string) => Promise<AlarmRecord>,
  ): Promise<AlarmRecord> {
    const { session, participant, workspace } = await this.running(id, userId);
    const record = await workspace.store.alarms.get(alarmId);
    if (record === undefined)
      throw new SealwatchError(
        "TRAINING_REFUSED",
        `alarm ${alarmId} is not an alarm of training session ${id}`,
      );
    const updated = await apply(workspace, `user:${userId}`);
    const alarm: AlarmIdentity = alarmOf(record);
    const atMs = this.exerciseNow(session);
    const kind = typeof action === "string" ? action : action.kind;
    const already = participant.actions.some(
      (a) => a.kind !== "decide" && a.kind === kind && alarmKey(a.alarm) === alarmKey(alarm),
    );
    if (!already) {
      if (action === "acknowledge" || action === "escalate")
        participant.actions.push({ kind: action, alarm, atMs });
      else if (action.kind === "resolve")
        participant.actions.push({ kind: "resolve", alarm, outcome: action.outcome, atMs });
      else participant.actions.push({ kind: "remote_unlock", alarm, answer: action.answer, atMs });
    }
    return updated;
  }

  /** A running session's participant and up-to-date workspace, for an action; refused once finished. */
  private async running(id: string, userId: string) {
    const { session } = this.entry(id);
    if (this.finished(session))
      throw new SealwatchError("TRAINING_REFUSED", `training session ${session.id} is finished`);
    const participant = this.participant(id, userId);
    return { session, participant, workspace: await this.workspace(id, userId) };
  }

  private entry(id: string): Entry {
    const entry = this.sessions.get(id);
    if (entry === undefined) throw new SealwatchError("NOT_FOUND", `no training session ${id}`);
    return entry;
  }

  private participant(id: string, userId: string): Participant {
    const participant = this.entry(id).participants.get(userId);
    if (participant === undefined)
      throw new SealwatchError("NOT_FOUND", `no training session ${id} for this trainee`);
    return participant;
  }
}
