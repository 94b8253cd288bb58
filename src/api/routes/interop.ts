/**
 * Open data out: a trip in EPCIS 2.0, DCSA, NCTS incidents or EAEU codes
 * (`GET /trips/{id}/export`), and the EPCIS 2.0 REST query subset a partner needs
 * (`GET /epcis/events`: GE_eventTime, LT_eventTime, EQ_bizStep, MATCH_epc, EQ_disposition,
 * perPage and nextPageToken), both within what the caller may see (a trader its own cargo).
 * The mappings are in docs/interop/.
 */
import { Type } from "@fastify/type-provider-typebox";
import { createHash } from "node:crypto";
import { EXPORT_FORMATS, exportTrip, validatedEpcis, type ExportIdentity } from "../../interop/export.js";
import { epcisObjectEvent } from "../../interop/epcis-out.js";
import type { CanonicalEvent } from "../../interop/events.js";
import { tripEvents } from "../../interop/trip-events.js";
import { EPCIS_CONTEXT_URL } from "../../protocols/epcis/artefacts.js";
import { SEAL_ID_PROPERTY } from "../../protocols/epcis/vocabulary.js";
import type { TripRecord } from "../../store/ports.js";
import type { Principal } from "../auth/policy.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { checkTime, invalid } from "../input-checks.js";
import { BoundedInteger, IdParams, Strict, StringEnum, Time, withErrors } from "../schemas/common.js";

/** This administration as the exports name it. */
export function exportIdentity(ctx: ApiContext): ExportIdentity {
  const identity = ctx.deps.federation?.identity;
  return identity === undefined
    ? { id: "sealwatch", name: "Sealwatch" }
    : {
        id: identity.id,
        name: identity.name,
        ...(identity.country === undefined ? {} : { country: identity.country }),
      };
}

const CBV_PREFIXES = [
  "https://ref.gs1.org/cbv/BizStep-",
  "https://ref.gs1.org/cbv/Disp-",
  "urn:epcglobal:cbv:bizstep:",
  "urn:epcglobal:cbv:disp:",
];
/** A CBV value as the bare name our events use (full CBV URIs accepted too). */
function bareCbv(value: string): string {
  for (const prefix of CBV_PREFIXES) if (value.startsWith(prefix)) return value.slice(prefix.length);
  return value;
}

const QueryParams = Strict({
  GE_eventTime: Type.Optional(Time),
  LT_eventTime: Type.Optional(Time),
  EQ_bizStep: Type.Optional(Type.String({ maxLength: 1000, description: "Values separated by |." })),
  EQ_disposition: Type.Optional(Type.String({ maxLength: 1000, description: "Values separated by |." })),
  MATCH_epc: Type.Optional(
    Type.String({
      maxLength: 1000,
      description:
        "EPCs (a container as urn:epc:id:bic:…, a device EPC) or seal numbers, separated by |; a trailing * matches a prefix.",
    }),
  ),
  perPage: Type.Optional(BoundedInteger(1, 1000, { default: 100 })),
  nextPageToken: Type.Optional(Type.String({ maxLength: 400 })),
});

interface PageToken {
  readonly atMs: number;
  readonly id: string;
  readonly query: string;
}

/** A page position sealed for the caller (it holds an event id, a global sequence number inside). */
function encodeToken(ctx: ApiContext, holder: string, token: PageToken): string {
  return ctx.cursors.sealText("epcis-page", JSON.stringify(token), holder);
}

function decodeToken(ctx: ApiContext, holder: string, text: string, query: string): PageToken {
  const token = JSON.parse(ctx.cursors.openText("epcis-page", text, holder, "nextPageToken")) as PageToken;
  if (typeof token.atMs === "number" && typeof token.id === "string" && token.query === query) return token;
  throw invalid("nextPageToken", "is not a token this query gave (the other parameters must stay the same)");
}

function split(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split("|")
        .map((v) => v.trim())
        .filter((v) => v !== "");
}

function matches(patterns: readonly string[], values: readonly string[]): boolean {
  return patterns.some((p) =>
    p.endsWith("*") ? values.some((v) => v.startsWith(p.slice(0, -1))) : values.includes(p),
  );
}

