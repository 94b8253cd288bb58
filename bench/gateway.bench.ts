/**
 * The device gateway (issue 4): frames decoded per second per protocol; end-to-end readings per
 * second with many concurrent simulated JT701 e-locks over real TCP into the embedded SQLite store
 * (with the engine host applying every reading to armed trips); and, at half that load, the latency
 * from a frame leaving its device to the alarm it causes being published on the live bus. The load
 * runs in a worker thread. Ratios are against baselines measured in the same run: framing alone for
 * decoding; decoding alone, and the host and store alone (no network), for the end-to-end figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { MemoryLiveBus, type LiveEvent } from "../src/bus/live-events.js";
import { loadConfig } from "../src/config/load.js";
import type { LonLat } from "../src/core/geo/sphere.js";
import { Gateway } from "../src/gateway/gateway.js";
import { incomingOf } from "../src/gateway/incoming.js";
import type { IncomingReading } from "../src/gateway/sink.js";
import { monotonic, systemClock } from "../src/monitor/clock.js";
import { MonitorHost, type DurableLog } from "../src/monitor/host.js";
import { createJointechFramer, decodeJointechFrame } from "../src/protocols/jointech/index.js";
import type { Framer } from "../src/protocols/protocol.js";
import { createTeltonikaFramer, decodeTeltonikaFrame } from "../src/protocols/teltonika/index.js";
import { openStore, type OpenedStore } from "../src/store/open.js";
import type { AppendOutcome, ReadingRecord, ReadingStore } from "../src/store/ports.js";
import { ReadingWriter } from "../src/store/reading-writer.js";
import { buildAvlPacket, type AvlRecordSpec } from "../test/protocols/support/teltonika-builder.js";
import type { BenchResult } from "./result.js";
import {
  buildFrame,
  SEALED,
  type SwarmCommand,
  type SwarmReport,
  type SwarmSetup,
} from "./support/device-swarm.js";
import { formatRate, threadCpuMs } from "./support/measure.js";
import { Rng } from "../src/sim/rng.js";

export interface GatewayBenchOptions {
  /** Simulated e-locks, each on its own TCP connection (target: 1,000). */
  readonly devices: number;
  /** Frames (one reading each) per device in the end-to-end run. */
  readonly framesPerDevice: number;
  /** Frames a device keeps unanswered. */
  readonly window: number;
  /** Frames per protocol in the decoding measurement. */
  readonly decodeFrames: number;
  /** Length of the half-load latency run. */
  readonly latencySeconds: number;
  /** Alarms a second caused during the latency run (one tamper frame each). */
  readonly alarmsPerS: number;
  /** The latency run's load as a fraction of the measured end-to-end rate (default 0.5: half load). */
  readonly latencyLoadFraction?: number;
  /** A second latency run at this fixed rate (readings a second), comparable from run to run. */
  readonly latencyFixedRatePerS: number;
  readonly seed: number;
}

const ORIGIN: LonLat = [36.9, -1.3];
const DESTINATION: LonLat = [37.6, -1.6];

// ---------------------------------------------------------------- decoding

function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Frames per second through framer + decoder, and through the framer alone. */
function decodeRate(
  stream: Buffer,
  frames: number,
  framer: () => Framer,
  decode: (frame: Uint8Array) => number,
): { decodeFps: number; framingFps: number; readings: number } {
  const parts = chunks(stream, 65_536);
  let readings = 0;
  const run = (withDecode: boolean): number => {
    const f = framer();
    let seen = 0;
    const start = performance.now();
    for (const part of parts) {
      for (const out of f.push(part)) {
        if (out.kind !== "frame") continue;
        seen++;
        if (withDecode) readings += decode(out.frame);
      }
    }
    const ms = performance.now() - start;
    if (seen !== frames) throw new Error(`framed ${seen} of ${frames}`);
    return ms;
  };
  run(true);
  readings = 0;
  const framingMs = Math.min(run(false), run(false));
  readings = 0;
  const decodeMs = Math.min(run(true), run(true));
  return {
    decodeFps: (frames / decodeMs) * 1000,
    framingFps: (frames / framingMs) * 1000,
    readings: readings / 2,
  };
}

