/** Shared schemas of the federation routes (registered with the others, referenced by $id). */
import { Type } from "@fastify/type-provider-typebox";

const PublishedKey = Type.Object(
  {
    kty: Type.Literal("OKP"),
    crv: Type.Literal("Ed25519"),
    x: Type.String(),
    kid: Type.String(),
    use: Type.Literal("sig"),
    alg: Type.Literal("EdDSA"),
    status: Type.Union([Type.Literal("active"), Type.Literal("retired")]),
    createdAt: Type.String(),
    retiredAt: Type.Optional(Type.String()),
    publishedUntil: Type.Optional(
      Type.String({ description: "The key stays published (and verifying) until then." }),
    ),
    rotation: Type.Optional(
      Type.String({ description: "Compact JWS by the previous key endorsing this one." }),
    ),
  },
  { additionalProperties: false },
);

export const KeySet = Type.Object(
  {
    issuer: Type.String({ description: "The administration these keys sign for." }),
    keys: Type.Array(PublishedKey),
    revoked: Type.Array(
      Type.Object({
        kid: Type.String(),
        x: Type.String(),
        revokedAt: Type.String(),
        reason: Type.Optional(Type.String()),
      }),
    ),
  },
  { $id: "KeySet", description: "An RFC 7517 JWK Set (Ed25519 keys) with the revoked keys beside it." },
);
