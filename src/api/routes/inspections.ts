/**
 * The inspection at destination: the trip's recommendation and reasons, the officer's decision and
 * the outcome of the check (docs/risk.md). Disarming checks the same service (routes/trips.ts).
 */
import { Type, type TSchema } from "@fastify/type-provider-typebox";
import type { RiskReason } from "../../core/risk/record.js";
import { RECOMMENDED_DECISION, type InspectionState } from "../../risk/inspection-service.js";
import { INSPECTION_DECISIONS, INSPECTION_RESULTS } from "../../store/inspection-ports.js";
import type { TripRecord } from "../../store/ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { checkTime } from "../input-checks.js";
import { IdParams, Strict, StringEnum, Time, withErrors } from "../schemas/common.js";
import { inspectionFigures } from "../../risk/figures.js";
import { iso } from "../views.js";

function reasonView(r: RiskReason) {
  return {
    factor: r.factor,
    code: r.code,
    weight: r.weight,
    text: r.text,
    ...(r.floor === undefined ? {} : { floor: r.floor }),
    ...(r.alarmId === undefined ? {} : { alarmId: r.alarmId }),
    ...(r.position === undefined ? {} : { position: [...r.position] }),
    ...(r.atMs === undefined ? {} : { at: iso(r.atMs) }),
  };
}

/** The inspection as a caller sees it: traders the channel and the release (reasons if configured). */
export function inspectionView(
  trip: TripRecord,
  state: InspectionState,
  audience: { readonly trader: boolean; readonly reasonsForTraders: boolean },
  disarmRefusal?: string | null,
) {
  const r = state.recommendation;
  const record = state.fixed ? state.record : undefined;
  const released = record?.releasedAtMs !== undefined;
  const common = {
    tripId: trip.id,
    office: trip.destination,
    state: state.fixed ? ("fixed" as const) : ("live" as const),
    channel: r.channel,
    recommendedDecision: RECOMMENDED_DECISION[r.channel],
    asOf: iso(r.asOfMs),
    ...(trip.arrivedAtMs === undefined ? {} : { arrivedAt: iso(trip.arrivedAtMs) }),
    released,
    ...(record?.releasedAtMs === undefined ? {} : { releasedAt: iso(record.releasedAtMs) }),
  };
  if (audience.trader) {
    if (!audience.reasonsForTraders) return common;
    return { ...common, reasons: r.reasons.filter((x) => x.factor !== "random").map(reasonView) };
  }
  const decision = record?.decision;
  const outcome = record?.outcome;
  return {
    ...common,
    score: r.score,
    riskChannel: r.riskChannel,
    reasons: r.reasons.map(reasonView),
    ruleSet: { ...r.ruleSet },
    randomSelection: { share: r.random.share, selected: r.random.selected },
    ...(record === undefined ? {} : { fixedAt: iso(record.fixedAtMs) }),
    ...(decision === undefined
      ? {}
      : {
          decision: {
            kind: decision.kind,
            ...(decision.reason === undefined ? {} : { reason: decision.reason }),
            departsFromRecommendation: decision.departsFromRecommendation,
            by: decision.actor,
            office: decision.office,
            at: iso(decision.atMs),
          },
        }),
    ...(outcome === undefined
      ? {}
      : {
          outcome: {
            result: outcome.result,
            ...(outcome.description === undefined ? {} : { description: outcome.description }),
            by: outcome.actor,
            at: iso(outcome.atMs),
          },
        }),
    ...(disarmRefusal === undefined
      ? {}
      : {
          disarm: {
            allowed: disarmRefusal === null,
            ...(disarmRefusal === null ? {} : { refusal: disarmRefusal }),
          },
        }),
  };
}

