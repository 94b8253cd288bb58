/** The device registry, its lifecycle, device keys, and the remote unlock command. */
import { Type, type Static } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import type { DeviceRecord } from "../../store/ports.js";
import { tripVisible } from "../auth/policy.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import type { ApiGateway } from "../deps.js";
import { notFound } from "../errors.js";
import { Id, IdParams, NoContent, Strict, StringEnum, withErrors } from "../schemas/common.js";
import { DEVICE_CLASSES, DEVICE_PROTOCOLS, LIFECYCLES } from "../schemas/views.js";
import { lifecycleRefusal } from "../services/device-lifecycle.js";
import { deviceCommandView, deviceView, iso } from "../views.js";

const DeviceFields = {
  class: StringEnum(DEVICE_CLASSES, {
    description: "active (GPS e-lock), semi-active, passive (RFID seal).",
  }),
  vendor: Type.String({ minLength: 1, maxLength: 100 }),
  model: Type.String({ minLength: 1, maxLength: 100 }),
  protocol: StringEnum(DEVICE_PROTOCOLS),
  identifiers: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
    maxItems: 16,
    uniqueItems: true,
    description: "What the device presents: IMEI, lock id, seal EPC.",
  }),
  reportIntervalS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
  companyId: Type.Optional(Id),
  settings: Type.Optional(
    Type.Object(
      {},
      { additionalProperties: true, description: "Per-model settings (e.g. Teltonika IO mapping)." },
    ),
  ),
};

const NewDevice = Strict({ id: Id, ...DeviceFields });
const DeviceUpdate = Strict(DeviceFields);
type DeviceInput = Static<typeof DeviceUpdate>;

const KeyParams = Strict({ id: Id, keyId: Type.String({ minLength: 1, maxLength: 64 }) });

function requireGateway<K extends keyof ApiGateway>(ctx: ApiContext, part: K): NonNullable<ApiGateway[K]> {
  const piece = ctx.deps.gateway?.[part];
  if (piece === undefined || piece === null)
    throw new SealwatchError("GATEWAY_UNAVAILABLE", "the device gateway does not run in this process");
  return piece;
}

