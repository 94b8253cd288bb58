/**
 * Webhook subscriptions of partner systems and traders (`/subscriptions`), and the outbox as
 * administrators see it (`/admin/outbox`: deliveries, failures, dead letters, redelivery, discard).
 * A subscription delivers canonical events in the chosen format (sealwatch, epcis, dcsa), filtered
 * by trip, company and event type, never beyond what its creator may see. See
 * docs/interop/subscriptions.md and docs/outbox.md.
 */
import { Type } from "@fastify/type-provider-typebox";
import { randomBytes } from "node:crypto";
import { SealwatchError } from "../../core/errors.js";
import { sealSecret } from "../../gateway/security/sealing.js";
import { CANONICAL_EVENT_TYPES } from "../../interop/events.js";
import { checkCallbackUrl } from "../../outbox/callback-url.js";
import { subscriptionSecretAad, WEBHOOK_KIND } from "../../outbox/webhook.js";
import type { OutboxMessage, SubscriptionRecord } from "../../store/outbox-ports.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { invalid } from "../input-checks.js";
import {
  BoundedInteger,
  Id,
  IdParams,
  NoContent,
  Strict,
  StringEnum,
  withErrors,
} from "../schemas/common.js";

export const SUBSCRIPTION_FORMATS = ["sealwatch", "epcis", "dcsa"] as const;

const NewSubscription = Strict({
  callbackUrl: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: "Where deliveries are POSTed: http or https, without credentials.",
  }),
  format: StringEnum(SUBSCRIPTION_FORMATS, { description: "The body of each delivery." }),
  eventTypes: Type.Optional(
    Type.Array(StringEnum(CANONICAL_EVENT_TYPES), {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description:
        "Event types delivered; absent: every type but seal.opened, seal.closed and position, which come from the readings and are sent only when named (a position at most every 5 minutes per device).",
    }),
  ),
  tripIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true })),
  companyId: Type.Optional(Id),
  signature: Type.Optional(
    StringEnum(["hmac-sha256", "ed25519"], {
      description:
        "hmac-sha256 (default): Notification-Signature: sha256=<hex>; ed25519: Notification-Signature-JWS, this instance's key.",
    }),
  ),
  secret: Type.Optional(
    Type.String({
      minLength: 44,
      maxLength: 88,
      pattern: "^[A-Za-z0-9+/]+={0,2}$",
      description: "Base64 of 32 to 64 bytes; when absent Sealwatch makes one and returns it once.",
    }),
  ),
});

const SubscriptionView = Type.Object({
  id: Type.String(),
  callbackUrl: Type.String(),
  format: Type.String(),
  eventTypes: Type.Optional(Type.Array(Type.String())),
  tripIds: Type.Optional(Type.Array(Type.String())),
  companyId: Type.Optional(Type.String()),
  signature: Type.String(),
  owner: Type.String(),
  createdAt: Type.String(),
  /** Returned once, at creation. */
  secret: Type.Optional(Type.String()),
});

const MessageView = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  destination: Type.String(),
  orderingKey: Type.Optional(Type.String()),
  companyId: Type.Optional(Type.String()),
  status: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  nextAttemptAt: Type.Optional(Type.String()),
  lastAttemptAt: Type.Optional(Type.String()),
  lastError: Type.Optional(Type.String()),
  lastStatusCode: Type.Optional(Type.Integer()),
  deliveredAt: Type.Optional(Type.String()),
  deadAt: Type.Optional(Type.String()),
  discardedBy: Type.Optional(Type.String()),
  payload: Type.Optional(Type.Unknown()),
});

const OUTBOX_STATUSES = ["pending", "delivered", "dead", "discarded"] as const;

const iso = (ms: number): string => new Date(ms).toISOString();

