/**
 * The whole product on the embedded defaults, with people and traffic: `startDemo` starts the server
 * (SQLite in the demo's data folder, the in-process bus, the embedded MQTT broker, the device
 * listeners on free ports), seeds an account for every role, the corridors' offices and rest areas,
 * the companies, the devices and an HTTP gateway key through the API, then sets the simulated fleet
 * going over the real device protocols.
 */
import { mkdirSync } from "node:fs";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { startServer, type RunningServer } from "../server/server.js";
import { ApiCallError, ApiClient } from "../sim/api-client.js";
import {
  issueIngestKey,
  provisionDevices,
  provisionReferenceData,
  releaseDevices,
} from "../sim/provision.js";
import { Simulator, type SimLogger } from "../sim/simulator.js";
import { loadOrCreateCredentials, saveCredentials, type DemoCredentials } from "./credentials.js";
import { provisionNotifications, startMailbox, type Mailbox } from "./mailbox.js";

export interface DemoOptions {
  /** The configuration, with the demo's choices already applied (see demoConfigOverrides). */
  readonly config: Config;
  readonly logger: Logger;
  readonly seed: number;
  readonly vehicles: number;
  /** Say what is happening (human lines). */
  readonly say: SimLogger;
  /** Do not start the simulated fleet (accounts and reference data only). */
  readonly noFleet?: boolean;
}

export interface RunningDemo {
  readonly server: RunningServer;
  readonly credentials: DemoCredentials;
  readonly simulator: Simulator | undefined;
  readonly url: string;
  stop(): Promise<void>;
}

/** The settings the demo chooses (the environment and a config file still win). */
export function demoConfigOverrides(dataDir: string): Partial<Record<keyof Config, unknown>> {
  return {
    dataDir,
    deviceHost: "127.0.0.1",
    jt701Port: 0,
    teltonikaPort: 0,
    mqttPort: 0,
    // The simulator and the browser log in from this machine many times a minute.
    loginRateLimitPerMin: 600,
    ingestRateLimitPerMin: 120_000,
  };
}

async function ensureUsers(admin: ApiClient, credentials: DemoCredentials): Promise<number> {
  const existing = new Set(
    (await admin.get<{ items: { username: string }[] }>("/users")).items.map((u) => u.username.toLowerCase()),
  );
  let created = 0;
  for (const user of credentials.users) {
    if (existing.has(user.username.toLowerCase())) continue;
    await admin.post("/users", {
      username: user.username,
      displayName: user.displayName,
      password: user.password,
      role: user.role,
      ...(user.offices === undefined ? {} : { offices: user.offices }),
      ...(user.companyId === undefined ? {} : { companyId: user.companyId }),
    });
    created++;
  }
  return created;
}

async function keyWorks(baseUrl: string, token: string): Promise<boolean> {
  try {
    await new ApiClient(baseUrl, { token }).get("/auth/me");
    return true;
  } catch (error) {
    if (error instanceof ApiCallError && error.status === 401) return false;
    throw error;
  }
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { config, logger, say } = options;
  mkdirSync(config.dataDir, { recursive: true });
  let credentials = loadOrCreateCredentials(config.dataDir);
  const adminUser = credentials.users.find((u) => u.role === "admin")!;
  // Alarm e-mails go to a local mailbox unless an SMTP server was configured.
  const mailbox: Mailbox | undefined =
    config.smtpUrl === undefined ? await startMailbox(config.dataDir) : undefined;
  const server = await startServer({
    config: {
      ...config,
      adminUsername: adminUser.username,
      adminPassword: adminUser.password,
      ...(mailbox === undefined ? {} : { smtpUrl: `smtp://127.0.0.1:${mailbox.port}` }),
    },
    logger,
  }).catch(async (error: unknown) => {
    await mailbox?.stop();
    throw error;
  });
  try {
    const admin = new ApiClient(server.url, adminUser);
    await provisionReferenceData(admin);
    const created = await ensureUsers(admin, credentials);
    if (created > 0) say.info(`created ${created} demo accounts`);
    await provisionNotifications(server.url, credentials);
    if (mailbox !== undefined) say.info(`alarm e-mails arrive in ${mailbox.folder} (index.txt lists them)`);
    if (credentials.gatewayApiKey === undefined || !(await keyWorks(server.url, credentials.gatewayApiKey))) {
      credentials = { ...credentials, gatewayApiKey: await issueIngestKey(admin, "demo HTTP gateway") };
      saveCredentials(config.dataDir, credentials);
    }
    let simulator: Simulator | undefined;
    if (options.noFleet !== true) {
      const officers = new Map<string, ApiClient>();
      for (const user of credentials.users) {
        if (user.role !== "officer") continue;
        const client = new ApiClient(server.url, user);
        for (const office of user.offices ?? []) officers.set(office, client);
      }
      const supervisorUser = credentials.users.find((u) => u.role === "supervisor") ?? adminUser;
      const supervisor = new ApiClient(server.url, supervisorUser);
      const planned = new Simulator({
        seed: options.seed,
        vehicles: options.vehicles,
        endpoints: {},
        officerAt: () => supervisor,
        deviceKeys: new Map(),
        logger: say,
      });
      const released = await releaseDevices(admin, planned.fleet, (m) => say.warn(m));
      if (released > 0) say.info(`ended ${released} trips left open by the previous run`);
      const deviceKeys = await provisionDevices(admin, planned.fleet);
      const { ports } = server;
      simulator = new Simulator({
        seed: options.seed,
        vehicles: options.vehicles,
        endpoints: {
          ...(ports.jt701 === undefined ? {} : { jt701: { host: "127.0.0.1", port: ports.jt701 } }),
          ...(ports.teltonika === undefined
            ? {}
            : { teltonika: { host: "127.0.0.1", port: ports.teltonika } }),
          ...(ports.mqtt === undefined ? {} : { mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}` }),
          http: { baseUrl: server.url, token: credentials.gatewayApiKey! },
        },
        officerAt: (office) => officers.get(office) ?? supervisor,
        deviceKeys,
        logger: say,
      });
      simulator.start();
    }
    const running = simulator;
    let stopping: Promise<void> | undefined;
    return {
      server,
      credentials,
      simulator,
      url: server.url,
      stop: () =>
        (stopping ??= (async () => {
          await running?.stop();
          await server.close();
          await mailbox?.stop();
        })()),
    };
  } catch (error) {
    await server.close();
    await mailbox?.stop();
    throw error;
  }
}
