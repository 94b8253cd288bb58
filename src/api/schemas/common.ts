/**
 * Schema building blocks shared by the resources. The same TypeBox schemas validate requests and
 * generate the OpenAPI document. Request objects reject unknown fields (additionalProperties: false).
 */
import { Type, type Static, type TSchema } from "@fastify/type-provider-typebox";

/** An object that rejects unknown fields. */
export function Strict<P extends Record<string, TSchema>>(
  properties: P,
  options: { description?: string } = {},
) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A string from a fixed list (`enum`, which validators and OpenAPI both read plainly). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });
}

/** One of several object shapes told apart by a string property (a discriminated union). */
export function OneOf<T extends TSchema[]>(
  schemas: [...T],
  propertyName: string,
  options: { description?: string } = {},
) {
  return Type.Unsafe<Static<T[number]>>({
    type: "object",
    required: [propertyName],
    oneOf: schemas,
    discriminator: { propertyName },
    ...options,
  });
}

export const Id = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]*$",
  description: "An identifier: letters, digits, and . _ : - (up to 64 characters).",
});

export const IdParams = Strict({ id: Id });

/** An RFC 3339 time in UTC, e.g. 2025-06-10T08:00:00.000Z. */
export const Time = Type.String({
  format: "date-time",
  maxLength: 40,
  description: "RFC 3339 time, e.g. 2025-06-10T08:00:00Z.",
});

export const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 3,
  description: "[lon, lat] in degrees (WGS 84); an optional third value (altitude) is ignored.",
});

export const LineStringGeometry = Strict(
  { type: Type.Literal("LineString"), coordinates: Type.Array(Position, { minItems: 2, maxItems: 100_000 }) },
  { description: "GeoJSON LineString: the declared route, [lon, lat] vertices." },
);

export const PolygonGeometry = Strict(
  {
    type: Type.Literal("Polygon"),
    coordinates: Type.Array(Type.Array(Position, { minItems: 4, maxItems: 100_000 }), { minItems: 1 }),
  },
  { description: "GeoJSON Polygon with one ring (holes are not supported)." },
);

export const PointGeometry = Strict(
  { type: Type.Literal("Point"), coordinates: Position },
  { description: "GeoJSON Point." },
);

export const ErrorResponse = Type.Object(
  {
    code: Type.String({ description: "A stable code from docs/errors.md." }),
    message: Type.String(),
    statusCode: Type.Integer(),
  },
  { $id: "Error", description: "Every error answer has this shape." },
);

/*
 * Values in a path, query string or header must be bounded: the app refuses to start when a route
 * declares a number without a minimum and a maximum, a string without a maximum length, or an array
 * without a maximum count (src/api/http/route-checks.ts). These helpers make that the easy way.
 */

/** The largest `offset` of a paged list: deeper pages are reached by narrowing the filters. */
export const MAX_OFFSET = 1_000_000;

/** An integer between `minimum` and `maximum` (both included). */
export function BoundedInteger(
  minimum: number,
  maximum: number,
  options: { default?: number; description?: string } = {},
) {
  return Type.Integer({ minimum, maximum, ...options });
}

/** A query parameter that may be repeated (`?state=a&state=b`), at most `maxItems` times. */
export function Repeated<T extends TSchema>(item: T, maxItems = 50, options: { description?: string } = {}) {
  return Type.Array(item, { maxItems, ...options });
}

/** `limit` and `offset` of a paged list. */
export const Paging = {
  limit: Type.Optional(BoundedInteger(1, 1000, { default: 100, description: "Items per page." })),
  offset: Type.Optional(
    BoundedInteger(0, MAX_OFFSET, { default: 0, description: "Items to skip (at most 1,000,000)." }),
  ),
};

/** Adds the error answers every authenticated route may give. */
export function withErrors<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, "4xx": Type.Ref("Error"), "5xx": Type.Ref("Error") };
}

export const NoContent = Type.Null({ description: "No content." });