export function deviceRoutes(app: ApiApp, ctx: ApiContext): void {
  async function checkInput(id: string, input: DeviceInput): Promise<void> {
    if (input.companyId !== undefined && (await ctx.store.access.company(input.companyId)) === undefined)
      throw new SealwatchError(
        "UNKNOWN_REFERENCE",
        `body.companyId: company "${input.companyId}" does not exist`,
      );
    for (const identifier of input.identifiers) {
      const owner = await ctx.store.devices.byIdentifier(identifier);
      if (owner !== undefined && owner.id !== id)
        throw new SealwatchError(
          "DUPLICATE_ID",
          `body.identifiers: "${identifier}" already identifies device "${owner.id}"`,
        );
    }
  }

  function recordOf(
    id: string,
    input: DeviceInput,
    existing: DeviceRecord | undefined,
    now: number,
  ): DeviceRecord {
    return {
      id,
      class: input.class,
      vendor: input.vendor,
      model: input.model,
      protocol: input.protocol,
      identifiers: input.identifiers,
      ...(input.reportIntervalS === undefined ? {} : { reportIntervalS: input.reportIntervalS }),
      lifecycle: existing?.lifecycle ?? "in_stock",
      ...(input.companyId === undefined ? {} : { companyId: input.companyId }),
      ...(input.settings === undefined ? {} : { settings: input.settings }),
      createdAtMs: existing?.createdAtMs ?? now,
      updatedAtMs: now,
    };
  }

  app.get(
    "/devices",
    {
      config: { permission: "devices.read" },
      schema: {
        tags: ["devices"],
        summary: "List devices (traders and carriers: their company's)",
        querystring: Strict({
          lifecycle: Type.Optional(StringEnum(LIFECYCLES)),
          companyId: Type.Optional(Id),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("Device")) }) }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const companyId = p.role === "trader" ? (p.companyId ?? "\u0000none") : request.query.companyId;
      const devices = await ctx.store.devices.list({
        ...(companyId === undefined ? {} : { companyId }),
        ...(request.query.lifecycle === undefined ? {} : { lifecycle: request.query.lifecycle }),
      });
      // activeTripId is dropped by the answer hook where the caller may not see the trip.
      return { items: devices.map((d) => deviceView(d, ctx.host.engine.activeTripOf(d.id))) };
    },
  );

  app.get(
    "/devices/:id",
    {
      config: { permission: "devices.read" },
      schema: {
        tags: ["devices"],
        summary: "One device",
        params: IdParams,
        response: withErrors({ 200: Type.Ref("Device") }),
      },
    },
    async (request) => {
      const device = await ctx.visibleDevice(principalOf(request), request.params.id);
      return deviceView(device, ctx.host.engine.activeTripOf(device.id));
    },
  );

  app.post(
    "/devices",
    {
      config: { permission: "devices.write" },
      schema: {
        tags: ["devices"],
        summary: "Register a device (in stock)",
        body: NewDevice,
        response: withErrors({ 201: Type.Ref("Device") }),
      },
    },
    async (request, reply) => {
      const { id, ...input } = request.body;
      if ((await ctx.store.devices.get(id)) !== undefined)
        throw new SealwatchError(
          "DUPLICATE_ID",
          `device "${id}" already exists (PUT /devices/${id} changes it)`,
        );
      await checkInput(id, input);
      const device = recordOf(id, input, undefined, ctx.now());
      await ctx.host.registerDevice(device, principalOf(request).actor);
      ctx.deps.gateway?.deviceChanged?.(id);
      return reply.code(201).send(deviceView(device));
    },
  );

  app.put(
    "/devices/:id",
    {
      config: { permission: "devices.write" },
      schema: {
        tags: ["devices"],
        summary: "Change a device's registration (not its class; the lifecycle has its own endpoint)",
        params: IdParams,
        body: DeviceUpdate,
        response: withErrors({ 200: Type.Ref("Device") }),
      },
    },
    async (request) => {
      const id = request.params.id;
      const existing = await ctx.store.devices.get(id);
      if (existing === undefined) throw notFound("device", id);
      await checkInput(id, request.body);
      const device = recordOf(id, request.body, existing, ctx.now());
      await ctx.host.registerDevice(device, principalOf(request).actor);
      ctx.deps.gateway?.deviceChanged?.(id);
      return deviceView(device, ctx.host.engine.activeTripOf(id));
    },
  );

  app.post(
    "/devices/:id/lifecycle",
    {
      config: { permission: "devices.write" },
      schema: {
        tags: ["devices"],
        summary: "Move a device through its lifecycle: in_stock → assigned → in_use → maintenance → retired",
        params: IdParams,
        body: Strict({
          to: StringEnum(LIFECYCLES),
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
        }),
        response: withErrors({ 200: Type.Ref("Device") }),
      },
    },
    async (request) => {
      const id = request.params.id;
      const device = await ctx.store.devices.get(id);
      if (device === undefined) throw notFound("device", id);
      const { to, reason } = request.body;
      const refusal = lifecycleRefusal(device.lifecycle, to);
      if (refusal !== null) throw new SealwatchError("INVALID_TRANSITION", refusal);
      const activeTrip = ctx.host.engine.activeTripOf(id);
      if (activeTrip !== undefined && to !== "in_use")
        throw new SealwatchError(
          "DEVICE_UNAVAILABLE",
          `device "${id}" is on live trip "${activeTrip}"; it stays in use until the trip closes`,
        );
      const next: DeviceRecord = { ...device, lifecycle: to, updatedAtMs: ctx.now() };
      await ctx.host.registerDevice(next, principalOf(request).actor, {
        action: "device.lifecycle",
        details: { from: device.lifecycle, to, ...(reason === undefined ? {} : { reason }) },
      });
      ctx.deps.gateway?.deviceChanged?.(id);
      return deviceView(next, activeTrip);
    },
  );

  app.get(
    "/devices/:id/keys",
    {
      config: { permission: "devices.keys" },
      schema: {
        tags: ["devices"],
        summary: "A device's message keys (never the keys themselves)",
        params: IdParams,
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("DeviceKey")) }) }),
      },
    },
    async (request) => {
      const device = await ctx.visibleDevice(principalOf(request), request.params.id);
      const keys = await requireGateway(ctx, "keys").list(device.id);
      return {
        items: keys.map((k) => ({
          deviceId: k.deviceId,
          keyId: k.keyId,
          algorithm: k.algorithm,
          createdAt: iso(k.createdAtMs),
          ...(k.retiredAtMs === undefined ? {} : { retiredAt: iso(k.retiredAtMs) }),
          lastCounter: k.lastCounter,
        })),
      };
    },
  );

  app.post(
    "/devices/:id/keys",
    {
      config: { permission: "devices.keys" },
      schema: {
        tags: ["devices"],
        summary:
          "Issue a new message key (rotation: the previous keys are retired); the secret is shown once",
        params: IdParams,
        body: Strict({ algorithm: StringEnum(["hmac-sha256", "aes-256-gcm"]) }),
        response: withErrors({
          201: Type.Object({
            key: Type.Ref("DeviceKey"),
            secret: Type.String({ description: "Base64; shown once." }),
          }),
        }),
      },
    },
    async (request, reply) => {
      const device = await ctx.visibleDevice(principalOf(request), request.params.id);
      const actor = principalOf(request).actor;
      const issued = await requireGateway(ctx, "keys").issue(device.id, request.body.algorithm, actor);
      await ctx.store.audit.append({
        atMs: ctx.now(),
        actor,
        action: "device.key.issue",
        subjectType: "device",
        subjectId: device.id,
        details: { keyId: issued.keyId, algorithm: issued.algorithm },
      });
      ctx.deps.gateway?.deviceChanged?.(device.id);
      return reply.code(201).send({
        key: {
          deviceId: issued.deviceId,
          keyId: issued.keyId,
          algorithm: issued.algorithm,
          createdAt: iso(issued.createdAtMs),
          lastCounter: issued.lastCounter,
        },
        secret: issued.secret,
      });
    },
  );

  app.delete(
    "/devices/:id/keys/:keyId",
    {
      config: { permission: "devices.keys" },
      schema: {
        tags: ["devices"],
        summary: "Retire a message key",
        params: KeyParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const device = await ctx.visibleDevice(principalOf(request), request.params.id);
      const actor = principalOf(request).actor;
      const retired = await requireGateway(ctx, "keys").retire(device.id, request.params.keyId, actor);
      if (!retired) throw notFound("key", request.params.keyId);
      await ctx.store.audit.append({
        atMs: ctx.now(),
        actor,
        action: "device.key.retire",
        subjectType: "device",
        subjectId: device.id,
        details: { keyId: request.params.keyId },
      });
      ctx.deps.gateway?.deviceChanged?.(device.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/devices/:id/unlock",
    {
      config: { permission: "devices.unlock" },
      schema: {
        tags: ["devices"],
        summary: "Remote unlock (JT701): only once the trip has arrived inside its destination office",
        params: IdParams,
        body: Strict({ tripId: Id, reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) }),
        response: withErrors({ 202: Type.Ref("DeviceCommand") }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const device = await ctx.visibleDevice(p, request.params.id);
      const trip = await ctx.store.trips.get(request.body.tripId);
      if (trip === undefined || !tripVisible(p, trip)) throw notFound("trip", request.body.tripId);
      if (!trip.devices.includes(device.id))
        throw new SealwatchError(
          "INVALID_DEFINITION",
          `body.tripId: device "${device.id}" is not on trip "${trip.id}"`,
        );
      const unlock = requireGateway(ctx, "requestUnlock");
      const command = await unlock({
        deviceId: device.id,
        tripId: trip.id,
        actor: { id: p.actor, role: p.role, offices: p.offices },
        ...(request.body.reason === undefined ? {} : { reason: request.body.reason }),
      });
      return reply.code(202).send(deviceCommandView(command));
    },
  );
}
