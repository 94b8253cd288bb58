/** The alarm queue and its workflow: acknowledge, assign, comment, resolve with an outcome. */
import { Type } from "@fastify/type-provider-typebox";
import { ALARM_TYPES } from "../../core/domain/model.js";
import { SealwatchError } from "../../core/errors.js";
import type { AlarmRecord } from "../../store/ports.js";
import { handlesAlarms } from "../auth/policy.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { Id, Paging, Repeated, Strict, StringEnum, withErrors } from "../schemas/common.js";
import { OUTCOMES, SEVERITIES, WORKFLOWS } from "../schemas/views.js";
import { alarmActionView, alarmView } from "../views.js";

const AlarmParams = Strict({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9._:-]+$" }),
});
const STAFF_ONLY_ACTIONS = new Set(["comment", "assign", "escalate"]);

export function alarmRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/alarms",
    {
      config: { permission: "alarms.read" },
      schema: {
        tags: ["alarms"],
        summary:
          "The alarm queue: most severe first, then oldest; filter by workflow state, type, severity, office, trip",
        querystring: Strict({
          state: Type.Optional(
            Repeated(StringEnum(WORKFLOWS), 10, { description: "Workflow state; repeat for several." }),
          ),
          type: Type.Optional(Repeated(StringEnum(ALARM_TYPES), 20)),
          severity: Type.Optional(Repeated(StringEnum(SEVERITIES), 10)),
          office: Type.Optional(Id),
          tripId: Type.Optional(Repeated(Id, 100)),
          includeRetracted: Type.Optional(Type.Boolean({ default: false })),
          ...Paging,
        }),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(Type.Ref("Alarm")),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const q = request.query;
      const limit = q.limit ?? 100;
      const offset = q.offset ?? 0;
      let tripIds: string[] | undefined = await ctx.visibleTripIds(p);
      const narrow = (ids: string[]): void => {
        tripIds = tripIds === undefined ? ids : tripIds.filter((id) => ids.includes(id));
      };
      if (q.tripId !== undefined) narrow(q.tripId);
      if (q.office !== undefined) narrow((await ctx.store.trips.list({ office: q.office })).map((t) => t.id));
      if (tripIds !== undefined && tripIds.length === 0) return { items: [], limit, offset };
      const alarms = await ctx.store.alarms.list({
        ...(q.state === undefined ? {} : { workflow: q.state }),
        ...(q.type === undefined ? {} : { types: q.type }),
        ...(q.severity === undefined ? {} : { severities: q.severity }),
        ...(tripIds === undefined ? {} : { tripIds }),
        includeRetracted: q.includeRetracted ?? false,
        limit,
        offset,
      });
      const forTrader = p.role === "trader";
      return { items: alarms.map((a) => alarmView(a, ctx.targets, { forTrader })), limit, offset };
    },
  );

  app.get(
    "/alarms/:id",
    {
      config: { permission: "alarms.read" },
      schema: {
        tags: ["alarms"],
        summary: "One alarm with its handling history",
        params: AlarmParams,
        response: withErrors({
          200: Type.Object({ alarm: Type.Ref("Alarm"), actions: Type.Array(Type.Ref("AlarmAction")) }),
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { alarm } = await ctx.visibleAlarm(p, request.params.id);
      const forTrader = p.role === "trader";
      const actions = (await ctx.store.alarms.actions(alarm.id)).filter(
        (a) => !(forTrader && STAFF_ONLY_ACTIONS.has(a.action)),
      );
      return { alarm: alarmView(alarm, ctx.targets, { forTrader }), actions: actions.map(alarmActionView) };
    },
  );

  const action = <B extends ReturnType<typeof Strict>>(
    path: string,
    summary: string,
    body: B,
    run: (alarmId: string, actor: string, body: Record<string, unknown>) => Promise<AlarmRecord>,
  ) =>
    app.post(
      `/alarms/:id/${path}`,
      {
        config: { permission: "alarms.handle" },
        schema: {
          tags: ["alarms"],
          summary,
          params: AlarmParams,
          body,
          response: withErrors({ 200: Type.Ref("Alarm") }),
        },
      },
      async (request) => {
        const p = principalOf(request);
        const { alarm } = await ctx.visibleAlarm(p, request.params.id);
        const updated = await run(alarm.id, p.actor, request.body as Record<string, unknown>);
        return alarmView(updated, ctx.targets);
      },
    );

  action(
    "acknowledge",
    "Acknowledge an open alarm (stops the escalation clock)",
    Strict({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })) }),
    (id, actor, body) => ctx.workflow.acknowledge(id, actor, body.note as string | undefined),
  );
  action(
    "assign",
    "Assign the alarm to a user who handles alarms",
    Strict({ assignee: Id }),
    async (id, actor, body) => {
      const assignee = body.assignee as string;
      const user = (await ctx.store.access.user(assignee)) ?? (await ctx.store.access.userByName(assignee));
      if (user === undefined)
        throw new SealwatchError("UNKNOWN_REFERENCE", `body.assignee: user "${assignee}" does not exist`);
      if (user.disabled || !handlesAlarms(user.role))
        throw new SealwatchError(
          "INVALID_DEFINITION",
          `body.assignee: user "${assignee}" (${user.role}${user.disabled ? ", disabled" : ""}) does not handle alarms`,
        );
      return ctx.workflow.assign(id, actor, user.id);
    },
  );
  action(
    "comments",
    "Add a comment to the alarm's history",
    Strict({ text: Type.String({ minLength: 1, maxLength: 4000 }) }),
    (id, actor, body) => ctx.workflow.comment(id, actor, body.text as string),
  );
  action(
    "resolve",
    "Resolve an acknowledged alarm with its outcome and notes",
    Strict({
      outcome: StringEnum(OUTCOMES),
      notes: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
    }),
    (id, actor, body) =>
      ctx.workflow.resolve(
        id,
        actor,
        body.outcome as (typeof OUTCOMES)[number],
        body.notes as string | undefined,
      ),
  );
}
