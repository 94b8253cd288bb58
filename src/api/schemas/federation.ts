/** Shared schemas of the federation routes (registered with the others, referenced by $id). */
import { Type } from "@fastify/type-provider-typebox";
import { Strict } from "./common.js";

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

const DataScopeSchema = Strict({
  sealEvents: Type.Boolean({ description: "Seal and lock state changes with their evidence (always true)." }),
  alarms: Type.Boolean(),
  alarmResolution: Type.Boolean({ description: "How alarms were handled and their outcome." }),
  track: Type.Boolean(),
  trackResolutionS: Type.Integer({
    minimum: 0,
    maximum: 86_400,
    description: "At most one track point per this many seconds per device (0: every fix).",
  }),
  declaration: Type.Boolean({ description: "Goods, carrier, conveyance beyond the identifiers." }),
});
export const AgreementScopeSchema = Strict({ outgoing: DataScopeSchema, incoming: DataScopeSchema });

const PartnerKeyView = Type.Object({
  kid: Type.String(),
  x: Type.String(),
  status: Type.String(),
  addedAt: Type.String(),
  addedBy: Type.String(),
  retiredAt: Type.Optional(Type.String()),
  revokedAt: Type.Optional(Type.String()),
  endorsedBy: Type.Optional(Type.String()),
});

export const PartnerView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    country: Type.String(),
    baseUrl: Type.String(),
    offices: Type.Array(Type.String()),
    scope: AgreementScopeSchema,
    keys: Type.Array(PartnerKeyView),
    status: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    revokedAt: Type.Optional(Type.String()),
    revocationReason: Type.Optional(Type.String()),
  },
  { $id: "Partner" },
);

export const HandoverView = Type.Object(
  {
    id: Type.String({ description: "The handover id the sender chose." }),
    direction: Type.Union([Type.Literal("incoming"), Type.Literal("outgoing")]),
    partner: Type.String({ description: "The partner administration's id." }),
    tripId: Type.String({ description: "Our trip: the leg handed over, or the continuing leg opened here." }),
    partnerTripId: Type.Optional(Type.String({ description: "The partner's trip." })),
    office: Type.String({ description: "The customs office where monitoring passes." }),
    status: Type.Union(
      [
        Type.Literal("sending"),
        Type.Literal("receipted"),
        Type.Literal("refused"),
        Type.Literal("recognised"),
        Type.Literal("not-recognised"),
      ],
      {
        description:
          "Outgoing: sending, receipted (the partner's receipt is stored), refused. Incoming: recognised (arms on the first closed-seal report at our office) or not-recognised (inspect and re-seal, then arm by hand).",
      },
    ),
    recognition: Type.Optional(
      Type.Union([Type.Literal("recognised"), Type.Literal("not-recognised")], {
        description: "What the receiving side decided about the seal.",
      }),
    ),
    reason: Type.Optional(Type.String({ description: "Why not recognised, or why refused." })),
    refusalCode: Type.Optional(Type.String()),
    dossierDigest: Type.String({ description: "SHA-256 (hex) of the dossier file sent or received." }),
    receipt: Type.Optional(
      Type.String({ description: "The receiving administration's signed receipt (compact JWS)." }),
    ),
    outboxId: Type.Optional(Type.Integer()),
    armedAt: Type.Optional(Type.String()),
    actor: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: "Handover" },
);
