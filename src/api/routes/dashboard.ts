/**
 * What the web dashboard needs beyond the resource routes, and the dashboard itself:
 *
 *   GET /                          the built dashboard (web/dist), served as static files
 *   GET /api/v1/dashboard/config   public: the basemap tile style URL (if configured), ack targets
 *   GET /api/v1/dashboard/fleet    the monitored conveyances the caller may see, with their latest
 *                                  position and worst open alarm (the control room's first paint;
 *                                  the live stream keeps it current)
 *   GET /api/v1/kpis               transit times, alarms per day, false-alarm rate, time to acknowledge
 *
 * Registered at the root of the app (one line in app.ts), so its API routes carry their prefix.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import { Type, type FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Severity } from "../../core/domain/model.js";
import type { AlarmRecord, TripRecord } from "../../store/ports.js";
import { tripVisible } from "../auth/policy.js";
import { principalOf, type ApiContext } from "../context.js";
import { API_PREFIX } from "../openapi.js";
import { StringEnum, Strict, withErrors } from "../schemas/common.js";
import { SEVERITIES, TRIP_STATES } from "../schemas/views.js";
import { computeKpis } from "../services/kpis.js";
import { iso } from "../views.js";

const LIVE_STATES = ["armed", "in_transit", "arrived"] as const;
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 4, high: 3, medium: 2, low: 1 };

/** The built dashboard: `web/dist` of the package this module belongs to, if it was built. */
export function dashboardDirectory(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "web", "dist");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    if (existsSync(join(dir, "package.json"))) return undefined;
    dir = dirname(dir);
  }
  return undefined;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sealwatch</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>Sealwatch</h1><p>The dashboard has not been built. Run <code>npm run build</code> (or
<code>npm run build:web</code>), then reload. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

const FleetItem = Type.Object({
  tripId: Type.String(),
  deviceId: Type.String(),
  state: StringEnum(TRIP_STATES),
  reference: Type.Optional(Type.String()),
  origin: Type.String(),
  destination: Type.String(),
  companyId: Type.Optional(Type.String()),
  registration: Type.Optional(Type.String()),
  mode: Type.Optional(Type.String()),
  deadline: Type.String(),
  position: Type.Optional(
    Type.Object({
      lon: Type.Number(),
      lat: Type.Number(),
      speedKmh: Type.Optional(Type.Number()),
      courseDeg: Type.Optional(Type.Number()),
      at: Type.String(),
    }),
  ),
  worstSeverity: Type.Optional(StringEnum(SEVERITIES)),
  openAlarms: Type.Integer(),
});

const CountsByType = Type.Record(Type.String(), Type.Integer());

const KpiView = Type.Object({
  generatedAt: Type.String(),
  days: Type.Array(Type.String()),
  transit: Type.Array(
    Type.Object({
      tripId: Type.String(),
      reference: Type.Optional(Type.String()),
      origin: Type.String(),
      destination: Type.String(),
      armedAt: Type.String(),
      endedAt: Type.String(),
      transitS: Type.Number(),
      limitS: Type.Number(),
    }),
  ),
  alarmsByDay: Type.Array(Type.Object({ day: Type.String(), counts: CountsByType })),
  falseAlarms: Type.Object({
    resolved: Type.Integer(),
    falseAlarms: Type.Integer(),
    rate: Type.Union([Type.Number(), Type.Null()]),
    byType: Type.Record(
      Type.String(),
      Type.Object({ resolved: Type.Integer(), falseAlarms: Type.Integer() }),
    ),
  }),
  acknowledge: Type.Array(
    Type.Object({
      severity: StringEnum(SEVERITIES),
      targetS: Type.Number(),
      acknowledged: Type.Integer(),
      withinTarget: Type.Integer(),
      medianS: Type.Union([Type.Number(), Type.Null()]),
      p90S: Type.Union([Type.Number(), Type.Null()]),
      waiting: Type.Integer(),
      waitingOverdue: Type.Integer(),
    }),
  ),
  totals: Type.Object({ activeTrips: Type.Integer(), openAlarms: Type.Integer(), alarms: Type.Integer() }),
});

function worstOpen(alarms: readonly AlarmRecord[]): Map<string, { severity: Severity; count: number }> {
  const byTrip = new Map<string, { severity: Severity; count: number }>();
  for (const alarm of alarms) {
    if (alarm.retracted || alarm.workflow === "resolved") continue;
    const current = byTrip.get(alarm.trip);
    if (current === undefined) byTrip.set(alarm.trip, { severity: alarm.severity, count: 1 });
    else {
      current.count++;
      if (SEVERITY_RANK[alarm.severity] > SEVERITY_RANK[current.severity]) current.severity = alarm.severity;
    }
  }
  return byTrip;
}

function conveyance(trip: TripRecord): { registration?: string; mode?: string } {
  const declared = (trip.declaration ?? {}) as { conveyance?: { registration?: string; mode?: string } };
  return {
    ...(declared.conveyance?.registration === undefined
      ? {}
      : { registration: declared.conveyance.registration }),
    ...(declared.conveyance?.mode === undefined ? {} : { mode: declared.conveyance.mode }),
  };
}

