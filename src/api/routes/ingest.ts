/**
 * The device gateway's HTTP ingest routes (/api/v1/ingest/...), mounted when the gateway runs in
 * this process. Its routes need the "ingest" permission (the gateway role, for reader gateways and
 * device concentrators, or an administrator) unless they declare their own access, and share a
 * per-address rate limit.
 */
import type { FastifyPluginAsync } from "fastify";
import type { ApiContext } from "../context.js";

const SUMMARIES: Readonly<Record<string, string>> = {
  readings:
    "A batch of device readings (JSON, or signed or encrypted envelopes); 200 once every accepted item is durable",
  reads: "A batch of passive seal reads from checkpoint RFID readers",
  epcis: "An EPCIS 2.0 capture (EPCISDocument, JSON-LD) whose ObjectEvents carry seal or container EPCs",
};

export function ingestRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (scope) => {
    const plugin = ctx.deps.gateway?.ingestRoutes;
    if (plugin === undefined) return;
    scope.addHook("onRoute", (route) => {
      route.config ??= {};
      if (route.config.permission === undefined && route.config.public !== true)
        route.config.permission = "ingest";
      route.schema ??= {};
      route.schema.tags ??= ["ingest"];
      const summary = SUMMARIES[route.url.split("/").pop() ?? ""];
      if (summary !== undefined) {
        route.schema.summary ??= summary;
        route.schema.description ??= "Formats, limits and answers: docs/protocols/mqtt-http.md.";
      }
    });
    scope.addHook(
      "onRequest",
      scope.rateLimit({ max: ctx.deps.config.ingestRateLimitPerMin, timeWindow: 60_000 }),
    );
    await scope.register(plugin);
  };
}
