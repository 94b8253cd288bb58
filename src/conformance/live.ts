/**
 * A live conformance session: the kit stands in for the gateway on one port, answers the device
 * exactly as Sealwatch would (the same decoders and acknowledgements, at once, with no store
 * behind), records everything as capture events, walks the technician through the prompted steps,
 * can cut the network itself for the store-and-forward test, and finally builds the report from
 * the recorded events (so `--record` gives a capture that reproduces it).
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";
import type { NormalizedReading } from "../core/domain/reading.js";
import { encodeLoginAnswer } from "../protocols/teltonika/index.js";
import { CAPTURE_HEADER, captureLine } from "./capture-text.js";
import { openDialect } from "./dialect.js";
import { STEPS, isStepId, stepSpec, type CaptureEvent, type StepId } from "./events.js";
import { conformanceReport, type KitOptions } from "./kit.js";
import type { ConformanceReport } from "./report.js";
import type { Technician } from "./technician.js";

export interface LiveOptions extends Omit<KitOptions, "source" | "generatedAtMs"> {
  readonly port: number;
  readonly host: string;
  readonly interactive: boolean;
  readonly steps?: readonly string[];
  readonly durationS: number;
  readonly outageS?: number;
  readonly stepTimeoutS: number;
  readonly recordPath?: string;
  readonly technician: Technician;
  readonly log: (line: string) => void;
  /** The time (tests share a simulated clock with their device). */
  readonly clock?: () => number;
  /** Called once listening, with the port (tests listen on port 0, and start their device). */
  readonly onListening?: (port: number) => void | Promise<void>;
  /** Called after the steps, before the observation (tests: the device's last heartbeats). */
  readonly afterSteps?: () => Promise<void>;
  /** Ends the observation early when it resolves (tests). */
  readonly until?: Promise<void>;
}

interface Seen {
  readonly reading: NormalizedReading;
  readonly index: number;
}

/** Records events (and the capture file) and wakes whoever waits for a reading. */
class Recorder {
  readonly events: CaptureEvent[] = [];
  readonly readings: Seen[] = [];
  private readonly waiters = new Set<() => void>();
  private file: WriteStream | undefined;

  constructor(
    readonly now: () => number,
    path: string | undefined,
  ) {
    if (path !== undefined) {
      this.file = createWriteStream(path);
      this.file.write(`${CAPTURE_HEADER}\n`);
    }
  }

  record(event: CaptureEvent): void {
    this.events.push(event);
    this.file?.write(`${captureLine(event)}\n`);
  }

  saw(readings: readonly NormalizedReading[]): void {
    for (const reading of readings) this.readings.push({ reading, index: this.readings.length });
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves true once a reading from `from` on satisfies `test`, false after `timeoutMs`. */
  waitFor(
    from: number,
    test: (r: NormalizedReading) => boolean,
    timeoutMs: number,
    stop?: Promise<void>,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const check = (): boolean => this.readings.slice(from).some((s) => test(s.reading));
      if (check()) {
        resolve(true);
        return;
      }
      const done = (value: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      const wake = (): void => {
        if (check()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
      void stop?.then(() => done(false));
    });
  }

  async close(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (file !== undefined) await new Promise<void>((resolve) => file.end(resolve));
  }
}

/** What each step waits for before it ends (a step with no expectation waits for any reading). */
const STEP_EVIDENCE: Readonly<Record<StepId, (r: NormalizedReading) => boolean>> = {
  "seal-close": (r) => r.seal === "closed",
  "seal-open": (r) => r.seal === "open",
  "rope-cut": (r) => r.tamper === true,
  "back-cap": (r) => r.tamper === true,
  "gnss-off": (r) => r.position?.valid === true,
  outage: () => true,
};

interface Listener {
  readonly port: number;
  /** Cuts the device off (drops its connections, refuses new ones) or lets it back. */
  setBlocked(blocked: boolean): void;
  close(): Promise<void>;
}

function tcpListener(options: LiveOptions, rec: Recorder): Promise<Listener> {
  const sockets = new Set<Socket>();
  let blocked = false;
  const server: Server = createServer((socket) => {
    if (blocked) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    const dialect = openDialect(options.protocol, options);
    rec.record({ kind: "connection", phase: "open", atMs: rec.now() });
    const answer = (bytes: Uint8Array): void => {
      rec.record({ kind: "bytes", direction: "server", atMs: rec.now(), bytes });
      socket.write(bytes);
    };
    socket.on("data", (chunk: Buffer) => {
      const atMs = rec.now();
      rec.record({ kind: "bytes", direction: "device", atMs, bytes: Uint8Array.from(chunk) });
      for (const out of dialect.push(chunk)) {
        if (out.kind !== "frame") continue;
        const outcome = dialect.decode(out.frame, atMs);
        if (outcome.kind !== "readings") continue;
        if (options.protocol === "teltonika" && outcome.identity !== undefined)
          answer(
            encodeLoginAnswer(options.expectedId === undefined || outcome.identity === options.expectedId),
          );
        if (outcome.ack !== undefined) answer(outcome.ack);
        rec.saw(outcome.readings);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      sockets.delete(socket);
      rec.record({ kind: "connection", phase: "close", atMs: rec.now() });
    });
  });
  return listen(server, options, {
    setBlocked(value) {
      blocked = value;
      if (value) for (const s of sockets) s.destroy();
    },
    close: () => closeServer(server, sockets),
  });
}

function httpListener(options: LiveOptions, rec: Recorder): Promise<Listener> {
  let blocked = false;
  const dialect = openDialect("http", options);
  const server: HttpServer = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 1 << 20) chunks.push(c);
    });
    req.on("end", () => {
      if (blocked) {
        res
          .writeHead(503, { "content-type": "application/json" })
          .end('{"code":"UNAVAILABLE","message":"network cut by the conformance kit"}');
        return;
      }
      if (req.method !== "POST" || size > 1 << 20) {
        res.writeHead(req.method !== "POST" ? 405 : 413).end();
        return;
      }
      const atMs = rec.now();
      const body = Uint8Array.from(Buffer.concat(chunks));
      rec.record({ kind: "bytes", direction: "device", atMs, bytes: body });
      const outcome = dialect.decode(body, atMs);
      if (outcome.kind === "readings") rec.saw(outcome.readings);
      res.writeHead(outcome.kind === "readings" ? 200 : 400, { "content-type": "application/json" });
      res.end(
        JSON.stringify(outcome.kind === "readings" ? { stored: outcome.readings.length } : outcome.rejection),
      );
    });
  });
  return listen(server, options, {
    setBlocked: (value) => void (blocked = value),
    close: () => closeServer(server, new Set()),
  });
}

