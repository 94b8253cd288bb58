/**
 * GET /stream: the live stream as Server-Sent Events. Resume after a reconnect with the
 * `Last-Event-ID` header (EventSource sends it itself) or `?after=CURSOR`; a `reset` event says
 * the cursor has left the buffer and the client should reload its state.
 */
import { Type } from "@fastify/type-provider-typebox";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { Strict, withErrors } from "../schemas/common.js";
import { SseClient } from "../stream/sse-client.js";

/** The bus position to resume after: Last-Event-ID (what EventSource sends) first, then `?after=`. */
function cursorOf(
  ctx: ApiContext,
  holder: string,
  header: string | string[] | undefined,
  after: string | undefined,
): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text !== undefined && text !== "")
    return ctx.cursors.open("stream", text, holder, "headers.last-event-id");
  return after === undefined ? undefined : ctx.cursors.open("stream", after, holder, "querystring.after");
}

export function streamRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/stream",
    {
      config: { permission: "stream.read" },
      schema: {
        tags: ["stream"],
        summary:
          "Live readings, alarm changes and trip transitions (text/event-stream), filtered to what the caller may see",
        description:
          "Events: `reading`, `alarm`, `trip` (each with `id:` = its cursor), `ready` at the start, `reset` when the cursor is too old. " +
          "Heartbeat comments keep the connection open. Readings are coalesced per device for a client that reads slowly; " +
          "alarm and trip events are never coalesced. Browsers' EventSource may pass the token as `?access_token=`.",
        querystring: Strict({
          after: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 128,
              description:
                "Resume after this cursor: an event's `id`, or `cursor` of the fleet snapshot or `ready` (opaque tokens, valid for the caller they were issued to).",
            }),
          ),
          access_token: Type.Optional(
            Type.String({
              maxLength: 512,
              description: "The bearer token, for clients that cannot send headers.",
            }),
          ),
        }),
        response: withErrors({ 200: Type.String({ description: "text/event-stream" }) }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const after = cursorOf(ctx, principal.actor, request.headers["last-event-id"], request.query.after);
      const scope = ctx.scope(principal);
      await scope.preloadDevices();
      void reply.hijack();
      const client = new SseClient(reply.raw, principal, {
        maxPending: ctx.deps.config.streamMaxPending,
        heartbeatMs: ctx.deps.config.streamHeartbeatS * 1000,
        targets: ctx.targets,
        scope,
        cursorToken: (cursor) => ctx.cursors.seal("stream", cursor, principal.actor),
        credentialEnded: () => ctx.auth.ended(principal),
        recheckMs: ctx.deps.config.streamRecheckS * 1000,
        onDropped: (reason, count) => ctx.metrics.streamDropped.inc({ reason }, count),
        onClosed: (closed) => {
          ctx.streams.delete(closed);
          ctx.metrics.streamClients.set(ctx.streams.size);
        },
      });
      ctx.streams.add(client);
      ctx.metrics.streamClients.set(ctx.streams.size);
      client.start(ctx.deps.bus, after);
    },
  );
}
