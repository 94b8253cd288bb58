/**
 * What the API tests share: an app built in-process on a temp-dir SQLite store, an engine host on a
 * manual clock, the device gateway's real pieces (no listeners), a registry (offices, companies,
 * devices) created through the API, one logged-in caller per role, and helpers that bring trips and
 * alarms to the state a test needs.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse as InjectResponse } from "fastify";
import type { DestinationStream } from "pino";
import { buildApp, type ApiApp, type ApiRoute } from "../../src/api/app.js";
import type { ApiContext } from "../../src/api/context.js";
import { ensureAdmin } from "../../src/api/seed.js";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config, ConfigName } from "../../src/config/schema.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { Federation } from "../../src/federation/federation.js";
import { Gateway } from "../../src/gateway/gateway.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { MonitorHost } from "../../src/monitor/host.js";
import { createLogger } from "../../src/server/logger.js";
import { apiGatewayOf } from "../../src/server/gateway-adapter.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import type { AlarmRecord, Role } from "../../src/store/ports.js";
import type {
  alarmActionView,
  alarmView,
  auditView,
  deviceView,
  tripView,
  userView,
  zoneView,
} from "../../src/api/views.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";

export const PASSWORD = "correct horse battery staple";
/** 2025-06-10T08:00:00Z: the harness clock starts here. */
export const T0 = Date.UTC(2025, 5, 10, 8, 0, 0);

/** A Nairobi → Mombasa-like corridor: two offices 80 km apart, a third far away. */
export const ORIGIN: LonLat = [36.9, -1.3];
export const MIDWAY: LonLat = [37.25, -1.45];
export const DESTINATION: LonLat = [37.6, -1.6];
export const FARAWAY: LonLat = [39.66, -4.05];

/** Who calls: each role, a second officer (other office) and a second trader (other company). */
export type Caller = Role | "officer2" | "trader2";
export { ROLES } from "../../src/store/ports.js";

export function officeFeature(id: string, center: LonLat, officeCode: string, unLocode?: string) {
  return {
    type: "Feature",
    id,
    geometry: { type: "Point", coordinates: [...center] },
    properties: {
      kind: "office",
      name: id,
      officeCode,
      ...(unLocode === undefined ? {} : { unLocode }),
      radiusM: 3000,
    },
  };
}

/** An injected response whose JSON is read with the type the test expects. */
export type ApiResponse = Omit<InjectResponse, "json"> & { json<T = unknown>(): T };

export type TripJson = ReturnType<typeof tripView>;
export type AlarmJson = ReturnType<typeof alarmView>;
export type ActionJson = ReturnType<typeof alarmActionView>;
export type ZoneJson = ReturnType<typeof zoneView>;
export type DeviceJson = ReturnType<typeof deviceView>;
export type AuditJson = ReturnType<typeof auditView>;
export type UserJson = ReturnType<typeof userView>;
export interface Items<T> {
  readonly items: T[];
  readonly limit?: number;
  readonly offset?: number;
  readonly nextAfterSeq?: number;
}
export interface CommandJson {
  readonly accepted: true;
  readonly seq: number;
  readonly trip: TripJson;
}
export interface AlarmDetailJson {
  readonly alarm: AlarmJson;
  readonly actions: ActionJson[];
}
export interface TimelineEntryJson {
  readonly at: string;
  readonly kind: "reading" | "alarm" | "transition" | "action";
  readonly action?: string;
  readonly actor?: string;
  readonly details?: unknown;
}
export interface LoginJson {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: UserJson;
}
export interface KeyJson {
  readonly key: { readonly keyId: string; readonly retiredAt?: string };
  readonly secret: string;
}
export interface TrackJson {
  readonly type: "FeatureCollection";
  readonly features: {
    readonly geometry: { readonly type: "LineString"; readonly coordinates: number[][] };
    readonly properties: { readonly deviceId: string; readonly tripId: string; readonly times: string[] };
  }[];
}