export function interopRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/trips/:id/export",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["interop"],
        summary:
          "A trip in an open format: EPCIS 2.0, DCSA events, NCTS incidents (JSON or XML), EAEU alarm codes",
        params: IdParams,
        querystring: Strict({
          format: StringEnum(EXPORT_FORMATS),
          xml: Type.Optional(Type.Boolean({ description: "NCTS: the XML form." })),
          from: Type.Optional(Time),
          to: Type.Optional(Time),
        }),
        response: withErrors({ 200: Type.Unknown() }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const q = request.query;
      const fromMs = q.from === undefined ? undefined : checkTime("from", q.from);
      const toMs = q.to === undefined ? undefined : checkTime("to", q.to);
      if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
        throw invalid("to", "must be after from");
      if (q.xml === true && q.format !== "ncts") throw invalid("xml", "only the ncts format has an XML form");
      const exported = await exportTrip(ctx.store, trip, {
        format: q.format,
        ...(q.xml === undefined ? {} : { xml: q.xml }),
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
        nowMs: ctx.now(),
        identity: exportIdentity(ctx),
      });
      const mask = await answerMask(ctx, p, trip.devices);
      void reply.header("content-type", `${exported.contentType}; charset=utf-8`);
      return reply.send(mask(exported.text));
    },
  );

  app.get(
    "/epcis/events",
    {
      config: { permission: "trips.read" },
      schema: {
        tags: ["interop"],
        summary: "EPCIS 2.0 query (REST binding subset): ObjectEvents of the trips you may see",
        querystring: QueryParams,
        response: withErrors({ 200: Type.Unknown() }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const q = request.query;
      const fromMs = q.GE_eventTime === undefined ? undefined : checkTime("GE_eventTime", q.GE_eventTime);
      const toMs = q.LT_eventTime === undefined ? undefined : checkTime("LT_eventTime", q.LT_eventTime);
      const bizSteps = split(q.EQ_bizStep)?.map(bareCbv);
      const dispositions = split(q.EQ_disposition)?.map(bareCbv);
      const epcs = split(q.MATCH_epc);
      const perPage = q.perPage ?? 100;
      const { nextPageToken: _t, perPage: _p, ...rest } = q;
      const fingerprint = createHash("sha256").update(JSON.stringify(rest)).digest("base64url").slice(0, 16);
      const after =
        q.nextPageToken === undefined ? undefined : decodeToken(ctx, p.actor, q.nextPageToken, fingerprint);

      const visible = await ctx.visibleTripIds(p);
      const trips: TripRecord[] = [];
      for (const trip of visible === undefined
        ? await ctx.store.trips.list()
        : await tripsByIds(ctx, visible)) {
        if (trip.state === "declared" || trip.state === "cancelled") continue;
        const start = trip.armedAtMs ?? trip.createdAtMs;
        const end = trip.closedAtMs ?? Number.POSITIVE_INFINITY;
        if (toMs !== undefined && start >= toMs) continue;
        if (fromMs !== undefined && end < fromMs) continue;
        trips.push(trip);
      }
      const selected: {
        event: CanonicalEvent;
        epcis: Record<string, unknown>;
        deviceEpcs: ReadonlyMap<string, readonly string[]>;
      }[] = [];
      for (const trip of trips) {
        const gathered = await tripEvents(ctx.store, trip, {
          ...(fromMs === undefined ? {} : { fromMs }),
          ...(toMs === undefined ? {} : { toMs }),
        });
        for (const event of gathered.events) {
          const epcis = epcisObjectEvent(event, { deviceEpcs: gathered.deviceEpcs });
          if (bizSteps !== undefined && !bizSteps.includes(String(epcis.bizStep))) continue;
          if (dispositions !== undefined && !dispositions.includes(String(epcis.disposition))) continue;
          if (epcs !== undefined) {
            const named = [
              ...(epcis.epcList as string[]),
              ...((epcis[SEAL_ID_PROPERTY] as string[] | undefined) ?? []),
            ];
            if (!matches(epcs, named)) continue;
          }
          if (
            after !== undefined &&
            (event.atMs < after.atMs || (event.atMs === after.atMs && event.id <= after.id))
          )
            continue;
          selected.push({ event, epcis, deviceEpcs: gathered.deviceEpcs });
        }
      }
      selected.sort(
        (a, b) =>
          a.event.atMs - b.event.atMs || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0),
      );
      const page = selected.slice(0, perPage);
      const now = ctx.now();
      // The page's events, validated as one document against the bundled schema before they leave.
      const deviceEpcs = new Map<string, readonly string[]>();
      for (const s of page) for (const [k, v] of s.deviceEpcs) deviceEpcs.set(k, v);
      const document = validatedEpcis(
        page.map((s) => s.event),
        { nowMs: now, identity: exportIdentity(ctx), deviceEpcs },
      );
      const eventList = (document.epcisBody as { eventList: unknown[] }).eventList;
      if (selected.length > perPage) {
        const last = page.at(-1)!.event;
        const token = encodeToken(ctx, p.actor, { atMs: last.atMs, id: last.id, query: fingerprint });
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(rest))
          if (value !== undefined) params.set(key, String(value));
        params.set("perPage", String(perPage));
        params.set("nextPageToken", token);
        void reply.header("link", `</api/v1/epcis/events?${params.toString()}>; rel="next"`);
        void reply.header("gs1-next-page-token", token);
      }
      // Sent as text: device ids and identifiers sit inside EPCs, where only the text can be masked.
      const mask = await answerMask(
        ctx,
        p,
        trips.flatMap((t) => t.devices),
      );
      void reply.header("content-type", "application/ld+json; charset=utf-8");
      void reply.header("gs1-epcis-version", "2.0.0");
      return reply.send(
        mask(
          JSON.stringify({
            "@context": document["@context"] ?? EPCIS_CONTEXT_URL,
            type: "EPCISQueryDocument",
            schemaVersion: "2.0",
            creationDate: document.creationDate,
            epcisBody: { queryResults: { queryName: "SimpleEventQuery", resultsBody: { eventList } } },
          }),
        ),
      );
    },
  );
}

/**
 * What a scoped caller may not read in an exported document, masked in its text: the devices it may
 * not see, and the global sequence numbers inside event ids (`audit-<seq>`, `reading-<seq>`), which
 * become the caller's opaque tokens (stable per caller, so ids stay ids).
 */
async function answerMask(
  ctx: ApiContext,
  p: Principal,
  devices: readonly string[],
): Promise<(text: string) => string> {
  const scope = ctx.scope(p);
  if (scope.everything) return (text) => text;
  const devicesMasked = await scope.deviceMask(devices);
  return (text) =>
    devicesMasked(text).replace(
      /\b(audit|reading)-(\d{1,15})\b/g,
      (_, kind: "audit" | "reading", seq: string) =>
        `${kind}-${ctx.cursors.seal(kind, Number(seq), p.actor)}`,
    );
}

async function tripsByIds(ctx: ApiContext, ids: readonly string[]): Promise<TripRecord[]> {
  const out: TripRecord[] = [];
  for (const id of ids) {
    const trip = await ctx.store.trips.get(id);
    if (trip !== undefined) out.push(trip);
  }
  return out;
}