function teltonikaRecord(rng: Rng, atMs: number): AvlRecordSpec {
  return {
    atMs,
    priority: 0,
    lon: rng.between(36, 38),
    lat: rng.between(-2, -1),
    altitudeM: rng.int(0, 2000),
    courseDeg: rng.int(0, 359),
    satellites: rng.int(4, 14),
    speedKmh: rng.int(0, 100),
    eventIoId: 0,
    io1: [
      [1, rng.int(0, 1)],
      [2, 0],
      [21, 4],
      [69, 1],
    ],
    io2: [
      [66, rng.int(11000, 14000)],
      [67, 4100],
    ],
    io4: [[16, rng.int(0, 1e6)]],
    io8: [],
    ioX: [],
  };
}

function measureDecoding(
  options: GatewayBenchOptions,
  rng: Rng,
): { lines: string[]; figures: Record<string, number> } {
  const n = options.decodeFrames;
  const t0 = Date.UTC(2026, 0, 1);
  const binary = Buffer.concat(
    Array.from({ length: n }, (_, i) =>
      buildFrame("8000000001", i, t0 + i * 1000, rng.between(36, 38), rng.between(-2, -1), SEALED),
    ),
  );
  const text = Buffer.concat(
    Array.from({ length: n }, (_, i) =>
      Buffer.from(
        `(2050018634,P45,051124,2040${String(i % 60).padStart(2, "0")},9.861502,N,83.950336,W,A,1,0,5,1,0012260888,0,0,${i % 1000})`,
        "latin1",
      ),
    ),
  );
  const avlFrames = Math.max(1, Math.floor(n / 4));
  const avl = Buffer.concat(
    Array.from({ length: avlFrames }, (_, i) =>
      Buffer.from(
        buildAvlPacket(
          "8E",
          [0, 1, 2, 3].map((k) => teltonikaRecord(rng, t0 + (i * 4 + k) * 1000)),
        ),
      ),
    ),
  );
  const count = (o: ReturnType<typeof decodeJointechFrame>): number =>
    o.kind === "readings" ? o.readings.length : 0;
  const jtBinary = decodeRate(binary, n, createJointechFramer, (f) => count(decodeJointechFrame(f)));
  const jtText = decodeRate(text, n, createJointechFramer, (f) => count(decodeJointechFrame(f)));
  const tel = decodeRate(avl, avlFrames, createTeltonikaFramer, (f) =>
    count(decodeTeltonikaFrame(f, { deviceId: "356307042441013" })),
  );
  const lines = [
    `decoding (framer + decoder, 64 KiB chunks; framing alone as baseline):`,
    `  JT701 binary 0x19 (1 record): ${formatRate(jtBinary.decodeFps)} frames, ${(jtBinary.framingFps / jtBinary.decodeFps).toFixed(1)}x the cost of framing alone`,
    `  JT701 text P45:               ${formatRate(jtText.decodeFps)} frames, ${(jtText.framingFps / jtText.decodeFps).toFixed(1)}x framing alone`,
    `  Teltonika 8E (4 records):     ${formatRate(tel.decodeFps)} frames = ${formatRate(tel.decodeFps * 4)} readings, ${(tel.framingFps / tel.decodeFps).toFixed(1)}x framing alone`,
  ];
  return {
    lines,
    figures: {
      decodeJt701BinaryFps: jtBinary.decodeFps,
      decodeJt701TextFps: jtText.decodeFps,
      decodeTeltonikaFps: tel.decodeFps,
      decodeTeltonikaReadingsPerS: tel.decodeFps * 4,
    },
  };
}

// ---------------------------------------------------------------- the stack

/**
 * Group commit that waits one turn of the event loop before each commit, so that a synchronous
 * store (SQLite) sees what the network delivered meanwhile. Only to measure how much of the time
 * goes to small batches; the product uses ReadingWriter.
 */
class YieldingLog implements DurableLog {
  private queue: {
    record: ReadingRecord;
    resolve: (o: AppendOutcome) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private scheduled = false;

  constructor(
    private readonly store: ReadingStore,
    private readonly maxBatch = 2_000,
  ) {}

  write(record: ReadingRecord): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.maxBatch);
      if (this.queue.length > 0) this.schedule();
      this.store.append(batch.map((b) => b.record)).then(
        (outcomes) => batch.forEach((b, i) => b.resolve(outcomes[i]!)),
        (error: unknown) => batch.forEach((b) => b.reject(error)),
      );
    });
  }

  async close(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) await new Promise((r) => setImmediate(r));
  }
}

type LogKind = "writer" | "yielding";

/** Readings per transaction at most: SQLite commits block the event loop, so big batches mean long stalls. */
const WRITER_MAX_BATCH = Number(process.env.SEALWATCH_BENCH_MAX_BATCH ?? 2_000);

