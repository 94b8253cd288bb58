/**
 * What the gateway tests share: a temp-dir SQLite store with an engine host and a gateway on free
 * ports, a registry to declare, device clients over real TCP, and sinks that hold or fail writes.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { loadConfig } from "../../src/config/load.js";
import type { DeviceClass } from "../../src/core/domain/model.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { Gateway, type GatewayConfig } from "../../src/gateway/gateway.js";
import type { GatewayLogger } from "../../src/gateway/logger.js";
import type { IncomingReading, ReadingSink, SubmitResult } from "../../src/gateway/sink.js";
import { monotonic, systemClock, type Clock } from "../../src/monitor/clock.js";
import { MonitorHost } from "../../src/monitor/host.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import type { DeviceRecord, TripRecord, ZoneRecord } from "../../src/store/ports.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { StoreError } from "../../src/store/store-error.js";

/** Every gateway setting, on loopback and free ports. */
export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const base = loadConfig({ env: {} });
  return {
    ...base,
    deviceHost: "127.0.0.1",
    jt701Port: 0,
    teltonikaPort: 0,
    mqttPort: 0,
    mqttUrl: undefined,
    ...overrides,
  };
}

/** Log lines kept for assertions (and printed with SEALWATCH_TEST_LOG=1). */
export class MemoryLogger implements GatewayLogger {
  readonly lines: { level: string; message: string; details: object }[] = [];
  info(details: object, message: string): void {
    this.push("info", details, message);
  }
  warn(details: object, message: string): void {
    this.push("warn", details, message);
  }
  error(details: object, message: string): void {
    this.push("error", details, message);
  }
  private push(level: string, details: object, message: string): void {
    this.lines.push({ level, message, details });
    if (process.env.SEALWATCH_TEST_LOG === "1") console.error(level, message, JSON.stringify(details));
  }
  /** Lines whose details mention `text`. */
  mentioning(text: string): { level: string; message: string; details: object }[] {
    return this.lines.filter((l) => JSON.stringify(l.details).includes(text));
  }
}

