/**
 * A trip's signed dossier (docs/federation.md, section 3): the RFC 8785 text exactly as signed,
 * for an officer, a supervisor or an administrator who may see the trip. Issuing one anchors it in
 * the audit chain, so every export is on record.
 */
import { Type } from "@fastify/type-provider-typebox";
import { envelopeText } from "../../dossier/build.js";
import { EXPORT_SCOPE, issueDossier } from "../../federation/dossiers.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { BoundedInteger, IdParams, StringEnum, Strict, withErrors } from "../schemas/common.js";
import { federationOf } from "./federation-keys.js";

export function dossierRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/trips/:id/dossier",
    {
      config: { permission: "trips.dossier" },
      schema: {
        tags: ["federation"],
        summary:
          "The trip's dossier: canonical JSON with a detached JWS, verifiable offline (sealwatch dossier verify)",
        params: IdParams,
        querystring: Strict({
          track: Type.Optional(
            StringEnum(["full", "thinned"], {
              description: "Every fix (default), or thinned to resolutionS.",
            }),
          ),
          resolutionS: Type.Optional(
            BoundedInteger(1, 86_400, {
              description: "With track=thinned: one point per this many seconds (default 60).",
            }),
          ),
        }),
        response: withErrors({
          200: Type.Object(
            {},
            { additionalProperties: true, description: "{ dossier, signature } (docs/federation.md)" },
          ),
        }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const thinned = request.query.track === "thinned";
      const envelope = await issueDossier(federationOf(ctx), trip.id, {
        actor: p.actor,
        scope: { ...EXPORT_SCOPE, trackResolutionS: thinned ? (request.query.resolutionS ?? 60) : 0 },
      });
      void reply.header("content-type", "application/json; charset=utf-8");
      void reply.header("content-disposition", `attachment; filename="dossier-${trip.id}.json"`);
      return reply.send(envelopeText(envelope));
    },
  );
}