export function inspectionRoutes(app: ApiApp, ctx: ApiContext): void {
  const audienceOf = (role: string) => ({
    trader: role === "trader",
    reasonsForTraders: ctx.deps.config.riskReasonsForTraders,
  });
  const disarmable = (trip: TripRecord) =>
    trip.state === "arrived" || trip.state === "in_transit" || trip.state === "armed";

  app.get(
    "/trips/:id/inspection",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["inspection"],
        summary:
          "The trip's inspection: channel, score and reasons (live while travelling, fixed at arrival), decision, outcome",
        params: IdParams,
        response: withErrors({ 200: Type.Ref("Inspection") }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const state = await ctx.inspections.state(trip);
      const refusal =
        p.role === "trader" || !disarmable(trip)
          ? undefined
          : ((await ctx.inspections.disarmRefusal(trip)) ?? null);
      return inspectionView(trip, state, audienceOf(p.role), refusal);
    },
  );

  app.post(
    "/trips/:id/inspection/decision",
    {
      config: { permission: "trips.inspect" },
      schema: {
        tags: ["inspection"],
        summary:
          "The officer's decision at destination: release, documentary check or physical inspection (a reason when it departs from the channel)",
        params: IdParams,
        body: Strict({
          decision: StringEnum(INSPECTION_DECISIONS),
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
        }),
        response: withErrors({ 200: Type.Ref("Inspection") }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const record = await ctx.inspections.decide(trip, p, request.body.decision, request.body.reason);
      const state = { fixed: true as const, record, recommendation: record.recommendation };
      return inspectionView(
        trip,
        state,
        audienceOf(p.role),
        (await ctx.inspections.disarmRefusal(trip)) ?? null,
      );
    },
  );

  app.post(
    "/trips/:id/inspection/outcome",
    {
      config: { permission: "trips.inspect" },
      schema: {
        tags: ["inspection"],
        summary: "The outcome of the check decided: no irregularity, or an irregularity found (described)",
        params: IdParams,
        body: Strict({
          result: StringEnum(INSPECTION_RESULTS),
          description: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
        }),
        response: withErrors({ 200: Type.Ref("Inspection") }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const record = await ctx.inspections.recordOutcome(
        trip,
        p,
        request.body.result,
        request.body.description,
      );
      const state = { fixed: true as const, record, recommendation: record.recommendation };
      return inspectionView(trip, state, audienceOf(p.role));
    },
  );
}

const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const HitRateView = Type.Object({
  checks: Type.Integer(),
  irregularities: Type.Integer(),
  rate: Nullable(Type.Number({ description: "irregularities ÷ checks" })),
});
const PerChannel = (schema: TSchema) => Type.Object({ green: schema, yellow: schema, red: schema });

const FiguresView = Type.Object({
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  trips: Type.Integer({ description: "Trips whose recommendation was fixed at arrival in the period." }),
  byChannel: PerChannel(Type.Integer()),
  greenShare: Nullable(Type.Number()),
  arrivalToRelease: PerChannel(Type.Object({ released: Type.Integer(), medianMin: Nullable(Type.Number()) })),
  hitRate: Type.Object({ green: HitRateView, yellow: HitRateView, red: HitRateView, random: HitRateView }),
  falseAlarms: Type.Record(
    Type.String(),
    Type.Object({ resolved: Type.Integer(), falseAlarms: Type.Integer(), rate: Type.Number() }),
  ),
  physicalInspections: Type.Integer(),
  inspectionsAvoided: Type.Integer(),
  hoursSaved: Type.Number({ description: "inspectionsAvoided × the configured inspectionHours" }),
});

/** The figures of risk-based inspection (GET /kpis/inspections). */
export function inspectionFigureRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/kpis/inspections",
    {
      config: { permission: "risk.figures" },
      schema: {
        tags: ["inspection"],
        summary:
          "Green-lane share, arrival→release by channel, hit rate per channel (random apart), false alarms per type, inspections avoided",
        querystring: Strict({ from: Type.Optional(Time), to: Type.Optional(Time) }),
        response: withErrors({ 200: FiguresView }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const fromMs =
        request.query.from === undefined ? undefined : checkTime("query.from", request.query.from);
      const toMs = request.query.to === undefined ? undefined : checkTime("query.to", request.query.to);
      const inspections = await ctx.store.inspections.list({
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
        ...(p.role === "officer" ? { offices: p.offices } : {}),
      });
      const tripIds = new Set(inspections.map((r) => r.tripId));
      const alarms = (await ctx.store.alarms.list({ workflow: ["resolved"] })).filter((a) =>
        p.role === "officer"
          ? tripIds.has(a.trip)
          : (fromMs === undefined || a.startedAtMs >= fromMs) && (toMs === undefined || a.startedAtMs < toMs),
      );
      return {
        ...(request.query.from === undefined ? {} : { from: request.query.from }),
        ...(request.query.to === undefined ? {} : { to: request.query.to }),
        ...inspectionFigures(inspections, alarms, ctx.deps.config.inspectionHours),
      };
    },
  );
}