export interface Stack {
  readonly dir: string;
  readonly store: OpenedStore;
  readonly host: MonitorHost;
  readonly bus: MemoryLiveBus;
  readonly gateway: Gateway;
  readonly logger: MemoryLogger;
  readonly masterKey: Buffer;
  /** The sink the gateway writes to (the host, or the wrapper given). */
  readonly sink: ReadingSink;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly config?: Partial<GatewayConfig>;
  /** Declares the registry before the host opens (the engine reads it at start). */
  readonly registry?: (store: OpenedStore) => Promise<void>;
  /** Wraps the host (held or failing writes). */
  readonly wrapSink?: (host: MonitorHost) => ReadingSink;
  readonly http?: boolean;
  readonly masterKey?: Buffer;
  readonly dir?: string;
  /** One clock for the host and the gateway (a ManualClock runs the stack in chosen time). */
  readonly clock?: Clock;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "sealwatch-gateway-"));
  const store = await openStore({ path: join(dir, "sealwatch.db") });
  await options.registry?.(store);
  const bus = new MemoryLiveBus();
  const writer = new ReadingWriter(store.readings, { maxBatch: 500, maxDelayMs: 2 });
  const clock = options.clock ?? monotonic(systemClock);
  const host = await MonitorHost.open({ store, log: writer, bus, clock });
  const sink = options.wrapSink?.(host) ?? host;
  const logger = new MemoryLogger();
  const masterKey = options.masterKey ?? randomBytes(32);
  const gateway = await Gateway.start({
    sink,
    store,
    config: testConfig(options.config),
    masterKey,
    logger,
    nowMs: () => clock.nowMs(),
    ...(options.http === true ? { http: { host: "127.0.0.1", port: 0 } } : {}),
  });
  let closed = false;
  return {
    dir,
    store,
    host,
    bus,
    gateway,
    logger,
    masterKey,
    sink,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.stop();
      await host.close();
      await store.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- the registry

const NOW = (): number => Date.now();

export function device(
  id: string,
  identifiers: string[],
  protocol: string,
  extra: Partial<DeviceRecord> & { class?: DeviceClass } = {},
): DeviceRecord {
  return {
    id,
    class: "active",
    vendor: protocol === "teltonika" ? "Teltonika" : protocol === "jt701" ? "Jointech" : "Generic",
    model: protocol === "teltonika" ? "FMC130" : protocol === "jt701" ? "JT701" : "json",
    protocol,
    identifiers,
    lifecycle: "in_use",
    createdAtMs: NOW(),
    updatedAtMs: NOW(),
    ...extra,
  };
}

export function circleOffice(id: string, center: LonLat, radiusM: number, officeCode?: string): ZoneRecord {
  return {
    id,
    kind: "office",
    name: id,
    shape: { type: "circle", center, radiusM },
    ...(officeCode === undefined ? {} : { officeCode }),
    createdAtMs: NOW(),
    updatedAtMs: NOW(),
  };
}

/** Nairobi ICD → Mombasa-ish corridor: two offices 80 km apart and a straight route between them. */
export const ORIGIN: LonLat = [36.9, -1.3];
export const DESTINATION: LonLat = [37.6, -1.6];
export const MIDWAY: LonLat = [37.25, -1.45];

export function trip(id: string, devices: string[], extra: Partial<TripRecord> = {}): TripRecord {
  return {
    id,
    origin: "OFF-ORIGIN",
    destination: "OFF-DEST",
    route: [ORIGIN, MIDWAY, DESTINATION],
    devices,
    deadlineMs: NOW() + 86_400_000,
    state: "declared",
    createdAtMs: NOW(),
    updatedAtMs: NOW(),
    ...extra,
  };
}

/** Two office zones and the given devices and trips. */
export function corridorRegistry(devices: DeviceRecord[], trips: TripRecord[] = []) {
  return async (store: OpenedStore): Promise<void> => {
    await store.zones.put(circleOffice("OFF-ORIGIN", ORIGIN, 3_000, "KE000001"));
    await store.zones.put(circleOffice("OFF-DEST", DESTINATION, 3_000, "KE000002"));
    for (const d of devices) await store.devices.put(d);
    for (const t of trips) await store.trips.insert(t);
  };
}

// ---------------------------------------------------------------- device clients

/** A device on a real TCP connection: writes bytes, collects what the gateway answers. */
export class DeviceClient {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  readonly whenClosed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on("error", () => undefined);
    this.whenClosed = new Promise((resolve) =>
      socket.once("close", () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<DeviceClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => resolve(new DeviceClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes; resolves once written to the kernel (or buffered). */
  send(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes)) resolve();
      else this.socket.once("drain", resolve);
    });
  }

  /** Everything received so far (latin-1). */
  get text(): string {
    return this.received.toString("latin1");
  }

  get bytes(): Buffer {
    return this.received;
  }

  /** Waits until `predicate(received)` holds; throws after `timeoutMs`. */
  async until(
    predicate: (received: Buffer) => boolean,
    timeoutMs = 5_000,
    what = "an answer",
  ): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (this.closed) throw new Error(`connection closed before ${what}; got ${JSON.stringify(this.text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  async untilText(text: string, timeoutMs = 5_000): Promise<void> {
    await this.until((r) => r.toString("latin1").includes(text), timeoutMs, JSON.stringify(text));
  }

  /** Waits for the gateway to close the connection. */
  async untilClosed(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.whenClosed,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`connection still open after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` until it holds (or throws after `timeoutMs`). */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 5_000,
  what = "the condition",
  pollMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} did not hold within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await sleep(pollMs);
  }
}

// ---------------------------------------------------------------- sinks that hold or fail

/**
 * A sink in front of the host whose writes can be held (not durable until released) or failed
 * (as if the store were down), to watch what the gateway does meanwhile.
 */
export class ControlledSink implements ReadingSink {
  holding = false;
  /** Writes to fail, from now on, before passing the rest. */
  failNext = 0;
  readonly submitted: IncomingReading[] = [];
  readonly events: string[] = [];
  private held: { release: () => void }[] = [];
  private submitWaiters: (() => void)[] = [];

  constructor(private readonly inner: ReadingSink) {}

  async submitReading(reading: IncomingReading): Promise<SubmitResult> {
    this.submitted.push(reading);
    for (const w of this.submitWaiters.splice(0)) w();
    if (this.failNext > 0) {
      this.failNext--;
      this.events.push("failed");
      throw new StoreError("STORE_UNAVAILABLE", "test: the store is down; nothing was written");
    }
    if (this.holding) await new Promise<void>((release) => this.held.push({ release }));
    const result = await this.inner.submitReading(reading);
    this.events.push("durable");
    return result;
  }

  /** Lets every held write through. */
  release(): void {
    this.holding = false;
    for (const h of this.held.splice(0)) h.release();
  }

  get heldCount(): number {
    return this.held.length;
  }

  async untilSubmitted(count: number, timeoutMs = 5_000): Promise<void> {
    await eventually(
      () => this.submitted.length,
      (n) => n >= count,
      timeoutMs,
      `${count} submitted readings`,
    );
  }
}

/** The readings a device has in the store (all of them). */
export async function storedReadings(store: OpenedStore, deviceId: string) {
  return store.readings.forDevice(deviceId, 0, Number.MAX_SAFE_INTEGER);
}