export function dashboardRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const root = dashboardDirectory();
    if (root === undefined) {
      app.get("/", { schema: { hide: true } }, async (_request, reply) =>
        reply.type("text/html").send(NOT_BUILT),
      );
    } else {
      await app.register(fastifyStatic, {
        root,
        prefix: "/",
        index: ["index.html"],
        // Hashed asset names never change content; the page itself is always revalidated.
        setHeaders(response, path) {
          response.setHeader(
            "cache-control",
            path.includes(`${join("dist", "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache",
          );
          response.setHeader("x-content-type-options", "nosniff");
        },
      });
    }

    app.get(
      `${API_PREFIX}/dashboard/config`,
      {
        config: { public: true },
        schema: {
          tags: ["system"],
          summary: "Dashboard settings: the optional basemap style URL and the acknowledgement targets",
          security: [],
          response: {
            200: Type.Object({
              tileStyleUrl: Type.Optional(Type.String()),
              ackTargetsS: Type.Object({
                critical: Type.Number(),
                high: Type.Number(),
                medium: Type.Number(),
                low: Type.Number(),
              }),
              serverTime: Type.String(),
            }),
          },
        },
      },
      () => ({
        ...(ctx.deps.config.tileStyleUrl === undefined ? {} : { tileStyleUrl: ctx.deps.config.tileStyleUrl }),
        ackTargetsS: { ...ctx.targets },
        serverTime: iso(ctx.now()),
      }),
    );

    app.get(
      `${API_PREFIX}/dashboard/fleet`,
      {
        config: { permission: "trips.read" },
        schema: {
          tags: ["trips"],
          summary:
            "Monitored conveyances (armed, in transit, arrived) with latest position and worst open alarm",
          response: withErrors({
            200: Type.Object({
              items: Type.Array(FleetItem),
              at: Type.String(),
              cursor: Type.String({
                description:
                  "Live-stream cursor taken before the snapshot (an opaque token for this caller): follow with /stream?after=cursor.",
              }),
            }),
          }),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        // Taken first: events after it may repeat what the snapshot shows, but none is missed.
        const cursor = ctx.cursors.seal("stream", ctx.deps.bus.lastCursor, principal.actor);
        const trips = (await ctx.store.trips.list({ states: LIVE_STATES })).filter((t) =>
          tripVisible(principal, t),
        );
        const worst = worstOpen(await ctx.store.alarms.list({ workflow: ["open", "acknowledged"] }));
        const now = ctx.now();
        const items = [];
        for (const trip of trips) {
          const alarm = worst.get(trip.id);
          for (const deviceId of trip.devices) {
            const fix = await ctx.store.readings.latestBefore(deviceId, now + 60_000, "fix");
            items.push({
              tripId: trip.id,
              deviceId,
              state: trip.state,
              ...(trip.reference === undefined ? {} : { reference: trip.reference }),
              origin: trip.origin,
              destination: trip.destination,
              ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
              ...conveyance(trip),
              deadline: iso(trip.deadlineMs),
              ...(fix?.lon === undefined || fix.lat === undefined
                ? {}
                : {
                    position: {
                      lon: fix.lon,
                      lat: fix.lat,
                      ...(fix.speedKmh === undefined ? {} : { speedKmh: fix.speedKmh }),
                      ...(fix.courseDeg === undefined ? {} : { courseDeg: fix.courseDeg }),
                      at: iso(fix.atMs),
                    },
                  }),
              ...(alarm === undefined ? {} : { worstSeverity: alarm.severity }),
              openAlarms: alarm?.count ?? 0,
            });
          }
        }
        return { items, at: iso(now), cursor };
      },
    );

    app.get(
      `${API_PREFIX}/kpis`,
      {
        config: { permission: "alarms.read" },
        schema: {
          tags: ["alarms"],
          summary:
            "Key figures over the trips the caller may see: transit times, alarms per day, false alarms, time to acknowledge",
          querystring: Strict({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 7 })) }),
          response: withErrors({ 200: KpiView }),
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const trips = (await ctx.store.trips.list()).filter((t) => tripVisible(principal, t));
        const ids = new Set(trips.map((t) => t.id));
        const alarms = (await ctx.store.alarms.list()).filter((a) => ids.has(a.trip));
        const kpis = computeKpis({
          trips,
          alarms,
          targets: ctx.targets,
          nowMs: ctx.now(),
          days: request.query.days ?? 7,
        });
        return {
          generatedAt: iso(kpis.generatedAtMs),
          days: [...kpis.days],
          transit: kpis.transit.map((t) => ({
            tripId: t.tripId,
            ...(t.reference === undefined ? {} : { reference: t.reference }),
            origin: t.origin,
            destination: t.destination,
            armedAt: iso(t.armedAtMs),
            endedAt: iso(t.endedAtMs),
            transitS: t.transitS,
            limitS: t.limitS,
          })),
          alarmsByDay: kpis.alarmsByDay.map((d) => ({
            day: d.day,
            counts: { ...d.counts },
          })),
          falseAlarms: {
            ...kpis.falseAlarms,
            byType: { ...kpis.falseAlarms.byType } as Record<
              string,
              { resolved: number; falseAlarms: number }
            >,
          },
          acknowledge: [...kpis.acknowledge],
          totals: kpis.totals,
        };
      },
    );
  };
}