function newLog(kind: LogKind, store: OpenedStore): DurableLog {
  return kind === "writer"
    ? new ReadingWriter(store.readings, { maxBatch: WRITER_MAX_BATCH, maxDelayMs: 2 })
    : new YieldingLog(store.readings);
}

function lockIdOf(i: number): string {
  return String(8_100_000_000 + i);
}

async function registry(store: OpenedStore, devices: number, withTrips: boolean): Promise<void> {
  const now = Date.now();
  await store.zones.put({
    id: "OFF-ORIGIN",
    kind: "office",
    shape: { type: "circle", center: ORIGIN, radiusM: 3_000 },
    createdAtMs: now,
    updatedAtMs: now,
  });
  await store.zones.put({
    id: "OFF-DEST",
    kind: "office",
    shape: { type: "circle", center: DESTINATION, radiusM: 3_000 },
    createdAtMs: now,
    updatedAtMs: now,
  });
  for (let i = 0; i < devices; i++) {
    await store.devices.put({
      id: `ELK-${i}`,
      class: "active",
      vendor: "Jointech",
      model: "JT701",
      protocol: "jt701",
      identifiers: [lockIdOf(i)],
      lifecycle: "in_use",
      createdAtMs: now,
      updatedAtMs: now,
    });
    if (withTrips)
      await store.trips.insert({
        id: `T-${i}`,
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route: [ORIGIN, DESTINATION],
        devices: [`ELK-${i}`],
        deadlineMs: now + 7 * 86_400_000,
        state: "declared",
        createdAtMs: now,
        updatedAtMs: now,
      });
  }
}

// ---------------------------------------------------------------- host and store alone

