/**
 * Trip handovers over the API. A partner instance posts a signed handover (no user credentials:
 * the signed request is the authentication, checked against the partner's pinned keys) and gets
 * our signed receipt; staff list handovers (officers: of the trips of their offices); whoever may
 * see a trip sees its handovers.
 */
import { Type, type Static } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import { HandoverReceiver } from "../../federation/handover-receiver.js";
import type { HandoverRecord } from "../../store/federation-ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { checkIdentifier } from "../input-checks.js";
import { IdParams, Repeated, StringEnum, Strict, withErrors } from "../schemas/common.js";
import type { HandoverView } from "../schemas/federation.js";
import { iso } from "../views.js";
import { federationOf } from "./federation-keys.js";

export type HandoverJson = Static<typeof HandoverView>;

export function handoverView(h: HandoverRecord): HandoverJson {
  return {
    id: h.id,
    direction: h.direction,
    partner: h.partnerId,
    tripId: h.tripId,
    ...(h.partnerTripId === undefined ? {} : { partnerTripId: h.partnerTripId }),
    office: h.office,
    status: h.status,
    ...(h.recognition === undefined ? {} : { recognition: h.recognition }),
    ...(h.reason === undefined ? {} : { reason: h.reason }),
    ...(h.refusalCode === undefined ? {} : { refusalCode: h.refusalCode }),
    dossierDigest: h.dossierDigest,
    ...(h.receipt === undefined ? {} : { receipt: h.receipt }),
    ...(h.outboxId === undefined ? {} : { outboxId: h.outboxId }),
    ...(h.armedAtMs === undefined ? {} : { armedAt: iso(h.armedAtMs) }),
    actor: h.actor,
    createdAt: iso(h.createdAtMs),
    updatedAt: iso(h.updatedAtMs),
  };
}

const tags = ["federation"];
const STATUSES = ["sending", "receipted", "refused", "recognised", "not-recognised"] as const;

export function federationHandoverRoutes(app: ApiApp, ctx: ApiContext): void {
  const HandoverRef = Type.Ref("Handover");
  const config = ctx.deps.config;
  let receiver: HandoverReceiver | undefined;
  const receiverOf = (): HandoverReceiver =>
    (receiver ??= new HandoverReceiver(federationOf(ctx), ctx.host, {
      windowMs: config.federationClockSkewS * 1000,
      maxDossierBytes: config.federationMaxDocumentBytes,
      onAccepted: (handover, trip) => {
        void ctx.store.zones
          .get(trip.origin)
          .then((office) => ctx.handoverArming?.watch(handover, trip, office));
      },
    }));

  app.post(
    "/federation/handovers",
    {
      config: { public: true },
      bodyLimit: config.federationMaxDocumentBytes,
      schema: {
        tags,
        summary:
          "Receive a partner's signed handover (the dossier of its leg): our leg opens with the same devices and seals, and a signed receipt is returned",
        description:
          "No user credentials: the body's signed request (docs/federation.md, section 4) authenticates the partner against its pinned keys. The same handover sent again is answered 200 with the same receipt.",
        security: [],
        body: Strict({
          request: Type.String({
            minLength: 1,
            description: "The compact JWS of a signed request of type handover.",
          }),
        }),
        response: withErrors({
          200: Type.Object({ receipt: Type.String(), handover: HandoverRef }),
          201: Type.Object({ receipt: Type.String(), handover: HandoverRef }),
        }),
      },
    },
    async (request, reply) => {
      const received = await receiverOf().receive(request.body.request);
      return reply
        .code(received.created ? 201 : 200)
        .send({ receipt: received.receipt, handover: handoverView(received.handover) });
    },
  );

  app.get(
    "/federation/handovers",
    {
      config: { permission: "federation.read" },
      schema: {
        tags,
        summary: "Handovers in both directions, oldest first (officers: of the trips of their offices)",
        querystring: Strict({
          direction: Type.Optional(StringEnum(["incoming", "outgoing"])),
          partner: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          status: Type.Optional(Repeated(StringEnum(STATUSES), 5, { description: "Repeat for several." })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(HandoverRef) }) }),
      },
    },
    async (request) => {
      const q = request.query;
      const visible = await ctx.visibleTripIds(principalOf(request));
      const seen = visible === undefined ? undefined : new Set(visible);
      const items = await ctx.store.federation.handovers({
        ...(q.direction === undefined ? {} : { direction: q.direction }),
        ...(q.partner === undefined ? {} : { partnerId: q.partner }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(seen === undefined ? { limit: q.limit ?? 100 } : {}),
      });
      return {
        items: items
          .filter((h) => seen === undefined || seen.has(h.tripId))
          .slice(0, q.limit ?? 100)
          .map(handoverView),
      };
    },
  );

  app.get(
    "/trips/:id/handovers",
    {
      config: { permission: "trips.read" },
      schema: {
        tags,
        summary: "The trip's handovers: to a partner (with its receipt) or from one (with our recognition)",
        params: IdParams,
        response: withErrors({ 200: Type.Object({ items: Type.Array(HandoverRef) }) }),
      },
    },
    async (request) => {
      const trip = await ctx.visibleTrip(principalOf(request), request.params.id);
      return { items: (await ctx.store.federation.handovers({ tripId: trip.id })).map(handoverView) };
    },
  );

  app.post(
    "/trips/:id/handover",
    {
      config: { permission: "trips.handover" },
      schema: {
        tags,
        summary:
          "Hand the trip over to the partner administration that owns the office: the dossier of the leg goes out through the outbox",
        description:
          "Without body.office, the handover office of the trip's declaration. Answered at once with the handover (status sending); the partner's signed receipt is stored when it comes, and the trip is then closed here.",
        params: IdParams,
        body: Strict({
          office: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 16,
              description: "The partner's border office (customs office reference number).",
            }),
          ),
        }),
        response: withErrors({ 202: HandoverRef }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const trip = await ctx.visibleTrip(p, request.params.id);
      const sender = ctx.handoverSender;
      if (sender === undefined)
        throw new SealwatchError(
          "FEDERATION_UNAVAILABLE",
          "this process runs without the federation service",
        );
      const office =
        request.body.office === undefined
          ? undefined
          : checkIdentifier("customsOffice", "body.office", request.body.office);
      const handover = await sender.start(trip.id, p.actor, office);
      return reply.code(202).send(handoverView(handover));
    },
  );
}
