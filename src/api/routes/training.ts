/**
 * Training mode (docs/training.md): the exercise library, sessions an instructor or a supervisor
 * starts for trainees, the trainee's alarms and trips in the session's isolated workspace, their
 * actions, and the scored debrief (JSON, and every result as CSV). Nothing here reads or writes the
 * live store beyond looking up the trainees' user accounts.
 */
import { Type } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import { allows, type Principal } from "../auth/policy.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { Id, Strict, StringEnum, withErrors } from "../schemas/common.js";
import { OUTCOMES } from "../schemas/views.js";
import { alarmView, iso, tripView } from "../views.js";
import { CSV_COLUMNS, csvCell, exerciseView, resultView, sessionView } from "./training-views.js";
import { ARRIVAL_DECISIONS } from "../../training/exercise.js";
import { MAX_SPEED, MIN_SPEED, type TrainingSession } from "../../training/sessions.js";

const SessionParams = Strict({ id: Id });
const AlarmParams = Strict({ id: Id, alarmId: Id });
const TripParams = Strict({ id: Id, tripId: Id });
/** How many trainees one session takes. */
const MAX_TRAINEES = 50;

/** Whether the caller runs sessions (instructors, supervisors) rather than only taking them. */
function runs(p: Principal): boolean {
  return allows(p, "training.run");
}

/** The session if the caller may see it: runners see every session, trainees their own. */
function visibleSession(ctx: ApiContext, p: Principal, id: string): TrainingSession {
  const session = ctx.training.get(id);
  if (!runs(p) && !session.trainees.some((t) => t.userId === p.id))
    throw new SealwatchError("NOT_FOUND", `no training session ${id}`);
  return session;
}

