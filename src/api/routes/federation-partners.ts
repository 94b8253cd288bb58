/**
 * The partner registry over the API: staff read it; administrators and supervisors register
 * partners, pin and revoke their keys, accept endorsed key rotations and revoke partnerships. Every
 * change is audited by the registry and takes effect on the next partner request.
 */
import { Type, type Static } from "@fastify/type-provider-typebox";
import type { PartnerRecord } from "../../store/federation-ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { Strict, withErrors } from "../schemas/common.js";
import type { PartnerView } from "../schemas/federation.js";
import { AgreementScopeSchema } from "../schemas/federation.js";
import { iso } from "../views.js";
import { federationOf, KidParams } from "./federation-keys.js";

const PartnerId = Type.String({
  pattern: "^[A-Z0-9][A-Z0-9._-]{1,31}$",
  maxLength: 32,
  description: "The partner administration's id, as it names itself (e.g. UG-URA).",
});
const PartnerParams = Strict({ id: PartnerId });
const PartnerKeyParams = Strict({ id: PartnerId, kid: KidParams.properties.kid });

const Jwk = Type.Object(
  {
    kty: Type.String({ maxLength: 8 }),
    crv: Type.String({ maxLength: 16 }),
    x: Type.String({ maxLength: 64 }),
    kid: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: true, maxProperties: 16, description: "An Ed25519 public key (RFC 8037 JWK)." },
);
const Offices = Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 200 });
const BaseUrl = Type.String({ minLength: 1, maxLength: 500, description: "https://… without /api/v1." });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Reason = Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });

export type PartnerJson = Static<typeof PartnerView>;

export function partnerView(p: PartnerRecord): PartnerJson {
  return {
    id: p.id,
    name: p.name,
    country: p.country,
    baseUrl: p.baseUrl,
    offices: [...p.offices],
    scope: p.scope,
    keys: p.keys.map((k) => ({
      kid: k.kid,
      x: k.x,
      status: k.status,
      addedAt: iso(k.addedAtMs),
      addedBy: k.addedBy,
      ...(k.retiredAtMs === undefined ? {} : { retiredAt: iso(k.retiredAtMs) }),
      ...(k.revokedAtMs === undefined ? {} : { revokedAt: iso(k.revokedAtMs) }),
      ...(k.endorsedBy === undefined ? {} : { endorsedBy: k.endorsedBy }),
    })),
    status: p.status,
    createdAt: iso(p.createdAtMs),
    updatedAt: iso(p.updatedAtMs),
    ...(p.revokedAtMs === undefined ? {} : { revokedAt: iso(p.revokedAtMs) }),
    ...(p.revocationReason === undefined ? {} : { revocationReason: p.revocationReason }),
  };
}

const tags = ["federation"];

export function federationPartnerRoutes(app: ApiApp, ctx: ApiContext): void {
  const PartnerRef = Type.Ref("Partner");

  app.get(
    "/federation/partners",
    {
      config: { permission: "federation.read" },
      schema: {
        tags,
        summary: "The partner administrations, with their offices, scope and pinned keys",
        response: withErrors({ 200: Type.Object({ items: Type.Array(PartnerRef) }) }),
      },
    },
    async () => ({ items: (await federationOf(ctx).partners.list()).map(partnerView) }),
  );

  app.get(
    "/federation/partners/:id",
    {
      config: { permission: "federation.read" },
      schema: {
        tags,
        summary: "One partner administration",
        params: PartnerParams,
        response: withErrors({ 200: PartnerRef }),
      },
    },
    async (request) => partnerView(await federationOf(ctx).partners.get(request.params.id)),
  );

  app.get(
    "/federation/partners/:id/keys",
    {
      config: { permission: "federation.read" },
      schema: {
        tags,
        summary: "The partner's pinned keys as a key set: the trust file for offline dossier verification",
        params: PartnerParams,
        response: withErrors({ 200: Type.Object({}, { additionalProperties: true }) }),
      },
    },
    (request) => federationOf(ctx).partners.keySet(request.params.id),
  );

  app.post(
    "/federation/partners",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary:
          "Register a partner administration with its first pinned keys (check their kid with the partner)",
        body: Strict({
          id: PartnerId,
          name: Name,
          country: Type.String({ minLength: 2, maxLength: 2 }),
          baseUrl: BaseUrl,
          offices: Offices,
          scope: Type.Optional(AgreementScopeSchema),
          keys: Type.Array(Jwk, { minItems: 1, maxItems: 20 }),
        }),
        response: withErrors({ 201: PartnerRef }),
      },
    },
    async (request, reply) => {
      const partner = await federationOf(ctx).partners.add(request.body, principalOf(request).actor);
      return reply.code(201).send(partnerView(partner));
    },
  );

  app.patch(
    "/federation/partners/:id",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary: "Change a partner's name, base URL, offices or agreement scope",
        params: PartnerParams,
        body: Strict({
          name: Type.Optional(Name),
          baseUrl: Type.Optional(BaseUrl),
          offices: Type.Optional(Offices),
          scope: Type.Optional(AgreementScopeSchema),
        }),
        response: withErrors({ 200: PartnerRef }),
      },
    },
    async (request) =>
      partnerView(
        await federationOf(ctx).partners.update(request.params.id, request.body, principalOf(request).actor),
      ),
  );

  app.post(
    "/federation/partners/:id/keys",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary: "Pin another key of the partner by hand (after checking its kid with the partner)",
        params: PartnerParams,
        body: Strict({ key: Jwk }),
        response: withErrors({ 200: PartnerRef }),
      },
    },
    async (request) =>
      partnerView(
        await federationOf(ctx).partners.pinKey(
          request.params.id,
          request.body.key,
          principalOf(request).actor,
        ),
      ),
  );

  app.post(
    "/federation/partners/:id/keys/rotation",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary: "Accept the partner's new key on its rotation statement, signed by a key pinned here",
        params: PartnerParams,
        body: Strict({
          rotation: Type.String({
            minLength: 1,
            maxLength: 8192,
            description: "The compact JWS of the new key's `rotation` member in the partner's key set.",
          }),
        }),
        response: withErrors({ 200: Type.Object({ kid: Type.String(), partner: PartnerRef }) }),
      },
    },
    async (request) => {
      const result = await federationOf(ctx).partners.acceptRotation(
        request.params.id,
        request.body.rotation,
        principalOf(request).actor,
      );
      return { kid: result.kid, partner: partnerView(result.partner) };
    },
  );

  app.post(
    "/federation/partners/:id/keys/:kid/revoke",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary: "Revoke a pinned key of the partner at once",
        params: PartnerKeyParams,
        body: Reason,
        response: withErrors({ 200: PartnerRef }),
      },
    },
    async (request) =>
      partnerView(
        await federationOf(ctx).partners.revokeKey(
          request.params.id,
          request.params.kid,
          request.body.reason,
          principalOf(request).actor,
        ),
      ),
  );

  app.post(
    "/federation/partners/:id/revoke",
    {
      config: { permission: "federation.partners" },
      schema: {
        tags,
        summary: "Revoke the partnership at once: nothing the partner sends is accepted any more",
        params: PartnerParams,
        body: Reason,
        response: withErrors({ 200: PartnerRef }),
      },
    },
    async (request) =>
      partnerView(
        await federationOf(ctx).partners.revoke(
          request.params.id,
          request.body.reason,
          principalOf(request).actor,
        ),
      ),
  );
}
