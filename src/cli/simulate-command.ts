/**
 * `sealwatch simulate`: a seeded simulated fleet against any running Sealwatch. Officers declare,
 * arm and disarm the trips through the API; the devices report over the device protocols to the
 * server's gateway ports (JT701 and Teltonika over TCP, MQTT, HTTP ingest).
 */
import { parseArgs } from "node:util";
import { readCredentialsFile, type DemoCredentials, type DemoUser } from "../demo/credentials.js";
import { ApiClient, type Credentials } from "../sim/api-client.js";
import {
  issueIngestKey,
  provisionDevices,
  provisionReferenceData,
  releaseDevices,
} from "../sim/provision.js";
import { Simulator, type SimEndpoints } from "../sim/simulator.js";
import { UsageError, type Command } from "./command.js";

const HELP = `Usage: sealwatch simulate --server URL [--seed N] [--vehicles N] [options]

Runs a simulated fleet of sealed conveyances against a running Sealwatch, until SIGINT or SIGTERM
(or --duration). The same seed gives the same fleet, trips and incidents. Every conveyance runs
its corridor (Thailand, Hong Kong, Kenya, Slovakia) again and again: an officer declares and arms
the trip through the API, the device reports every 2-5 s over its own protocol to the server's
gateway, an officer disarms it on arrival. Incidents: route deviation, unauthorized stop, tamper,
opening outside an office, signal loss then a store-and-forward backlog, low battery, overdue.

With an administrator's credentials the simulator first puts in what it needs: the companies,
the corridors' offices, the devices (with new signing keys for MQTT and HTTP devices) and, unless
given one, an API key for the HTTP gateway. It ends trips its devices left open in an earlier run.

Who acts:
  --credentials FILE   accounts as the demo writes them (DIR/demo-credentials.json): the admin
                       provisions, each office's officer declares, arms and disarms there
  --admin USER:PASS    the administrator (provisioning)
  --officer USER:PASS  an officer or supervisor acting at every office (when the file has none)
  --ingest-key TOKEN   API key (role gateway) for HTTP ingest; issued by the admin when absent
  --no-provision       skip provisioning (the devices must exist; MQTT/HTTP devices then stay parked)

Where the devices connect (default: the server's host and the default ports):
  --device-host HOST   host of the device listeners
  --jt701-port N       Jointech listener (default 5010)
  --teltonika-port N   Teltonika listener (default 5027)
  --mqtt-url URL       MQTT broker (default mqtt://HOST:1884)
  --no-jt701, --no-teltonika, --no-mqtt, --no-http   leave that transport out

Other options:
  --seed N             seed (default 1)
  --vehicles N         fleet size (default 50)
  --duration S         stop after S seconds
  -h, --help           show this help

Exit codes: 0 stopped, 1 setup failed (server unreachable, login refused), 2 usage error.`;

