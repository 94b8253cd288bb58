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

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

/** Adds the error answers every authenticated route may give. */
export function withErrors<R extends Record<number, TSchema>>(responses: R) {
  return { ...responses, "4xx": Type.Ref("Error"), "5xx": Type.Ref("Error") };
}

export const NoContent = Type.Null({ description: "No content." });