export interface Harness {
  readonly dir: string;
  readonly config: Config;
  readonly store: OpenedStore;
  readonly host: MonitorHost;
  readonly bus: MemoryLiveBus;
  readonly clock: ManualClock;
  readonly app: ApiApp;
  readonly context: ApiContext;
  readonly routes: readonly ApiRoute[];
  readonly gateway: Gateway;
  readonly federation: Federation;
  readonly tokens: Readonly<Record<Caller, string>>;
  request(
    method: string,
    url: string,
    options?: { as?: Caller; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
  /** A new device of `companyId` (in use), registered through the API. */
  newDevice(companyId?: string): Promise<string>;
  /** A new trip of `companyId` brought to `stage` by device readings and host commands. */
  newTrip(options?: { companyId?: string; stage?: TripStage }): Promise<{ tripId: string; deviceId: string }>;
  /** A new armed trip with a tamper alarm; returns the alarm. */
  newAlarm(companyId?: string): Promise<{ tripId: string; deviceId: string; alarm: AlarmRecord }>;
  /** A reading from the device now (clock time), applied before it resolves; the clock then moves 1 s. */
  reading(
    deviceId: string,
    at: LonLat,
    fields?: { seal?: "closed" | "open"; tamper?: boolean; batteryPct?: number },
  ): Promise<void>;
  close(): Promise<void>;
}

export type TripStage = "declared" | "armed" | "in_transit" | "arrived";

export interface HarnessOptions {
  readonly busCapacity?: number;
  /** Where the server's log lines go (silent unless SEALWATCH_TEST_LOG=1 when absent). */
  readonly logs?: DestinationStream;
  /** The store to use (a PostgreSQL URL, say); a SQLite file in the temp dir by default. */
  readonly storeUrl?: string;
  /** Fills the store before the engine host opens on it (a replayed scenario, say). */
  readonly beforeHost?: (store: OpenedStore) => Promise<void>;
  /** The callers to create besides the administrator (all by default; each costs a password hash). */
  readonly callers?: readonly Caller[];
}

export async function createHarness(
  overrides: Partial<Record<ConfigName, unknown>> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-api-"));
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir: dir,
      httpHost: "127.0.0.1",
      httpPort: 0,
      adminPassword: PASSWORD,
      loginRateLimitPerMin: 10_000,
      jt701Enabled: false,
      teltonikaEnabled: false,
      mqttEnabled: false,
      deviceHost: "127.0.0.1",
      jt701Port: 0,
      teltonikaPort: 0,
      mqttPort: 0,
      ...overrides,
    },
  });
  const clock = new ManualClock(T0);
  const store = await openStore({ url: options.storeUrl ?? join(dir, "sealwatch.db") });
  await options.beforeHost?.(store);
  const writer = new ReadingWriter(store.readings, { maxDelayMs: 1 });
  const bus = new MemoryLiveBus(options.busCapacity ?? 10_000);
  const host = await MonitorHost.open({ store, log: writer, bus, clock });
  const logger =
    options.logs === undefined
      ? createLogger(process.env.SEALWATCH_TEST_LOG === "1" ? "debug" : "silent")
      : createLogger("debug", options.logs);
  await ensureAdmin(store, config, clock, logger);
  const masterKey = randomBytes(32);
  const gateway = await Gateway.start({
    sink: host,
    store,
    config,
    masterKey,
    nowMs: () => clock.nowMs(),
  });
  const federation = await Federation.start({ store, config, masterKey, nowMs: () => clock.nowMs() });
  const { app, context, routes } = await buildApp({
    store,
    host,
    bus,
    config,
    clock,
    logger,
    writerQueued: () => writer.queued,
    gateway: apiGatewayOf(gateway, store, config),
    federation,
    masterKey,
  });

  const request: Harness["request"] = (method, url, options = {}) => {
    const token = options.token ?? (options.as === undefined ? undefined : tokens[options.as]);
    return app.inject({
      method: method as "GET",
      url,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(options.headers ?? {}),
      },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
  };
  const asAdmin = async (method: string, url: string, body?: unknown): Promise<ApiResponse> => {
    const response = await request(method, url, { token: tokens.admin, body });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response;
  };

  const tokens = {} as Record<Caller, string>;
  const login = async (username: string): Promise<string> => {
    const response = await request("POST", "/api/v1/auth/login", { body: { username, password: PASSWORD } });
    if (response.statusCode !== 200) throw new Error(`login ${username}: ${response.body}`);
    return response.json<{ token: string }>().token;
  };
  tokens.admin = await login("admin");
  await asAdmin("POST", "/api/v1/zones", officeFeature("OFF-ORIGIN", ORIGIN, "KE000001", "KENBO"));
  await asAdmin("POST", "/api/v1/zones", officeFeature("OFF-DEST", DESTINATION, "KE000002"));
  await asAdmin("POST", "/api/v1/zones", officeFeature("OFF-FAR", FARAWAY, "KE000003", "KEMBA"));
  await asAdmin("POST", "/api/v1/companies", {
    id: "ACME",
    name: "Acme Freight",
    kind: "trader",
    country: "KE",
  });
  await asAdmin("POST", "/api/v1/companies", {
    id: "OTHER",
    name: "Other Haulage",
    kind: "carrier",
    country: "UG",
  });
  const users: [Caller, Role, object][] = [
    ["supervisor", "supervisor", {}],
    ["officer", "officer", { offices: ["OFF-ORIGIN", "OFF-DEST"] }],
    ["operator", "operator", {}],
    ["trader", "trader", { companyId: "ACME" }],
    ["officer2", "officer", { offices: ["OFF-FAR"] }],
    ["trader2", "trader", { companyId: "OTHER" }],
    ["instructor", "instructor", {}],
  ];
  for (const [caller, role, scope] of users) {
    if (options.callers !== undefined && !options.callers.includes(caller)) continue;
    await asAdmin("POST", "/api/v1/users", { username: caller, password: PASSWORD, role, ...scope });
    tokens[caller] = await login(caller);
  }
  const key = await asAdmin("POST", "/api/v1/api-keys", { name: "reader gateway", role: "gateway" });
  tokens.gateway = key.json<{ token: string }>().token;

  let devices = 0;
  const newDevice: Harness["newDevice"] = async (companyId = "ACME") => {
    devices++;
    const id = `ELK-${devices}`;
    await asAdmin("POST", "/api/v1/devices", {
      id,
      class: "active",
      vendor: "Jointech",
      model: "JT701",
      protocol: "jt701",
      identifiers: [`80433966${String(devices).padStart(2, "0")}`],
      reportIntervalS: 300,
      companyId,
    });
    return id;
  };

  const reading: Harness["reading"] = async (deviceId, at, fields = {}) => {
    await host.submitReading({
      deviceId,
      kind: "message",
      atMs: clock.nowMs(),
      lon: at[0],
      lat: at[1],
      speedKmh: 40,
      courseDeg: 90,
      valid: true,
      seal: fields.seal ?? "closed",
      ...(fields.tamper === undefined ? {} : { tamper: fields.tamper }),
      ...(fields.batteryPct === undefined ? {} : { batteryPct: fields.batteryPct }),
      protocol: "test",
      raw: new Uint8Array(),
    });
    await host.idle();
    clock.advance(1000);
  };

  let trips = 0;
  const newTrip: Harness["newTrip"] = async ({ companyId = "ACME", stage = "declared" } = {}) => {
    trips++;
    const deviceId = await newDevice(companyId);
    const tripId = `TRIP-${trips}`;
    await asAdmin("POST", "/api/v1/trips", {
      id: tripId,
      origin: "OFF-ORIGIN",
      destination: "OFF-DEST",
      route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
      deadline: new Date(clock.nowMs() + 2 * 86_400_000).toISOString(),
      devices: [deviceId],
      companyId,
      containers: ["CSQU3054383"],
    });
    if (stage === "declared") return { tripId, deviceId };
    await reading(deviceId, ORIGIN);
    const armed = await host.command({ tripId, command: "arm", actor: "user:test" });
    if (!armed.accepted) throw new Error(`arm ${tripId}: ${armed.refusal}`);
    clock.advance(1000);
    if (stage === "armed") return { tripId, deviceId };
    await reading(deviceId, MIDWAY);
    if (stage === "in_transit") return { tripId, deviceId };
    await reading(deviceId, DESTINATION);
    return { tripId, deviceId };
  };

  const newAlarm: Harness["newAlarm"] = async (companyId = "ACME") => {
    const { tripId, deviceId } = await newTrip({ companyId, stage: "in_transit" });
    await reading(deviceId, MIDWAY, { tamper: true });
    const alarm = (await store.alarms.forTrip(tripId)).find((a) => a.type === "tamper");
    if (alarm === undefined) throw new Error(`no tamper alarm on ${tripId}`);
    return { tripId, deviceId, alarm };
  };

  return {
    dir,
    config,
    store,
    host,
    bus,
    clock,
    app,
    context,
    routes,
    gateway,
    federation,
    tokens,
    request,
    newDevice,
    newTrip,
    newAlarm,
    reading,
    async close() {
      await app.close();
      await gateway.stop();
      await host.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error body every failure has. */
export interface ErrorJson {
  readonly code: string;
  readonly message: string;
  readonly statusCode: number;
}
