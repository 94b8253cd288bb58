/**
 * The device gateway (src/gateway) as the API sees it: its HTTP ingest routes, its device keys, the
 * remote unlock, its counters, and the cache it must drop when the registry changes.
 */
import type { ApiGateway } from "../api/deps.js";
import type { Config } from "../config/schema.js";
import { SealwatchError, type ErrorCode } from "../core/errors.js";
import type { UnlockRefusal } from "../gateway/commands/device-commands.js";
import type { Gateway } from "../gateway/gateway.js";
import { ingestRoutes } from "../gateway/http/ingest-routes.js";
import type { DeviceKeyRecord, Store } from "../store/ports.js";

const REFUSAL_CODES: Readonly<Record<UnlockRefusal, ErrorCode>> = {
  not_an_officer: "FORBIDDEN",
  not_officers_office: "FORBIDDEN",
  unknown_device: "NOT_FOUND",
  not_an_elock: "COMMAND_REFUSED",
  device_retired: "DEVICE_UNAVAILABLE",
  no_trip: "COMMAND_REFUSED",
  trip_not_arrived: "COMMAND_REFUSED",
  no_fix: "COMMAND_REFUSED",
  fix_before_arrival: "COMMAND_REFUSED",
  fix_outside_destination: "COMMAND_REFUSED",
  invalid_password: "COMMAND_REFUSED",
};

function keyInfo(record: DeviceKeyRecord) {
  return {
    deviceId: record.deviceId,
    keyId: record.keyId,
    algorithm: record.algorithm,
    createdAtMs: record.createdAtMs,
    ...(record.retiredAtMs === undefined ? {} : { retiredAtMs: record.retiredAtMs }),
    lastCounter: record.lastCounter,
  };
}

export function apiGatewayOf(
  gateway: Gateway,
  store: Store,
  config: Pick<Config, "ingestBodyLimitBytes">,
): ApiGateway {
  const { context } = gateway;
  return {
    ingestRoutes: async (app) => {
      await app.register(ingestRoutes, {
        sink: context.sink,
        store,
        context,
        bodyLimitBytes: config.ingestBodyLimitBytes,
        // The API authenticated the caller (the "ingest" permission) before the route runs.
        authenticateGateway: (request) =>
          Promise.resolve(request.principal === undefined ? undefined : { id: request.principal.actor }),
      });
    },
    keys: {
      list: async (deviceId) => (await store.devices.keys(deviceId)).map(keyInfo),
      issue: async (deviceId, algorithm) => {
        const issued = await context.keys.rotateKey(deviceId, { algorithm });
        const record = (await store.devices.keys(deviceId)).find((k) => k.keyId === issued.keyId);
        if (record === undefined)
          throw new SealwatchError("STORE_FAILED", `key ${issued.keyId} was not stored`);
        return { ...keyInfo(record), secret: issued.secret };
      },
      retire: async (deviceId, keyId) => {
        const record = (await store.devices.keys(deviceId)).find((k) => k.keyId === keyId);
        if (record === undefined) return false;
        if (record.retiredAtMs === undefined) await context.keys.retireKey(deviceId, keyId);
        return true;
      },
    },
    requestUnlock: async (request) => {
      const result = await gateway.requestUnlock({
        deviceId: request.deviceId,
        tripId: request.tripId,
        actor: { id: request.actor.id, role: request.actor.role, offices: request.actor.offices },
        ...(request.reason === undefined ? {} : { reason: request.reason }),
      });
      if (result.kind === "refused") throw new SealwatchError(REFUSAL_CODES[result.reason], result.message);
      return result.command;
    },
    rejections: () => gateway.snapshot().rejected,
    deviceChanged: (deviceId) => gateway.deviceChanged(deviceId),
  };
}