async function mqttListener(options: LiveOptions, rec: Recorder): Promise<Listener> {
  let blocked = false;
  const dialect = openDialect("mqtt", options);
  const broker = await Aedes.createBroker({
    authenticate: (_client, _user, _password, callback) => callback(null, !blocked),
    authorizePublish(client, packet, callback) {
      if (client === null || blocked) {
        callback(new Error("network cut by the conformance kit"));
        return;
      }
      const atMs = rec.now();
      const body = Uint8Array.from(packet.payload as Buffer);
      rec.record({ kind: "bytes", direction: "device", atMs, bytes: body });
      const outcome = dialect.decode(body, atMs);
      if (outcome.kind === "readings") rec.saw(outcome.readings);
      callback(null);
    },
    authorizeSubscribe: (_client, _subscription, callback) => callback(null, null),
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  return listen(server, options, {
    setBlocked(value) {
      blocked = value;
      if (value) for (const s of sockets) s.destroy();
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closeServer(server, sockets);
    },
  });
}

async function listen(
  server: Server | HttpServer,
  options: LiveOptions,
  rest: Omit<Listener, "port">,
): Promise<Listener> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return { port, ...rest };
}

async function closeServer(server: Server | HttpServer, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  if ("closeAllConnections" in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The steps to prompt: those asked for (or all), that the protocol's devices can show. */
export function plannedSteps(options: Pick<LiveOptions, "protocol" | "steps">): StepId[] {
  const asked = options.steps ?? STEPS.map((s) => s.id);
  const unknown = asked.filter((s) => !isStepId(s));
  if (unknown.length > 0) throw new Error(`unknown step(s): ${unknown.join(", ")}`);
  return (asked as StepId[]).filter((id) => stepSpec(id).protocols.includes(options.protocol));
}

const sleep = (ms: number, stop?: Promise<void>): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void stop?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Runs a live session and returns its report. */
export async function runLive(options: LiveOptions): Promise<ConformanceReport> {
  const now = options.clock ?? Date.now;
  const rec = new Recorder(now, options.recordPath);
  const steps = options.interactive ? plannedSteps(options) : [];
  const open =
    options.protocol === "http" ? httpListener : options.protocol === "mqtt" ? mqttListener : tcpListener;
  const listener = await open(options, rec);
  await options.onListening?.(listener.port);
  const timeoutMs = options.stepTimeoutS * 1000;
  const stop = options.until;
  try {
    options.log(
      `Listening on ${options.host}:${listener.port} (${options.protocol}); waiting for the device to report.`,
    );
    const came = await rec.waitFor(
      0,
      () => true,
      options.interactive ? timeoutMs * 5 : options.durationS * 1000,
      stop,
    );
    if (!came) options.log("No reading came from the device.");
    for (const [i, id] of steps.entries()) {
      const from = rec.readings.length;
      rec.record({ kind: "step", step: id, phase: "begin", atMs: now() });
      await options.technician.perform(stepSpec(id), i + 1, steps.length);
      const ok = await rec.waitFor(from, id === "gnss-off" ? () => true : STEP_EVIDENCE[id], timeoutMs, stop);
      if (!ok) options.log(`${id}: nothing came within ${options.stepTimeoutS} s.`);
      rec.record({ kind: "step", step: id, phase: "end", atMs: now() });
    }
    if (options.outageS !== undefined) {
      options.log(`Cutting the network for ${options.outageS} s (store-and-forward test).`);
      rec.record({ kind: "step", step: "outage", phase: "begin", atMs: now() });
      listener.setBlocked(true);
      await sleep(options.outageS * 1000, stop);
      listener.setBlocked(false);
      const from = rec.readings.length;
      await rec.waitFor(from, () => true, timeoutMs, stop);
      rec.record({ kind: "step", step: "outage", phase: "end", atMs: now() });
    }
    await options.afterSteps?.();
    if (options.durationS > 0 && stop === undefined) {
      options.log(`Observing for ${options.durationS} s.`);
      await sleep(options.durationS * 1000);
    } else if (stop !== undefined) await stop;
  } finally {
    await listener.close();
    await rec.close();
  }
  return conformanceReport(rec.events, {
    ...options,
    source: `live on port ${listener.port}`,
    generatedAtMs: now(),
  });
}
