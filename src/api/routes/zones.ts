/** Customs offices, rest areas and restricted zones, as GeoJSON Features in and out. */
import { Type, type Static } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import { checkPolygon } from "../../core/geo/polygon-check.js";
import type { ZoneShape } from "../../core/geo/zone-index.js";
import type { ZoneRecord } from "../../store/ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { checkIdentifier, checkPosition, invalid } from "../input-checks.js";
import {
  Id,
  IdParams,
  OneOf,
  PointGeometry,
  PolygonGeometry,
  Strict,
  StringEnum,
  withErrors,
} from "../schemas/common.js";
import { ZONE_KINDS } from "../schemas/views.js";
import { zoneView } from "../views.js";

const ZoneFeature = Strict(
  {
    type: Type.Literal("Feature"),
    id: Type.Optional(Id),
    geometry: OneOf([PolygonGeometry, PointGeometry], "type", {
      description: "A Polygon (one ring), or a Point with properties.radiusM for a circle.",
    }),
    properties: Strict({
      kind: StringEnum(ZONE_KINDS),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      officeCode: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 16,
          description: "Customs office reference number, e.g. DE004058.",
        }),
      ),
      unLocode: Type.Optional(
        Type.String({ minLength: 1, maxLength: 8, description: "UN/LOCODE, e.g. THLCH." }),
      ),
      radiusM: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 })),
    }),
  },
  { description: "A zone as a GeoJSON Feature." },
);

type ZoneFeatureBody = Static<typeof ZoneFeature>;

function shapeOf(feature: ZoneFeatureBody): ZoneShape {
  const { geometry, properties } = feature;
  if (geometry.type === "Point") {
    if (properties.radiusM === undefined)
      throw invalid("body.properties.radiusM", "a Point zone is a circle and needs radiusM");
    return {
      type: "circle",
      center: checkPosition("body.geometry.coordinates", geometry.coordinates),
      radiusM: properties.radiusM,
    };
  }
  if (properties.radiusM !== undefined)
    throw invalid("body.properties.radiusM", "only a Point zone has a radius");
  const checked = checkPolygon(geometry.coordinates);
  if (!checked.ok) throw invalid("body.geometry.coordinates", checked.reason);
  if (checked.rings.length !== 1)
    throw invalid(
      "body.geometry.coordinates",
      "a zone polygon has exactly one ring (holes are not supported)",
    );
  return { type: "polygon", ring: checked.rings[0]! };
}

function zoneRecordOf(
  id: string,
  feature: ZoneFeatureBody,
  existing: ZoneRecord | undefined,
  now: number,
): ZoneRecord {
  const { properties } = feature;
  if (properties.officeCode !== undefined && properties.kind !== "office")
    throw invalid(
      "body.properties.officeCode",
      `only office zones have an office code, this one is ${properties.kind}`,
    );
  const officeCode =
    properties.officeCode === undefined
      ? undefined
      : checkIdentifier("customsOffice", "body.properties.officeCode", properties.officeCode);
  const unLocode =
    properties.unLocode === undefined
      ? undefined
      : checkIdentifier("unLocode", "body.properties.unLocode", properties.unLocode);
  return {
    id,
    kind: properties.kind,
    ...(properties.name === undefined ? {} : { name: properties.name }),
    shape: shapeOf(feature),
    ...(officeCode === undefined ? {} : { officeCode }),
    ...(unLocode === undefined ? {} : { unLocode }),
    createdAtMs: existing?.createdAtMs ?? now,
    updatedAtMs: now,
  };
}

export function zoneRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/zones",
    {
      config: { permission: "zones.read" },
      schema: {
        tags: ["zones"],
        summary: "List zones as a GeoJSON FeatureCollection",
        querystring: Strict({ kind: Type.Optional(StringEnum(ZONE_KINDS)) }),
        response: withErrors({ 200: Type.Ref("ZoneCollection") }),
      },
    },
    async (request) => {
      const zones = await ctx.store.zones.list();
      const kind = request.query.kind;
      return {
        type: "FeatureCollection" as const,
        features: zones.filter((z) => kind === undefined || z.kind === kind).map(zoneView),
      };
    },
  );

  app.get(
    "/zones/:id",
    {
      config: { permission: "zones.read" },
      schema: {
        tags: ["zones"],
        summary: "One zone",
        params: IdParams,
        response: withErrors({ 200: Type.Ref("Zone") }),
      },
    },
    async (request) => {
      const zone = await ctx.store.zones.get(request.params.id);
      if (zone === undefined) throw notFound("zone", request.params.id);
      return zoneView(zone);
    },
  );

  app.post(
    "/zones",
    {
      config: { permission: "zones.write" },
      schema: {
        tags: ["zones"],
        summary: "Define a zone (the Feature's id is the zone id)",
        body: ZoneFeature,
        response: withErrors({ 201: Type.Ref("Zone") }),
      },
    },
    async (request, reply) => {
      const id = request.body.id;
      if (id === undefined) throw invalid("body.id", "a new zone needs an id");
      if ((await ctx.store.zones.get(id)) !== undefined)
        throw new SealwatchError("DUPLICATE_ID", `zone "${id}" already exists (PUT /zones/${id} changes it)`);
      const zone = zoneRecordOf(id, request.body, undefined, ctx.now());
      await ctx.host.defineZone(zone, principalOf(request).actor);
      ctx.deps.gateway?.deviceChanged?.();
      return reply.code(201).send(zoneView(zone));
    },
  );

  app.put(
    "/zones/:id",
    {
      config: { permission: "zones.write" },
      schema: {
        tags: ["zones"],
        summary: "Define or change a zone (a change applies to fixes that arrive from now on)",
        params: IdParams,
        body: ZoneFeature,
        response: withErrors({ 200: Type.Ref("Zone"), 201: Type.Ref("Zone") }),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      if (request.body.id !== undefined && request.body.id !== id)
        throw invalid("body.id", `the Feature's id "${request.body.id}" differs from the path's "${id}"`);
      const existing = await ctx.store.zones.get(id);
      const zone = zoneRecordOf(id, request.body, existing, ctx.now());
      if (
        existing?.kind === "office" &&
        zone.kind !== "office" &&
        (await ctx.store.trips.list({ office: id, limit: 1 })).length > 0
      )
        throw invalid(
          "body.properties.kind",
          `zone "${id}" is an office of declared trips; it stays an office`,
        );
      const outcome = await ctx.host.defineZone(zone, principalOf(request).actor);
      ctx.deps.gateway?.deviceChanged?.();
      return reply.code(outcome === "created" ? 201 : 200).send(zoneView(zone));
    },
  );
}