function userPass(value: string | undefined, flag: string): Credentials | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(":");
  if (colon <= 0) throw new UsageError(`${flag} is USER:PASSWORD`, HELP);
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`, HELP);
  return n;
}

export const simulateCommand: Command = {
  name: "simulate",
  summary: "run a seeded simulated fleet against a running server",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        server: { type: "string" },
        seed: { type: "string" },
        vehicles: { type: "string" },
        credentials: { type: "string" },
        admin: { type: "string" },
        officer: { type: "string" },
        "ingest-key": { type: "string" },
        "no-provision": { type: "boolean", default: false },
        "device-host": { type: "string" },
        "jt701-port": { type: "string" },
        "teltonika-port": { type: "string" },
        "mqtt-url": { type: "string" },
        "no-jt701": { type: "boolean", default: false },
        "no-teltonika": { type: "boolean", default: false },
        "no-mqtt": { type: "boolean", default: false },
        "no-http": { type: "boolean", default: false },
        duration: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("simulate takes no arguments", HELP);
    if (values.server === undefined) throw new UsageError("--server URL is required", HELP);
    let server: URL;
    try {
      server = new URL(values.server);
    } catch {
      throw new UsageError(`--server "${values.server}" is not a URL`, HELP);
    }
    const seed = integer(values.seed, "seed", 1, 0, 2 ** 31 - 1);
    const vehicles = integer(values.vehicles, "vehicles", 50, 1, 10_000);
    const durationS =
      values.duration === undefined ? undefined : integer(values.duration, "duration", 0, 1, 30 * 86_400);
    let file: DemoCredentials | undefined;
    if (values.credentials !== undefined) {
      try {
        file = readCredentialsFile(values.credentials);
      } catch (error) {
        io.err(`sealwatch simulate: ${(error as Error).message}`);
        return 1;
      }
    }
    const pick = (role: DemoUser["role"]) => file?.users.find((u) => u.role === role);
    const adminCredentials = userPass(values.admin, "--admin") ?? pick("admin");
    const officerCredentials = userPass(values.officer, "--officer") ?? pick("supervisor");
    const baseUrl = server.origin;
    const admin = adminCredentials === undefined ? undefined : new ApiClient(baseUrl, adminCredentials);
    const everywhere = officerCredentials === undefined ? admin : new ApiClient(baseUrl, officerCredentials);
    if (everywhere === undefined)
      throw new UsageError(
        "give --credentials, --officer or --admin: someone must declare and arm trips",
        HELP,
      );
    const officers = new Map<string, ApiClient>();
    for (const user of file?.users ?? []) {
      if (user.role !== "officer") continue;
      const client = new ApiClient(baseUrl, user);
      for (const office of user.offices ?? []) officers.set(office, client);
    }
    const say = {
      info: (m: string) => io.out(`[simulate] ${m}`),
      warn: (m: string) => io.err(`[simulate] ${m}`),
    };
    const host = values["device-host"] ?? server.hostname;
    const planned = new Simulator({
      seed,
      vehicles,
      endpoints: {},
      officerAt: () => everywhere,
      deviceKeys: new Map(),
      logger: say,
    });
    let deviceKeys = new Map<string, { keyId: string; secret: Buffer }>();
    let ingestKey = values["ingest-key"] ?? file?.gatewayApiKey;
    try {
      if (values["no-provision"] !== true) {
        if (admin === undefined)
          throw new UsageError(
            "provisioning needs an administrator (--admin or --credentials); or pass --no-provision",
            HELP,
          );
        await provisionReferenceData(admin);
        deviceKeys = await provisionDevices(admin, planned.fleet);
        if (ingestKey === undefined && values["no-http"] !== true)
          ingestKey = await issueIngestKey(admin, `simulator seed ${seed}`);
        say.info(`provisioned ${planned.fleet.length} devices, ${deviceKeys.size} signing keys`);
      }
      const released = await releaseDevices(admin ?? everywhere, planned.fleet, say.warn);
      if (released > 0) say.info(`ended ${released} trips left open by an earlier run`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.err(`sealwatch simulate: setup failed: ${(error as Error).message}`);
      return 1;
    }
    const endpoints: SimEndpoints = {
      ...(values["no-jt701"] === true
        ? {}
        : { jt701: { host, port: integer(values["jt701-port"], "jt701-port", 5010, 1, 65_535) } }),
      ...(values["no-teltonika"] === true
        ? {}
        : {
            teltonika: { host, port: integer(values["teltonika-port"], "teltonika-port", 5027, 1, 65_535) },
          }),
      ...(values["no-mqtt"] === true ? {} : { mqttUrl: values["mqtt-url"] ?? `mqtt://${host}:1884` }),
      ...(values["no-http"] === true || ingestKey === undefined
        ? {}
        : { http: { baseUrl, token: ingestKey } }),
    };
    const simulator = new Simulator({
      seed,
      vehicles,
      endpoints,
      officerAt: (office) => officers.get(office) ?? everywhere,
      deviceKeys,
      logger: say,
    });
    simulator.start();
    say.info(`${simulator.stats.vehicles} conveyances under way against ${baseUrl} (seed ${seed})`);
    for (const line of simulator.describe()) say.info(line);
    const report = setInterval(() => {
      const s = simulator.stats;
      say.info(
        `${s.readingsSent} readings sent · ${s.tripsArmed} trips armed · ${s.tripsClosed} closed · ${s.linkFailures} link failures`,
      );
    }, 30_000);
    report.unref();
    await new Promise<void>((done) => {
      const finish = (): void => {
        clearTimeout(timer);
        process.removeListener("SIGINT", finish);
        process.removeListener("SIGTERM", finish);
        done();
      };
      const timer = setTimeout(finish, (durationS ?? 2 ** 31 / 1000 - 1) * 1000);
      if (durationS === undefined) timer.unref();
      process.once("SIGINT", finish);
      process.once("SIGTERM", finish);
    });
    clearInterval(report);
    await simulator.stop();
    const s = simulator.stats;
    say.info(
      `stopped: ${s.readingsSent} readings sent, ${s.tripsArmed} trips armed, ${s.tripsClosed} closed`,
    );
    return 0;
  },
};
