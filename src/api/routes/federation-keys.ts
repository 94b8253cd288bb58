/**
 * This instance to the outside: its identity and published key set (public, for partners and
 * anyone verifying what it signed), key rotation and revocation (administrators), and the audit
 * chain's head signed with its key.
 */
import { Type } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import type { Federation } from "../../federation/federation.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { Strict, withErrors } from "../schemas/common.js";

export const KidParams = Strict({
  kid: Type.String({
    pattern: "^[A-Za-z0-9_-]{43}$",
    maxLength: 43,
    description: "A key id: the key's RFC 7638 thumbprint.",
  }),
});

const Identity = Type.Object({
  id: Type.String(),
  name: Type.String(),
  country: Type.Optional(Type.String()),
  offices: Type.Array(Type.String(), { description: "Customs office reference numbers it owns." }),
  publicUrl: Type.Optional(Type.String()),
  keys: Type.String({ description: "Path of the published key set." }),
});

const SignedHeadSchema = Type.Object({
  storeLocation: Type.String({ description: "The administration id." }),
  seq: Type.Integer(),
  hash: Type.String(),
  atMs: Type.Integer(),
  signature: Type.String(),
  publicKey: Type.String(),
  keyId: Type.Optional(Type.String()),
});

/** The federation object, or FEDERATION_UNAVAILABLE when this process runs without one. */
export function federationOf(ctx: ApiContext): Federation {
  const federation = ctx.deps.federation;
  if (federation === undefined)
    throw new SealwatchError("FEDERATION_UNAVAILABLE", "this process runs without the federation service");
  return federation;
}

export function federationKeyRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/federation/identity",
    {
      config: { public: true },
      schema: {
        tags: ["federation"],
        summary: "Who this administration is: id, name, country, the offices it owns, where its keys are",
        security: [],
        response: withErrors({ 200: Identity }),
      },
    },
    async () => {
      const federation = federationOf(ctx);
      const { id, name, country, publicUrl } = federation.identity;
      return {
        id,
        name,
        ...(country === undefined ? {} : { country }),
        offices: await federation.offices(),
        ...(publicUrl === undefined ? {} : { publicUrl }),
        keys: "/api/v1/federation/keys",
      };
    },
  );

  app.get(
    "/federation/keys",
    {
      config: { public: true },
      schema: {
        tags: ["federation"],
        summary:
          "The published key set (JWKS, Ed25519): the active key, retired keys still verifying, revoked keys",
        security: [],
        response: withErrors({ 200: Type.Ref("KeySet") }),
      },
    },
    async (_request, reply) => {
      const set = await federationOf(ctx).keys.keySet(ctx.now());
      void reply.header("cache-control", "no-cache");
      return set;
    },
  );

  app.post(
    "/federation/keys/rotate",
    {
      config: { permission: "federation.keys" },
      schema: {
        tags: ["federation"],
        summary: "Rotate: a new signing key, endorsed by the current one, which is retired (still published)",
        body: Strict({}),
        response: withErrors({
          200: Type.Object({ retired: Type.String(), activated: Type.String(), keys: Type.Ref("KeySet") }),
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const federation = federationOf(ctx);
      const result = await federation.keys.rotate();
      await ctx.store.audit.append({
        atMs: ctx.now(),
        actor: p.actor,
        action: "federation.key.rotate",
        subjectType: "federation-key",
        subjectId: result.activated,
        details: { retired: result.retired, activated: result.activated },
      });
      return { ...result, keys: await federation.keys.keySet(ctx.now()) };
    },
  );

  app.post(
    "/federation/keys/:kid/revoke",
    {
      config: { permission: "federation.keys" },
      schema: {
        tags: ["federation"],
        summary: "Revoke a signing key at once (compromise); revoking the active key makes a new one active",
        params: KidParams,
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
        response: withErrors({
          200: Type.Object({ activated: Type.Optional(Type.String()), keys: Type.Ref("KeySet") }),
        }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const federation = federationOf(ctx);
      const { kid } = request.params;
      const result = await federation.keys.revoke(kid, request.body.reason);
      await ctx.store.audit.append({
        atMs: ctx.now(),
        actor: p.actor,
        action: "federation.key.revoke",
        subjectType: "federation-key",
        subjectId: kid,
        details: { reason: request.body.reason, ...result },
      });
      return { ...result, keys: await federation.keys.keySet(ctx.now()) };
    },
  );

  app.get(
    "/federation/audit-head",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["federation"],
        summary:
          "The audit chain's head signed with this instance's key (check it against the published key set)",
        response: withErrors({ 200: SignedHeadSchema }),
      },
    },
    () => federationOf(ctx).signedAuditHead(),
  );
}
