/**
 * Trips: declare, list, read; arm, disarm and cancel through the engine host (so that commands are
 * ordered with readings); the track as GeoJSON; the timeline; incidents reported on the road.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Type, type Static } from "@fastify/type-provider-typebox";
import { defaultReportIntervalS } from "../../core/domain/model.js";
import { SealwatchError } from "../../core/errors.js";
import type { CommandName } from "../../core/engine/inputs.js";
import type { TripRecord } from "../../store/ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { forbidden, notFound } from "../errors.js";
import { checkIdentifier, checkPosition, checkPositions, checkTime, invalid } from "../input-checks.js";
import {
  Id,
  IdParams,
  LineStringGeometry,
  Paging,
  Position,
  Repeated,
  Strict,
  StringEnum,
  Time,
  withErrors,
} from "../schemas/common.js";
import { CONVEYANCE_MODES, TRIP_STATES } from "../schemas/views.js";
import { tripTimeline, tripTrack } from "../services/trip-history.js";
import { iso, tripView, type TripDeclaration } from "../views.js";

const Rules = Strict(
  {
    corridorM: Type.Optional(
      Type.Number({ minimum: 10, maximum: 1_000_000, description: "Corridor half-width around the route." }),
    ),
    deviationMinS: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
    stopSpeedKmh: Type.Optional(Type.Number({ minimum: 0, maximum: 200 })),
    stopRadiusM: Type.Optional(Type.Number({ minimum: 1, maximum: 100_000 })),
    stopMinS: Type.Optional(Type.Number({ minimum: 0, maximum: 7 * 86_400 })),
    lowBatteryPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    lowBatteryClearPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    signalLossS: Type.Optional(Type.Number({ minimum: 1, maximum: 30 * 86_400 })),
    openingFixMaxAgeS: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400 })),
  },
  {
    description: "Rule overrides for this trip (docs/monitoring.md); unset keys take the contract defaults.",
  },
);

const TripBody = Strict({
  id: Type.Optional(Id),
  reference: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 35,
      description: "Local reference (LRN) or other declaration reference.",
    }),
  ),
  mrn: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 32,
      description: "Movement reference number, checked by its check character.",
    }),
  ),
  origin: Id,
  destination: Id,
  checkpoints: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
  route: LineStringGeometry,
  deadline: Time,
  devices: Type.Array(Id, { minItems: 1, maxItems: 16, uniqueItems: true }),
  rules: Type.Optional(Rules),
  companyId: Type.Optional(Id),
  carrierId: Type.Optional(Id),
  containers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 100 })),
  seals: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 35 }), { maxItems: 100 })),
  conveyance: Type.Optional(
    Strict({
      mode: StringEnum(CONVEYANCE_MODES),
      registration: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
      nationality: Type.Optional(Type.String({ pattern: "^[A-Z]{2}$" })),
      imo: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
      driver: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    }),
  ),
  goodsDescription: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  handoverOffice: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 16,
      description:
        "A partner administration's border office (reference number) where monitoring passes to it: the trip is handed over when it gets there (docs/federation.md).",
    }),
  ),
});
type TripBodyType = Static<typeof TripBody>;

const CommandResult = Type.Object({
  accepted: Type.Literal(true),
  seq: Type.Optional(
    Type.Integer({
      description: "The command's place in the input sequence (staff who see every trip only).",
    }),
  ),
  trip: Type.Ref("Trip"),
});

const INCIDENT_KINDS = [
  "accident",
  "seals_broken",
  "route_impossible",
  "transhipment",
  "breakdown",
  "delay",
  "other",
] as const;

const IncidentBody = Strict({
  kind: StringEnum(INCIDENT_KINDS),
  description: Type.String({ minLength: 1, maxLength: 4000 }),
  alarmId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: "The alarm the incident explains, if any." }),
  ),
  position: Type.Optional(Position),
  at: Type.Optional(Time),
});

const Incident = Type.Object({
  id: Type.String(),
  tripId: Type.String(),
  kind: StringEnum(INCIDENT_KINDS),
  description: Type.String(),
  alarmId: Type.Optional(Type.String()),
  position: Type.Optional(Type.Array(Type.Number())),
  at: Time,
  reportedBy: Type.String(),
  reportedAt: Time,
});

const TrackCollection = Type.Object({
  type: Type.Literal("FeatureCollection"),
  features: Type.Array(
    Type.Object({
      type: Type.Literal("Feature"),
      geometry: Type.Object({
        type: Type.Literal("LineString"),
        coordinates: Type.Array(Type.Array(Type.Number())),
      }),
      properties: Type.Object({ deviceId: Type.String(), tripId: Type.String(), times: Type.Array(Time) }),
    }),
  ),
});

const TimelineEntry = Type.Object(
  {
    at: Time,
    kind: StringEnum(["reading", "alarm", "transition", "action"]),
    auditSeq: Type.Optional(
      Type.String({
        description: "The audit record's place in the chain, as an opaque token for the caller.",
      }),
    ),
  },
  { additionalProperties: true },
);

export function tripRoutes(app: ApiApp, ctx: ApiContext): void {
  async function recordOf(body: TripBodyType, actor: string): Promise<TripRecord> {
    const mrn = body.mrn === undefined ? undefined : checkIdentifier("mrn", "body.mrn", body.mrn);
    const containers = (body.containers ?? []).map((c, i) =>
      checkIdentifier("containerNumber", `body.containers[${i}]`, c),
    );
    const repeated = containers.find((c, i) => containers.indexOf(c) !== i);
    if (repeated !== undefined) throw invalid("body.containers", `container ${repeated} is listed twice`);
    const seals = (body.seals ?? []).map((s, i) => checkIdentifier("sealIdentifier", `body.seals[${i}]`, s));
    const conveyance =
      body.conveyance?.imo === undefined
        ? body.conveyance
        : {
            ...body.conveyance,
            imo: checkIdentifier("imoNumber", "body.conveyance.imo", body.conveyance.imo),
          };
    const handover =
      body.handoverOffice === undefined
        ? undefined
        : await ctx.handoverOffice(
            checkIdentifier("customsOffice", "body.handoverOffice", body.handoverOffice),
          );
    const route = checkPositions("body.route.coordinates", body.route.coordinates);
    const deadlineMs = checkTime("body.deadline", body.deadline);
    const now = ctx.now();
    if (deadlineMs <= now) throw invalid("body.deadline", `${body.deadline} has already passed`);
    for (const [field, id] of [
      ["body.companyId", body.companyId],
      ["body.carrierId", body.carrierId],
    ] as const) {
      if (id !== undefined && (await ctx.store.access.company(id)) === undefined)
        throw new SealwatchError("UNKNOWN_REFERENCE", `${field}: company "${id}" does not exist`);
    }
    for (const [i, deviceId] of body.devices.entries()) {
      const device = await ctx.store.devices.get(deviceId);
      if (device === undefined)
        throw new SealwatchError(
          "UNKNOWN_REFERENCE",
          `body.devices[${i}]: device "${deviceId}" does not exist`,
        );
      if (device.lifecycle === "retired" || device.lifecycle === "maintenance")
        throw new SealwatchError(
          "DEVICE_UNAVAILABLE",
          `body.devices[${i}]: device "${deviceId}" is ${device.lifecycle}`,
        );
      // A trip-wide signal-loss limit below a device's report interval raises signal loss between
      // every two reports of that device (a semi-active seal's heartbeat is hours apart).
      const lossS = body.rules?.signalLossS;
      const intervalS = device.reportIntervalS ?? defaultReportIntervalS(device.class);
      if (lossS !== undefined && intervalS !== undefined && lossS < intervalS)
        throw invalid(
          "body.rules.signalLossS",
          `${lossS} s is shorter than the report interval of device "${deviceId}" (${device.class}, ` +
            `every ${intervalS} s): signal loss would be raised between its reports. Leave signalLossS ` +
            `out (each device then gets twice its own interval) or give at least ${intervalS}`,
        );
    }
    const declaration: TripDeclaration = {
      ...(body.reference === undefined ? {} : { lrn: body.reference }),
      ...(mrn === undefined ? {} : { mrn }),
      containers,
      seals,
      ...(conveyance === undefined ? {} : { conveyance }),
      ...(body.carrierId === undefined ? {} : { carrierId: body.carrierId }),
      ...(body.goodsDescription === undefined ? {} : { goodsDescription: body.goodsDescription }),
      ...(handover === undefined ? {} : { handover }),
      declaredBy: actor,
    };
    const reference = mrn ?? body.reference;
    return {
      id: body.id ?? `trip-${randomBytes(6).toString("hex")}`,
      ...(reference === undefined ? {} : { reference }),
      origin: body.origin,
      destination: body.destination,
      route,
      devices: body.devices,
      deadlineMs,
      ...(body.checkpoints === undefined ? {} : { checkpoints: body.checkpoints }),
      ...(body.rules === undefined ? {} : { rules: body.rules }),
      declaration,
      ...(body.companyId === undefined ? {} : { companyId: body.companyId }),
      state: "declared",
      createdAtMs: now,
      updatedAtMs: now,
    };
  }

  app.get(
    "/trips",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["trips"],
        summary: "List the trips the caller may see, newest first",
        querystring: Strict({
          state: Type.Optional(Repeated(StringEnum(TRIP_STATES), 10, { description: "Repeat for several." })),
          office: Type.Optional(Id),
          companyId: Type.Optional(Id),
          ...Paging,
        }),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(Type.Ref("Trip")),
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
      const states = q.state;
      const base = {
        ...(states === undefined ? {} : { states }),
        ...(p.role === "trader"
          ? { companyId: p.companyId ?? "\u0000none" }
          : q.companyId === undefined
            ? {}
            : { companyId: q.companyId }),
      };
      let trips: TripRecord[];
      if (p.role === "officer") {
        const offices = q.office === undefined ? p.offices : p.offices.filter((o) => o === q.office);
        const byId = new Map<string, TripRecord>();
        for (const office of offices)
          for (const trip of await ctx.store.trips.list({ ...base, office })) byId.set(trip.id, trip);
        trips = [...byId.values()]
          .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1))
          .slice(offset, offset + limit);
      } else {
        trips = await ctx.store.trips.list({
          ...base,
          ...(q.office === undefined ? {} : { office: q.office }),
          limit,
          offset,
        });
      }
      return { items: trips.map(tripView), limit, offset };
    },
  );

  app.post(
    "/trips",
    {
      config: { permission: "trips.declare" },
      schema: {
        tags: ["trips"],
        summary: "Declare a trip: declaration, route (GeoJSON LineString), offices, deadline, devices",
        body: TripBody,
        response: withErrors({ 201: Type.Ref("Trip") }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      if (p.role === "officer" && !p.offices.includes(body.origin) && !p.offices.includes(body.destination))
        throw forbidden(
          `an officer declares trips departing from or arriving at their offices (${p.offices.join(", ")})`,
        );
      const trip = await ctx.host.declareTrip(await recordOf(body, p.actor), p.actor);
      return reply.code(201).send(tripView(trip));
    },
  );

  app.get(
    "/trips/:id",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["trips"],
        summary: "One trip",
        params: IdParams,
        response: withErrors({ 200: Type.Ref("Trip") }),
      },
    },
    async (request) => tripView(await ctx.visibleTrip(principalOf(request), request.params.id)),
  );

  /** A disarm needs the inspection decision when the channel is red or an alarm is open (docs/risk.md). */
  async function refuseUndecidedDisarm(trip: TripRecord, actor: string): Promise<void> {
    const refusal = await ctx.inspections.disarmRefusal(trip);
    if (refusal === undefined) return;
    await ctx.store.audit.append({
      atMs: ctx.now(),
      actor,
      action: "trip.disarm.refused",
      subjectType: "trip",
      subjectId: trip.id,
      details: { refusal },
    });
    throw new SealwatchError("DISARM_REFUSED", refusal);
  }

  const command = (name: CommandName, summary: string, body: ReturnType<typeof Strict>) =>
    app.post(
      `/trips/:id/${name}`,
      {
        config: { permission: "trips.command" },
        schema: {
          tags: ["trips"],
          summary,
          params: IdParams,
          body,
          response: withErrors({ 200: CommandResult }),
        },
      },
      async (request) => {
        const p = principalOf(request);
        const trip = await ctx.visibleTrip(p, request.params.id);
        const input = request.body as { force?: boolean; reason?: string };
        if (name === "disarm") await refuseUndecidedDisarm(trip, p.actor);
        const result = await ctx.host.command({
          tripId: trip.id,
          command: name,
          actor: p.actor,
          ...(input.force === undefined ? {} : { force: input.force }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
        });
        if (!result.accepted)
          throw new SealwatchError(
            "COMMAND_REFUSED",
            await ctx.scope(p).withoutHiddenTrips(result.refusal ?? `${name} refused`, trip.id),
          );
        const updated = result.trip ?? (await ctx.store.trips.get(trip.id)) ?? trip;
        if (name === "disarm") await ctx.inspections.releasedAtDisarm(updated, p.actor);
        return { accepted: true as const, seq: result.seq, trip: tripView(updated) };
      },
    );

  command("arm", "Arm the seal at departure (its seal must be reported closed)", Strict({}));
  command(
    "disarm",
    "Disarm: after arrival, or before it with force and a reason",
    Strict({
      force: Type.Optional(Type.Boolean({ description: "Disarm before arrival (needs a reason)." })),
      reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    }),
  );
  command(
    "cancel",
    "Cancel a declared trip that was never armed",
    Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }),
  );

  app.get(
    "/trips/:id/track",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["trips"],
        summary: "The actual track of each device as GeoJSON LineStrings (valid fixes, arming to closing)",
        params: IdParams,
        querystring: Strict({
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000, default: 10_000 })),
        }),
        response: withErrors({ 200: TrackCollection }),
      },
    },
    async (request) => {
      const trip = await ctx.visibleTrip(principalOf(request), request.params.id);
      return tripTrack(ctx.store, trip, ctx.now(), request.query.maxPoints ?? 10_000);
    },
  );

  app.get(
    "/trips/:id/timeline",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["trips"],
        summary:
          "Readings, alarm changes, transitions and officers' actions in time order (the latest `limit`)",
        params: IdParams,
        querystring: Strict({
          readings: Type.Optional(Type.Boolean({ default: true })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000, default: 5000 })),
        }),
        response: withErrors({
          200: Type.Object({ tripId: Type.String(), entries: Type.Array(TimelineEntry) }),
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const entries = await tripTimeline(ctx.store, trip, ctx.now(), {
        readings: request.query.readings ?? true,
        limit: request.query.limit ?? 5000,
        forTrader: p.role === "trader",
        auditRef: (seq) => ctx.cursors.seal("audit", seq, p.actor),
      });
      // Audit details quote records whole (an alarm's key holds its device): masked as text too.
      const mask = await ctx.scope(p).deviceMask(trip.devices);
      return { tripId: trip.id, entries: JSON.parse(mask(JSON.stringify(entries))) as typeof entries };
    },
  );

  app.post(
    "/trips/:id/incidents",
    {
      config: { permission: "trips.incident" },
      schema: {
        tags: ["trips"],
        summary: "Report an incident on the trip (traders and carriers: on their own trips)",
        params: IdParams,
        body: IncidentBody,
        response: withErrors({ 201: Incident }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const body = request.body;
      if (body.alarmId !== undefined) {
        const alarm = await ctx.store.alarms.get(body.alarmId);
        if (alarm === undefined || alarm.trip !== trip.id) throw notFound("alarm", body.alarmId);
      }
      const position =
        body.position === undefined ? undefined : checkPosition("body.position", body.position);
      const now = ctx.now();
      const atMs = body.at === undefined ? now : checkTime("body.at", body.at);
      const incident = {
        id: randomUUID(),
        tripId: trip.id,
        kind: body.kind,
        description: body.description,
        ...(body.alarmId === undefined ? {} : { alarmId: body.alarmId }),
        ...(position === undefined ? {} : { position: [...position] }),
        at: iso(atMs),
        reportedBy: p.actor,
        reportedAt: iso(now),
      };
      await ctx.store.audit.append({
        atMs: now,
        actor: p.actor,
        action: "trip.incident",
        subjectType: "trip",
        subjectId: trip.id,
        details: incident,
      });
      if (body.alarmId !== undefined)
        await ctx.workflow.report(body.alarmId, p.actor, {
          incidentId: incident.id,
          kind: body.kind,
          description: body.description,
        });
      return reply.code(201).send(incident);
    },
  );
}
