/**
 * Soak: the real `sealwatch serve` (SQLite in a temp dir) under a steady load of Teltonika trackers
 * over TCP, each waiting for its answer before the next packet. Every `sampleS` seconds: the
 * server's resident memory (/proc), its JS heap and event-loop lag (from /metrics), and the
 * acknowledgement latency of the window. At the end: kill -9 and the time until the restarted
 * server serves again, against the number of readings stored; then the same after a clean stop.
 *
 * `npm run bench -- soak` runs a short soak (SEALWATCH_SOAK_SECONDS, default 60); the issue's
 * 30-minute soak is `SEALWATCH_SOAK_SECONDS=1800 npm run bench -- soak`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildAvlPacket, buildLogin } from "../src/sim/frames/teltonika-frames.js";
import type { BenchResult } from "./result.js";
import { serveEnv } from "../test/support/serve-env.js";

export interface SoakOptions {
  readonly seconds: number;
  readonly devices: number;
  /** Packets (one reading each) per second over all devices. */
  readonly ratePerS: number;
  readonly sampleS: number;
}

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const PASSWORD = "a harbour at dusk, seven cranes";

interface Serving {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly startMs: number;
}

function serve(dir: string): Promise<Serving> {
  const startMs = performance.now();
  const child = spawn(process.execPath, [MAIN, "serve"], {
    env: { ...serveEnv(dir, PASSWORD), SEALWATCH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buffered = "";
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`serve exited (${code})`)));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        if (!line.includes("sealwatch is serving")) continue;
        const parsed = JSON.parse(line) as { url: string; ports: { teltonika: number } };
        resolve({ child, url: parsed.url, port: parsed.ports.teltonika, startMs });
      }
    });
  });
}

function stop(server: Serving, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill(signal);
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

/** One tracker: logs in, then sends a packet whenever asked, one at a time. */
class Tracker {
  private pending: ((ok: boolean) => void) | undefined;
  private received = 0;
  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.received >= 4 && this.pending !== undefined) {
        this.received -= 4;
        const done = this.pending;
        this.pending = undefined;
        done(true);
      }
    });
    socket.on("error", () => this.pending?.(false));
    socket.on("close", () => this.pending?.(false));
  }
  static async open(port: number, imei: string): Promise<Tracker> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
      s.once("error", reject);
    });
    const tracker = new Tracker(socket);
    socket.write(buildLogin(imei));
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    tracker.received = 0;
    return tracker;
  }
  get busy(): boolean {
    return this.pending !== undefined;
  }
  send(atMs: number, lon: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.socket.write(
        buildAvlPacket("8", [
          {
            atMs,
            priority: 0,
            lon,
            lat: -1.45,
            altitudeM: 1600,
            courseDeg: 120,
            satellites: 11,
            speedKmh: 72,
            eventIoId: 0,
            io1: [],
            io2: [],
            io4: [],
            io8: [],
            ioX: [],
          },
        ]),
      );
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function runSoakBench(options: SoakOptions): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-soak-"));
  const lines: string[] = [];
  const figures: Record<string, number> = {};
  let server = await serve(dir);
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const imeis = Array.from({ length: options.devices }, (_, i) => `35630704${String(i).padStart(7, "0")}`);
    for (const [i, imei] of imeis.entries()) {
      await fetch(`${server.url}/api/v1/devices`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ id: `SOAK-${i}`, class: "active", vendor: "Teltonika", model: "FMB920",
          protocol: "teltonika", identifiers: [imei] }), // prettier-ignore
      });
    }
    const trackers = await Promise.all(imeis.map((imei) => Tracker.open(server.port, imei)));
    let acked = 0;
    let window: number[] = [];
    const startMs = performance.now();
    let atMs = Date.now() - options.seconds * 1000;
    const perTickMs = 10;
    let next = 0;
    lines.push("   t s | RSS MB | heap MB | loop lag p99 ms | acks/s | ack p50 ms | ack p99 ms");
    const rss: { tS: number; mb: number }[] = [];
    let lastSample = startMs;
    let lastAcked = 0;
    while (performance.now() - startMs < options.seconds * 1000) {
      const due = Math.round((options.ratePerS * perTickMs) / 1000);
      for (let k = 0; k < due; k++) {
        const tracker = trackers[next++ % trackers.length]!;
        if (tracker.busy) continue;
        const sent = performance.now();
        atMs += 1;
        void tracker.send(atMs, 37 + (atMs % 1000) / 10_000).then((ok) => {
          if (!ok) return;
          acked++;
          window.push(performance.now() - sent);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, perTickMs));
      const now = performance.now();
      if (now - lastSample >= options.sampleS * 1000) {
        const tS = (now - startMs) / 1000;
        const mb = rssMb(server.child.pid!);
        const heap = (await metric(server.url, "sealwatch_nodejs_heap_size_used_bytes")) / 2 ** 20;
        const lag = (await metric(server.url, "sealwatch_nodejs_eventloop_lag_p99_seconds")) * 1000;
        const sorted = window.sort((a, b) => a - b);
        const rate = (acked - lastAcked) / ((now - lastSample) / 1000);
        lines.push(
          `${tS.toFixed(0).padStart(6)} | ${mb.toFixed(0).padStart(6)} | ${heap.toFixed(0).padStart(7)} | ${lag.toFixed(1).padStart(15)} | ${rate.toFixed(0).padStart(6)} | ${percentile(sorted, 0.5).toFixed(1).padStart(10)} | ${percentile(sorted, 0.99).toFixed(1).padStart(10)}`,
        );
        rss.push({ tS, mb });
        window = [];
        lastSample = now;
        lastAcked = acked;
      }
    }
    for (const tracker of trackers) tracker.close();
    const half = rss.slice(Math.floor(rss.length / 2));
    const slope =
      half.length < 2 ? 0 : ((half.at(-1)!.mb - half[0]!.mb) / (half.at(-1)!.tS - half[0]!.tS)) * 60;
    figures.readings = acked;
    figures.rssEndMb = rss.at(-1)?.mb ?? Number.NaN;
    figures.rssSlopeSecondHalfMbPerMin = slope;
    lines.push(`${acked} readings acknowledged; RSS slope over the second half: ${slope.toFixed(1)} MB/min`);
    await stop(server, "SIGKILL");
    server = await serve(dir);
    figures.restartAfterCrashMs = performance.now() - server.startMs;
    await stop(server, "SIGTERM");
    server = await serve(dir);
    figures.restartAfterStopMs = performance.now() - server.startMs;
    lines.push(
      `restart until serving with ${acked} readings stored: after kill -9 ${figures.restartAfterCrashMs.toFixed(0)} ms, after a clean stop ${figures.restartAfterStopMs.toFixed(0)} ms`,
    );
    return { name: "soak", lines, figures };
  } finally {
    await stop(server, "SIGTERM").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