/** Readings per second through host.submitReading alone (no network, no decoding), in network-sized bursts. */
async function hostAlone(kind: LogKind, readings: number, devices: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-bench-host-"));
  const store = await openStore({ path: join(dir, "bench.db") });
  try {
    await registry(store, devices, false);
    const log = newLog(kind, store);
    const host = await MonitorHost.open({
      store,
      log,
      bus: new MemoryLiveBus(),
      clock: monotonic(systemClock),
    });
    const t0 = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;
    const incoming: IncomingReading[] = [];
    for (let i = 0; i < readings; i++) {
      const device = i % devices;
      const frame = buildFrame(lockIdOf(device), i, t0 + Math.floor(i / devices) * 1000, 37, -1.4, SEALED);
      const outcome = decodeJointechFrame(frame);
      if (outcome.kind !== "readings") throw new Error("bench frame does not decode");
      incoming.push(incomingOf(outcome.readings[0]!, `ELK-${device}`, "jt701", Date.now()));
    }
    const start = performance.now();
    const pending: Promise<unknown>[] = [];
    const burst = 1_500;
    for (let i = 0; i < incoming.length; i += burst) {
      for (const r of incoming.slice(i, i + burst))
        pending.push(host.submitReading({ ...r, receivedAtMs: Date.now() }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(pending);
    await host.idle();
    const rate = (readings / (performance.now() - start)) * 1000;
    await host.close();
    return rate;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- end to end

/** A paced run: frames a second achieved, and the latencies from tamper frame sent to alarm published. */
interface Paced {
  achievedPerS: number;
  latencies: number[];
  tamperFrames: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

interface EndToEnd {
  readingsPerS: number;
  /**
   * CPU per reading during the full-load run: the main thread, and every other thread of the process
   * (the SQLite writer, the simulated devices, V8's background collector, libuv's pool).
   */
  cpuPerReading?: { mainUs: number; othersUs: number };
  /** At `latencyLoadFraction` of the measured rate (the target's "half load"). */
  half: Paced;
  /** At `latencyFixedRatePerS`, the same load in every run (comparable across runs and machines). */
  fixed: Paced;
  stored: number;
  setupMs: number;
  writerBatches?: number;
}

/** Logs store calls that block for more than 20 ms (SEALWATCH_BENCH_TRACE=1). */
function traceSlowCalls(store: OpenedStore): void {
  const start = performance.now();
  const wrap = (name: string, target: Record<string, unknown>, method: string): void => {
    const original = target[method] as (...args: unknown[]) => Promise<unknown>;
    target[method] = (...args: unknown[]) => {
      const t = performance.now();
      const result = original.apply(target, args);
      const ms = performance.now() - t;
      if (ms > 20)
        console.error(`slow ${name}.${method} ${ms.toFixed(0)} ms at ${((t - start) / 1000).toFixed(1)} s`);
      return result;
    };
  };
  wrap("readings", store.readings as unknown as Record<string, unknown>, "append");
  wrap("readings", store.readings as unknown as Record<string, unknown>, "forDevice");
  wrap("alarms", store.alarms as unknown as Record<string, unknown>, "upsert");
  wrap("audit", store.audit as unknown as Record<string, unknown>, "append");
  wrap("engineState", store.engineState as unknown as Record<string, unknown>, "set");
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The first number from `n` up that shares no factor with `devices`: the devices send in turn, so
 * every `n`-th frame then falls on a different device each time (with a common factor, the same few
 * devices would send every tamper frame, as one long tamper run: one alarm for many frames).
 */
function coprimeFrom(n: number, devices: number): number {
  let k = n;
  while (gcd(k, devices) !== 1) k++;
  return k;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function endToEnd(options: GatewayBenchOptions, kind: LogKind): Promise<EndToEnd> {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-bench-gateway-"));
  const setupStart = performance.now();
  const store = await openStore({ path: join(dir, "bench.db") });
  let worker: Worker | undefined;
  let gateway: Gateway | undefined;
  let host: MonitorHost | undefined;
  try {
    await registry(store, options.devices, true);
    if (process.env.SEALWATCH_BENCH_TRACE === "1") traceSlowCalls(store);
    const bus = new MemoryLiveBus(10_000);
    const log = newLog(kind, store);
    host = await MonitorHost.open({ store, log, bus, clock: monotonic(systemClock) });
    const base = loadConfig({ env: {} });
    gateway = await Gateway.start({
      sink: host,
      store,
      config: {
        ...base,
        deviceHost: "127.0.0.1",
        jt701Port: 0,
        teltonikaEnabled: false,
        mqttEnabled: false,
        maxFramesInFlight: Math.max(16, options.window * 2),
      },
      masterKey: Buffer.alloc(32, 1),
    });
    const setup: SwarmSetup = {
      port: gateway.ports.jt701!,
      lockIds: Array.from({ length: options.devices }, (_, i) => lockIdOf(i)),
      origin: ORIGIN,
      destination: DESTINATION,
    };
    worker = new Worker(new URL("./support/device-swarm.js", import.meta.url), { workerData: setup });
    const w = worker;
    const reports: SwarmReport[] = [];
    let waiter: ((r: SwarmReport) => void) | undefined;
    const tampers: (SwarmReport & { kind: "tamper" })[] = [];
    w.on("message", (report: SwarmReport) => {
      if (report.kind === "tamper") tampers.push(report);
      else if (waiter !== undefined) {
        const resolve = waiter;
        waiter = undefined;
        resolve(report);
      } else reports.push(report);
    });
    const next = (): Promise<SwarmReport> =>
      reports.length > 0 ? Promise.resolve(reports.shift()!) : new Promise((resolve) => (waiter = resolve));
    const send = (command: SwarmCommand): void => w.postMessage(command);
    await next(); // ready

    // Seal every lock at the origin, then arm every trip through the host, as officers would.
    const sealAt = Math.floor((Date.now() - 60_000) / 1000) * 1000;
    send({ phase: "seal", atMs: sealAt });
    await next();
    await host.idle();
    let armed = 0;
    for (let i = 0; i < options.devices; i++) {
      const result = await host.command({ tripId: `T-${i}`, command: "arm", actor: "bench-officer" });
      if (result.accepted) armed++;
    }
    if (armed !== options.devices) throw new Error(`only ${armed} of ${options.devices} trips armed`);
    const setupMs = performance.now() - setupStart;

    // Full load: every device floods with `window` frames in flight.
    const fromMs = Math.floor(Date.now() / 1000) * 1000 + 1_000;
    const cpuBefore = threadCpuMs();
    send({ phase: "flood", frames: options.framesPerDevice, window: options.window, fromMs });
    const batchesBefore = log instanceof ReadingWriter ? log.stats.batches : 0;
    const flood = (await next()) as SwarmReport & { kind: "done" };
    await host.idle();
    const cpuAfter = threadCpuMs();
    const cpuPerReading =
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : {
            mainUs: ((cpuAfter.mainMs - cpuBefore.mainMs) * 1000) / flood.frames,
            othersUs: ((cpuAfter.othersMs - cpuBefore.othersMs) * 1000) / flood.frames,
          };
    const readingsPerS = (flood.frames / flood.elapsedMs) * 1000;
    const writerBatches = log instanceof ReadingWriter ? log.stats.batches - batchesBefore : undefined;

    // Paced load with tamper frames; latency from the frame leaving the device to the alarm on the bus.
    let nextFromMs = fromMs + (options.framesPerDevice + 1) * 1000;
    const paced = async (ratePerS: number): Promise<Paced> => {
      tampers.length = 0;
      const raised = new Map<string, number>();
      const unsubscribe = bus.subscribe(undefined, (event: LiveEvent) => {
        if (event.kind === "alarm" && event.change === "raised" && event.alarm.type === "tamper")
          raised.set(
            `${event.alarm.device}|${event.alarm.startedAtMs}`,
            performance.timeOrigin + performance.now(),
          );
      }).unsubscribe;
      // How long the main thread's event loop was held up while the latencies were measured.
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      send({
        phase: "paced",
        ratePerS,
        seconds: options.latencySeconds,
        tamperEvery: coprimeFrom(Math.max(2, Math.round(ratePerS / options.alarmsPerS)), options.devices),
        fromMs: nextFromMs,
      });
      const done = (await next()) as SwarmReport & { kind: "done" };
      nextFromMs += (Math.ceil((ratePerS * options.latencySeconds) / options.devices) + 2) * 1000;
      await host!.idle();
      loopDelay.disable();
      unsubscribe();
      const latencies: number[] = [];
      for (const t of tampers) {
        const device = `ELK-${Number(t.lockId) - 8_100_000_000}`;
        const at = raised.get(`${device}|${t.atMs}`);
        if (at !== undefined) latencies.push(at - t.sentAt);
      }
      if (process.env.SEALWATCH_BENCH_TRACE === "1") {
        const first = tampers[0]?.sentAt ?? 0;
        for (const t of tampers) {
          const device = `ELK-${Number(t.lockId) - 8_100_000_000}`;
          const at = raised.get(`${device}|${t.atMs}`);
          console.error(
            `trace ${((t.sentAt - first) / 1000).toFixed(2)} s ${at === undefined ? "none" : (at - t.sentAt).toFixed(1)}`,
          );
        }
      }
      latencies.sort((a, b) => a - b);
      return {
        achievedPerS: (done.frames / done.elapsedMs) * 1000,
        latencies,
        tamperFrames: tampers.length,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      };
    };
    const half = await paced(readingsPerS * (options.latencyLoadFraction ?? 0.5));
    const fixed = await paced(options.latencyFixedRatePerS);
    send({ phase: "stop" });
    const stored = await store.readings.maxSeq();
    return {
      readingsPerS,
      ...(cpuPerReading === undefined ? {} : { cpuPerReading }),
      half,
      fixed,
      stored,
      setupMs,
      ...(writerBatches === undefined ? {} : { writerBatches }),
    };
  } finally {
    await worker?.terminate();
    await gateway?.stop();
    await host?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the report

export async function runGatewayBench(options: GatewayBenchOptions): Promise<BenchResult> {
  const rng = new Rng(options.seed);
  const lines: string[] = [];
  const decoding = measureDecoding(options, rng);
  lines.push(...decoding.lines);

  const sampleReadings = Math.min(100_000, options.devices * options.framesPerDevice);
  const hostWriter = await hostAlone("writer", sampleReadings, options.devices);
  const hostYielding = await hostAlone("yielding", sampleReadings, options.devices);
  lines.push(
    `host + store alone (no network, no decoding; ${sampleReadings} readings in 1,500-reading bursts, no trips):`,
    `  with ReadingWriter (the product's group commit): ${formatRate(hostWriter)} readings`,
    `  with a group commit that waits one event-loop turn: ${formatRate(hostYielding)} readings`,
  );

  const e2e = await endToEnd(options, "writer");
  const decodeReadingsPerS = decoding.figures.decodeJt701BinaryFps!;
  const p50 = percentile(e2e.half.latencies, 50);
  const p99 = percentile(e2e.half.latencies, 99);
  const fixedP50 = percentile(e2e.fixed.latencies, 50);
  const fixedP99 = percentile(e2e.fixed.latencies, 99);
  lines.push(
    `end to end: ${options.devices} e-locks on their own TCP connections, ${options.framesPerDevice} frames each, ${options.window} in flight, every trip armed (setup ${(e2e.setupMs / 1000).toFixed(1)} s)`,
    `  ${formatRate(e2e.readingsPerS)} readings acknowledged (durable in SQLite, applied by the engine); target 100 k/s: ${e2e.readingsPerS >= 100_000 ? "met" : "MISSED"}`,
    `  = ${((e2e.readingsPerS / decodeReadingsPerS) * 100).toFixed(1)}% of decoding alone, ${((e2e.readingsPerS / hostWriter) * 100).toFixed(0)}% of the host + store alone`,
    ...(e2e.cpuPerReading === undefined
      ? []
      : [
          `  CPU a reading: main thread ${e2e.cpuPerReading.mainUs.toFixed(1)} µs, other threads ${e2e.cpuPerReading.othersUs.toFixed(1)} µs (writer, simulated devices, collector)`,
        ]),
    ...(e2e.writerBatches === undefined
      ? []
      : [
          `  group commits: ${e2e.writerBatches} for ${options.devices * options.framesPerDevice} readings (${((options.devices * options.framesPerDevice) / e2e.writerBatches).toFixed(1)} readings per transaction)`,
        ]),
    `half load (${formatRate(e2e.half.achievedPerS)} achieved) for ${options.latencySeconds} s with ${e2e.half.tamperFrames} tamper frames: ${e2e.half.latencies.length} alarms measured`,
    `  frame sent → alarm on the live bus: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(e2e.half.latencies.at(-1) ?? Number.NaN).toFixed(1)} ms; target p99 < 50 ms: ${p99 < 50 ? "met" : "MISSED"}`,
    `  main event loop held up meanwhile: p99 ${e2e.half.loopDelayP99Ms.toFixed(1)} ms, max ${e2e.half.loopDelayMaxMs.toFixed(1)} ms`,
    `fixed load (${formatRate(e2e.fixed.achievedPerS)} achieved, the same in every run) with ${e2e.fixed.tamperFrames} tamper frames: ${e2e.fixed.latencies.length} alarms measured`,
    `  frame sent → alarm on the live bus: p50 ${fixedP50.toFixed(1)} ms, p99 ${fixedP99.toFixed(1)} ms, max ${(e2e.fixed.latencies.at(-1) ?? Number.NaN).toFixed(1)} ms`,
    `  main event loop held up meanwhile: p99 ${e2e.fixed.loopDelayP99Ms.toFixed(1)} ms, max ${e2e.fixed.loopDelayMaxMs.toFixed(1)} ms`,
  );

  let yielding: EndToEnd | undefined;
  if (process.env.SEALWATCH_BENCH_GATEWAY_YIELDING === "1") {
    yielding = await endToEnd(options, "yielding");
    lines.push(
      `end to end with the yielding group commit: ${formatRate(yielding.readingsPerS)} readings; half-load p99 ${percentile(yielding.half.latencies, 99).toFixed(1)} ms`,
    );
  }
  return {
    name: "gateway",
    lines,
    figures: {
      ...decoding.figures,
      hostAloneWriterReadingsPerS: hostWriter,
      hostAloneYieldingReadingsPerS: hostYielding,
      e2eReadingsPerS: e2e.readingsPerS,
      e2eOverDecode: e2e.readingsPerS / decodeReadingsPerS,
      e2eOverHostAlone: e2e.readingsPerS / hostWriter,
      ...(e2e.cpuPerReading === undefined
        ? {}
        : {
            e2eMainCpuUsPerReading: e2e.cpuPerReading.mainUs,
            e2eOtherCpuUsPerReading: e2e.cpuPerReading.othersUs,
          }),
      halfLoadReadingsPerS: e2e.half.achievedPerS,
      fixedLoadReadingsPerS: e2e.fixed.achievedPerS,
      fixedLoadAlarmLatencyP50Ms: fixedP50,
      fixedLoadAlarmLatencyP99Ms: fixedP99,
      alarmLatencyP50Ms: p50,
      alarmLatencyP99Ms: p99,
      alarmsMeasured: e2e.half.latencies.length,
      ...(e2e.writerBatches === undefined
        ? {}
        : { e2eReadingsPerCommit: (options.devices * options.framesPerDevice) / e2e.writerBatches }),
      ...(yielding === undefined
        ? {}
        : {
            e2eYieldingReadingsPerS: yielding.readingsPerS,
            alarmLatencyP99YieldingMs: percentile(yielding.half.latencies, 99),
          }),
    },
  };
}