function subscriptionView(s: SubscriptionRecord, secret?: string) {
  return {
    id: s.id,
    callbackUrl: s.callbackUrl,
    format: s.format,
    ...(s.eventTypes === undefined ? {} : { eventTypes: [...s.eventTypes] }),
    ...(s.tripIds === undefined ? {} : { tripIds: [...s.tripIds] }),
    ...(s.companyId === undefined ? {} : { companyId: s.companyId }),
    signature: s.signature,
    owner: `${s.owner.kind === "apiKey" ? "apikey" : "user"}:${s.owner.id}`,
    createdAt: iso(s.createdAtMs),
    ...(secret === undefined ? {} : { secret }),
  };
}

function messageView(m: OutboxMessage, withPayload: boolean) {
  return {
    id: m.id,
    kind: m.kind,
    destination: m.destination,
    ...(m.orderingKey === undefined ? {} : { orderingKey: m.orderingKey }),
    ...(m.companyId === undefined ? {} : { companyId: m.companyId }),
    status: m.status,
    attempts: m.attempts,
    createdAt: iso(m.createdAtMs),
    ...(m.status === "pending" ? { nextAttemptAt: iso(m.nextAttemptAtMs) } : {}),
    ...(m.lastAttemptAtMs === undefined ? {} : { lastAttemptAt: iso(m.lastAttemptAtMs) }),
    ...(m.lastError === undefined ? {} : { lastError: m.lastError }),
    ...(m.lastStatusCode === undefined ? {} : { lastStatusCode: m.lastStatusCode }),
    ...(m.deliveredAtMs === undefined ? {} : { deliveredAt: iso(m.deliveredAtMs) }),
    ...(m.deadAtMs === undefined ? {} : { deadAt: iso(m.deadAtMs) }),
    ...(m.discardedBy === undefined ? {} : { discardedBy: m.discardedBy }),
    ...(withPayload ? { payload: m.payload } : {}),
  };
}