export function trainingRoutes(app: ApiApp, ctx: ApiContext): void {
  app.addHook("onClose", async () => ctx.training.close());

  app.get(
    "/training/exercises",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "The exercise library: titles, levels, corridors and briefings",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("TrainingExercise")) }) }),
      },
    },
    () => Promise.resolve({ items: ctx.training.exercises().map(exerciseView) }),
  );

  app.post(
    "/training/sessions",
    {
      config: { permission: "training.run", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "Start a training session of an exercise for trainees, in an isolated workspace",
        body: Strict({
          exerciseId: Id,
          speed: Type.Number({ minimum: MIN_SPEED, maximum: MAX_SPEED, description: "1× to 60×." }),
          trainees: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
            minItems: 1,
            maxItems: MAX_TRAINEES,
            uniqueItems: true,
            description: "Usernames of the trainees (staff who may take training).",
          }),
          beginAt: Type.Optional(
            Type.String({
              format: "date-time",
              maxLength: 40,
              description:
                "Where in the story to start (default: its first input); earlier inputs are applied at once.",
            }),
          ),
          workspace: Type.Optional(
            StringEnum(["isolated", "live"], {
              description:
                "Always isolated; a session against the live workspace is refused (TRAINING_REFUSED).",
            }),
          ),
        }),
        response: withErrors({ 201: Type.Ref("TrainingSession") }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const trainees = [];
      for (const username of request.body.trainees) {
        const user = await ctx.store.access.userByName(username);
        if (user === undefined || user.disabled)
          throw new SealwatchError("UNKNOWN_REFERENCE", `no active user ${JSON.stringify(username)}`);
        const principalLike = { role: user.role } as Principal;
        if (!allows(principalLike, "training.take"))
          throw new SealwatchError(
            "INVALID_DEFINITION",
            `user ${user.username} (${user.role}) cannot take training`,
          );
        trainees.push({ userId: user.id, username: user.username });
      }
      const session = await ctx.training.start({
        exerciseId: request.body.exerciseId,
        speed: request.body.speed,
        trainees,
        actor: p.actor,
        ...(request.body.workspace === undefined ? {} : { workspace: request.body.workspace }),
        ...(request.body.beginAt === undefined ? {} : { beginAtMs: Date.parse(request.body.beginAt) }),
      });
      return reply.code(201).send(sessionView(ctx.training, session));
    },
  );

  app.get(
    "/training/sessions",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "Training sessions: every session for instructors and supervisors, one's own for trainees",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("TrainingSession")) }) }),
      },
    },
    (request) => {
      const p = principalOf(request);
      const sessions = ctx.training
        .list()
        .filter((s) => runs(p) || s.trainees.some((t) => t.userId === p.id))
        .sort((a, b) => b.startedAtMs - a.startedAtMs);
      return Promise.resolve({ items: sessions.map((s) => sessionView(ctx.training, s)) });
    },
  );

  app.get(
    "/training/sessions/:id",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "A training session: briefing, speed, exercise clock, trainees",
        params: SessionParams,
        response: withErrors({ 200: Type.Ref("TrainingSession") }),
      },
    },
    (request) =>
      Promise.resolve(
        sessionView(ctx.training, visibleSession(ctx, principalOf(request), request.params.id)),
      ),
  );

  app.post(
    "/training/sessions/:id/finish",
    {
      config: { permission: "training.run", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "End a training session: trainees can no longer act, the scores are final",
        params: SessionParams,
        response: withErrors({ 200: Type.Ref("TrainingSession") }),
      },
    },
    async (request) => {
      const session = await ctx.training.finish(request.params.id, principalOf(request).actor);
      return sessionView(ctx.training, session);
    },
  );

  app.get(
    "/training/sessions/:id/alarms",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "The trainee's alarm queue in the session's workspace (TRAINING, not live alarms)",
        params: SessionParams,
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("Alarm")) }) }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const alarms = await ctx.training.alarms(request.params.id, p.id);
      return { items: alarms.map((a) => alarmView(a, ctx.targets)) };
    },
  );

  app.get(
    "/training/sessions/:id/trips",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "The trainee's trips in the session's workspace (TRAINING, not live trips)",
        params: SessionParams,
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("Trip")) }) }),
      },
    },
    async (request) => {
      const trips = await ctx.training.trips(request.params.id, principalOf(request).id);
      return { items: trips.map(tripView) };
    },
  );

  const alarmAction = (
    url: string,
    summary: string,
    body: ReturnType<typeof Strict>,
    run: (id: string, userId: string, alarmId: string, body: Record<string, unknown>) => Promise<unknown>,
  ): void => {
    app.post(
      url,
      {
        config: { permission: "training.take", trainingWorkspace: true },
        schema: {
          tags: ["training"],
          summary,
          params: AlarmParams,
          body,
          response: withErrors({ 200: Type.Ref("Alarm") }),
        },
      },
      async (request) => {
        const params = request.params;
        const record = await run(params.id, principalOf(request).id, params.alarmId, request.body);
        return alarmView(record as Parameters<typeof alarmView>[0], ctx.targets);
      },
    );
  };
  alarmAction(
    "/training/sessions/:id/alarms/:alarmId/acknowledge",
    "Acknowledge a training alarm",
    Strict({}),
    (id, user, alarm) => ctx.training.acknowledge(id, user, alarm),
  );
  alarmAction(
    "/training/sessions/:id/alarms/:alarmId/resolve",
    "Resolve a training alarm with its outcome",
    Strict({ outcome: StringEnum(OUTCOMES), notes: Type.Optional(Type.String({ maxLength: 2000 })) }),
    (id, user, alarm, body) =>
      ctx.training.resolve(
        id,
        user,
        alarm,
        body.outcome as (typeof OUTCOMES)[number],
        body.notes as string | undefined,
      ),
  );
  alarmAction(
    "/training/sessions/:id/alarms/:alarmId/escalate",
    "Escalate a training alarm to the duty supervisor",
    Strict({}),
    (id, user, alarm) => ctx.training.escalate(id, user, alarm),
  );
  alarmAction(
    "/training/sessions/:id/alarms/:alarmId/remote-unlock",
    "Answer a remote unlock request on a training alarm (no device is ever commanded)",
    Strict({ answer: StringEnum(["refuse", "allow"]) }),
    (id, user, alarm, body) => ctx.training.remoteUnlock(id, user, alarm, body.answer as "refuse" | "allow"),
  );

  app.post(
    "/training/sessions/:id/trips/:tripId/decision",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "The trainee's inspection decision on a training trip that has arrived",
        params: TripParams,
        body: Strict({ decision: StringEnum(ARRIVAL_DECISIONS) }),
        response: withErrors({ 200: Type.Ref("Trip") }),
      },
    },
    async (request) => {
      const { id, tripId } = request.params;
      return tripView(await ctx.training.decide(id, principalOf(request).id, tripId, request.body.decision));
    },
  );

  app.get(
    "/training/sessions/:id/debrief",
    {
      config: { permission: "training.take", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary:
          "The scored debrief: each trainee's score and breakdown (trainees see their own), the expected responses and the exercise's notes",
        params: SessionParams,
        response: withErrors({ 200: Type.Ref("TrainingDebrief") }),
      },
    },
    (request) => {
      const p = principalOf(request);
      const session = visibleSession(ctx, p, request.params.id);
      const results = ctx.training
        .results(session.id)
        .filter((r) => runs(p) || r.trainee.userId === p.id)
        .map((r) => resultView(ctx.training, session, r.trainee, r.score));
      return Promise.resolve({
        session: sessionView(ctx.training, session),
        results,
        responses: session.exercise.responses.map((r) =>
          r.kind === "arrival"
            ? { id: r.id, kind: r.kind, tripId: r.trip, decision: r.decision, notes: r.notes }
            : {
                id: r.id,
                kind: r.kind,
                tripId: r.alarm.trip,
                alarmType: r.alarm.type,
                startedAt: iso(r.alarm.startedAtMs),
                acknowledgeWithinS: r.acknowledgeWithinS,
                ...(r.outcome === undefined ? {} : { outcome: r.outcome }),
                retracted: r.retracted,
                ...(r.escalate === undefined ? {} : { escalate: r.escalate }),
                ...(r.remoteUnlock === undefined ? {} : { remoteUnlock: r.remoteUnlock }),
                notes: r.notes,
              },
        ),
        timeline: session.exercise.timeline.map((t) => ({ at: iso(t.atMs), note: t.note })),
      });
    },
  );

  const allResults = () =>
    ctx.training
      .list()
      .sort((a, b) => a.startedAtMs - b.startedAtMs)
      .flatMap((session) =>
        ctx.training.results(session.id).map((r) => resultView(ctx.training, session, r.trainee, r.score)),
      );

  app.get(
    "/training/results",
    {
      config: { permission: "training.run", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "Every trainee's results over time, oldest session first",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("TrainingResult")) }) }),
      },
    },
    () => Promise.resolve({ items: allResults() }),
  );

  app.get(
    "/training/results.csv",
    {
      config: { permission: "training.run", trainingWorkspace: true },
      schema: {
        tags: ["training"],
        summary: "Every trainee's results as CSV (one row per trainee and session)",
        produces: ["text/csv"],
      },
    },
    (_request, reply) => {
      const count = (items: readonly { verdict: string }[], verdict: string) =>
        items.filter((i) => i.verdict === verdict).length;
      const rows = allResults().map((r) =>
        [
          r.sessionId,
          r.exerciseId,
          r.trainee.username,
          r.startedAt,
          r.finished,
          r.points,
          r.maxPoints,
          r.percent,
          count(r.items, "right"),
          count(r.items, "late"),
          count(r.items, "wrong"),
          count(r.items, "missed"),
          r.stray.length,
        ]
          .map(csvCell)
          .join(","),
      );
      void reply.header("content-type", "text/csv; charset=utf-8");
      void reply.header("content-disposition", 'attachment; filename="training-results.csv"');
      return Promise.resolve([CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n");
    },
  );
}