export function subscriptionRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    "/subscriptions",
    {
      config: { permission: "subscriptions.manage" },
      schema: {
        tags: ["subscriptions"],
        summary: "Subscribe a system to live events (webhook), in Sealwatch, EPCIS 2.0 or DCSA form",
        body: NewSubscription,
        response: withErrors({ 201: SubscriptionView }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      const checked = checkCallbackUrl(body.callbackUrl);
      if (!checked.ok) throw invalid("body.callbackUrl", checked.reason);
      // A trader's subscription is bound to its own company; it may not name another.
      let companyId = body.companyId;
      if (p.role === "trader") {
        if (p.companyId === undefined)
          throw new SealwatchError("FORBIDDEN", "this trader account has no company");
        if (companyId !== undefined && companyId !== p.companyId)
          throw new SealwatchError(
            "FORBIDDEN",
            `a trader subscribes to its own company's events only (${p.companyId})`,
          );
        companyId = p.companyId;
      }
      for (const [i, tripId] of (body.tripIds ?? []).entries()) {
        try {
          await ctx.visibleTrip(p, tripId);
        } catch {
          throw invalid(`body.tripIds[${i}]`, `trip "${tripId}" does not exist or is not visible to you`);
        }
      }
      const signature = body.signature ?? "hmac-sha256";
      if (signature === "ed25519" && body.secret !== undefined)
        throw invalid(
          "body.secret",
          "an ed25519 subscription is signed with this instance's key; give no secret",
        );
      if (signature === "ed25519" && ctx.deps.federation === undefined)
        throw new SealwatchError(
          "FEDERATION_UNAVAILABLE",
          "this process has no signing key for ed25519 deliveries",
        );
      let secret: Buffer | undefined;
      if (signature === "hmac-sha256") {
        secret = body.secret === undefined ? randomBytes(32) : Buffer.from(body.secret, "base64");
        if (secret.length < 32 || secret.length > 64)
          throw invalid("body.secret", `decodes to ${secret.length} bytes; give 32 to 64`);
      }
      const masterKey = ctx.deps.masterKey;
      if (secret !== undefined && masterKey === undefined)
        throw new SealwatchError(
          "FEDERATION_UNAVAILABLE",
          "this process has no master key to seal a secret with",
        );
      const id = `sub-${randomBytes(8).toString("hex")}`;
      const now = ctx.now();
      const head = await ctx.store.audit.head();
      const record: SubscriptionRecord = {
        id,
        callbackUrl: checked.url.href,
        format: body.format,
        ...(body.eventTypes === undefined ? {} : { eventTypes: body.eventTypes }),
        ...(body.tripIds === undefined ? {} : { tripIds: body.tripIds }),
        ...(companyId === undefined ? {} : { companyId }),
        signature,
        ...(secret === undefined
          ? {}
          : { sealedSecret: sealSecret(masterKey!, secret, subscriptionSecretAad(id)) }),
        owner: {
          kind: p.kind,
          id: p.id,
          role: p.role,
          ...(p.companyId === undefined ? {} : { companyId: p.companyId }),
          ...(p.offices.length === 0 ? {} : { offices: p.offices }),
        },
        afterAuditSeq: head?.seq ?? 0,
        status: "active",
        createdAtMs: now,
        updatedAtMs: now,
      };
      await ctx.store.subscriptions.put(record);
      await ctx.store.audit.append({
        atMs: now,
        actor: p.actor,
        action: "subscription.create",
        subjectType: "subscription",
        subjectId: id,
        details: { callbackUrl: record.callbackUrl, format: record.format, signature, companyId },
      });
      const shown = body.secret === undefined && secret !== undefined ? secret.toString("base64") : undefined;
      return reply.code(201).send(subscriptionView(record, shown));
    },
  );

  app.get(
    "/subscriptions",
    {
      config: { permission: "subscriptions.manage" },
      schema: {
        tags: ["subscriptions"],
        summary: "Your subscriptions (administrators: every subscription)",
        response: withErrors({ 200: Type.Object({ items: Type.Array(SubscriptionView) }) }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const all = await ctx.store.subscriptions.list(p.role === "admin" ? {} : { ownerId: p.id });
      return {
        items: all
          .filter((s) => p.role === "admin" || s.owner.kind === p.kind)
          .map((s) => subscriptionView(s)),
      };
    },
  );

  app.get(
    "/subscriptions/:id",
    {
      config: { permission: "subscriptions.manage" },
      schema: {
        tags: ["subscriptions"],
        summary: "One subscription",
        params: IdParams,
        response: withErrors({ 200: SubscriptionView }),
      },
    },
    async (request) => subscriptionView(await ownSubscription(ctx, request.params.id, principalOf(request))),
  );

  app.delete(
    "/subscriptions/:id",
    {
      config: { permission: "subscriptions.manage" },
      schema: {
        tags: ["subscriptions"],
        summary: "End a subscription; what was waiting to be delivered to it is discarded",
        params: IdParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const subscription = await ownSubscription(ctx, request.params.id, p);
      const now = ctx.now();
      await ctx.store.subscriptions.put({
        ...subscription,
        status: "deleted",
        deletedAtMs: now,
        updatedAtMs: now,
      });
      for (const m of await ctx.store.outbox.list({
        kind: WEBHOOK_KIND,
        destination: subscription.id,
        status: ["pending", "dead"],
      }))
        await ctx.store.outbox.discard(m.id, now, p.actor);
      await ctx.store.audit.append({
        atMs: now,
        actor: p.actor,
        action: "subscription.delete",
        subjectType: "subscription",
        subjectId: subscription.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/admin/outbox",
    {
      config: { permission: "outbox.admin" },
      schema: {
        tags: ["admin"],
        summary: "Outbox messages (webhook deliveries, partner messages), newest first, with their attempts",
        querystring: Strict({
          status: Type.Optional(StringEnum(OUTBOX_STATUSES)),
          kind: Type.Optional(Type.String({ maxLength: 64 })),
          destination: Type.Optional(Type.String({ maxLength: 200 })),
          orderingKey: Type.Optional(Id),
          beforeId: Type.Optional(BoundedInteger(1, Number.MAX_SAFE_INTEGER)),
          limit: Type.Optional(BoundedInteger(1, 500, { default: 100 })),
          payload: Type.Optional(Type.Boolean({ description: "Include each message's content." })),
        }),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(MessageView),
            counts: Type.Array(
              Type.Object({ kind: Type.String(), status: Type.String(), count: Type.Integer() }),
            ),
            nextBeforeId: Type.Optional(Type.Integer()),
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const items = await ctx.store.outbox.list({
        ...(q.status === undefined ? {} : { status: [q.status] }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.destination === undefined ? {} : { destination: q.destination }),
        ...(q.orderingKey === undefined ? {} : { orderingKey: q.orderingKey }),
        ...(q.beforeId === undefined ? {} : { beforeId: q.beforeId }),
        newestFirst: true,
        limit,
      });
      return {
        items: items.map((m) => messageView(m, q.payload === true)),
        counts: await ctx.store.outbox.counts(),
        ...(items.length === limit ? { nextBeforeId: items.at(-1)!.id } : {}),
      };
    },
  );

  app.post(
    "/admin/outbox/redeliver",
    {
      config: { permission: "outbox.admin" },
      schema: {
        tags: ["admin"],
        summary: "Dead messages back to pending (by id, or all of a destination or kind)",
        body: Strict({
          ids: Type.Optional(
            Type.Array(BoundedInteger(1, Number.MAX_SAFE_INTEGER), { minItems: 1, maxItems: 1000 }),
          ),
          destination: Type.Optional(Type.String({ maxLength: 200 })),
          kind: Type.Optional(Type.String({ maxLength: 64 })),
        }),
        response: withErrors({ 200: Type.Object({ redelivered: Type.Integer() }) }),
      },
    },
    async (request) => {
      const { ids, destination, kind } = request.body;
      if (ids === undefined && destination === undefined && kind === undefined)
        throw invalid("body", "name the messages: ids, a destination or a kind");
      const now = ctx.now();
      const redelivered = await ctx.store.outbox.redeliver(
        now,
        ids,
        ids === undefined
          ? { ...(destination === undefined ? {} : { destination }), ...(kind === undefined ? {} : { kind }) }
          : {},
      );
      await ctx.store.audit.append({
        atMs: now,
        actor: principalOf(request).actor,
        action: "outbox.redeliver",
        subjectType: "outbox",
        subjectId: destination ?? kind ?? "ids",
        details: { ids, destination, kind, redelivered },
      });
      ctx.deps.outboxNudge?.();
      return { redelivered };
    },
  );

  app.post(
    "/admin/outbox/:id/discard",
    {
      config: { permission: "outbox.admin" },
      schema: {
        tags: ["admin"],
        summary: "Give a pending or dead message up for good (the ones behind it go on)",
        params: Strict({ id: BoundedInteger(1, Number.MAX_SAFE_INTEGER) }),
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const now = ctx.now();
      if (!(await ctx.store.outbox.discard(request.params.id, now, p.actor)))
        throw notFound("pending or dead outbox message", String(request.params.id));
      await ctx.store.audit.append({
        atMs: now,
        actor: p.actor,
        action: "outbox.discard",
        subjectType: "outbox",
        subjectId: String(request.params.id),
      });
      ctx.deps.outboxNudge?.();
      return reply.code(204).send(null);
    },
  );
}

async function ownSubscription(
  ctx: ApiContext,
  id: string,
  p: { kind: string; id: string; role: string },
): Promise<SubscriptionRecord> {
  const s = await ctx.store.subscriptions.get(id);
  if (
    s === undefined ||
    s.status !== "active" ||
    (p.role !== "admin" && (s.owner.id !== p.id || s.owner.kind !== p.kind))
  )
    throw notFound("subscription", id);
  return s;
}
