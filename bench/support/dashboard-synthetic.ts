/**
 * A synthetic Sealwatch for the dashboard's frame-time measurements: it serves the built dashboard
 * (web/dist) and just enough of the API (login, the fleet snapshot, alarms, zones) for the control
 * room to open, and a live stream that moves every one of N conveyances once a second along the
 * demo corridors (in slices every 100 ms), with alarms raised and resolved now and then. No engine
 * or store: the page is what is measured.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";
import { corridorRoute, DEMO_CORRIDORS } from "../../src/demo/corridors.js";
import { zoneFeatures } from "../../src/sim/provision.js";
import { RouteWalk } from "../../src/sim/route-walk.js";
import { Rng } from "../../src/sim/rng.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".geojson": "application/geo+json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
};

export interface SyntheticOptions {
  readonly conveyances: number;
  readonly seed: number;
  /** Readings per conveyance per second (default 1). */
  readonly ratePerS?: number;
  /** The built dashboard (default web/dist). */
  readonly webRoot?: string;
}

interface Vehicle {
  readonly deviceId: string;
  readonly tripId: string;
  readonly walk: RouteWalk;
  fraction: number;
  readonly step: number;
}

export class SyntheticDashboardServer {
  private server: Server | undefined;
  private readonly vehicles: Vehicle[] = [];
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private slice = 0;
  private alarmSeq = 0;
  private readonly openAlarms: Record<string, unknown>[] = [];
  /** Whether readings flow (off: the page idles with its stream open, the baseline). */
  streaming = false;
  eventsSent = 0;
  private readonly rng: Rng;
  private readonly webRoot: string;

  constructor(private readonly options: SyntheticOptions) {
    this.rng = new Rng(options.seed);
    this.webRoot = options.webRoot ?? join(process.cwd(), "web", "dist");
    const walks = DEMO_CORRIDORS.map((c) => new RouteWalk(corridorRoute(c)));
    for (let i = 0; i < options.conveyances; i++) {
      const c = i % DEMO_CORRIDORS.length;
      this.vehicles.push({
        deviceId: `SYN-${String(i).padStart(5, "0")}`,
        tripId: `SYN-TRIP-${String(i).padStart(5, "0")}`,
        walk: walks[c]!,
        fraction: this.rng.next(),
        step: this.rng.between(0.0005, 0.002),
      });
    }
  }

  get url(): string {
    const address = this.server?.address();
    if (typeof address !== "object" || address === null) throw new Error("not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(join(this.webRoot, "index.html")))
      throw new Error(`the dashboard is not built (${this.webRoot}); run npm run build:web`);
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const rate = this.options.ratePerS ?? 1;
    // Ten slices a second: every conveyance reports `rate` times a second.
    this.timer = setInterval(() => this.tick(rate), 100);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await new Promise<void>((resolve) =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    );
  }

  private position(v: Vehicle) {
    const p = v.walk.at(v.fraction);
    return { lon: p.lon, lat: p.lat, speedKmh: 62, courseDeg: Math.round(p.courseDeg), valid: true };
  }

  private fleet() {
    const now = new Date().toISOString();
    return this.vehicles.map((v) => ({
      tripId: v.tripId,
      deviceId: v.deviceId,
      state: "in_transit",
      origin: "TH-LCB",
      destination: "TH-NKI",
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
      position: { ...this.position(v), at: now },
      openAlarms: 0,
    }));
  }

  private alarm(v: Vehicle, workflow: "open" | "resolved") {
    const raised = new Date().toISOString();
    const types = ["tamper", "route_deviation", "unauthorized_stop", "signal_loss", "low_battery"] as const;
    const severities = {
      tamper: "critical",
      route_deviation: "high",
      unauthorized_stop: "medium",
      signal_loss: "high",
      low_battery: "low",
    };
    const type = types[this.alarmSeq % types.length]!;
    return {
      id: `syn-alarm-${++this.alarmSeq}`,
      type,
      severity: severities[type],
      tripId: v.tripId,
      deviceId: v.deviceId,
      startedAt: raised,
      clearedAt: null,
      retracted: false,
      workflow,
      raisedAt: raised,
      ackDueAt: new Date(Date.now() + 120_000).toISOString(),
      updatedAt: raised,
    };
  }

  private send(kind: string, data: unknown): void {
    const text = `id: ${++this.cursor}\nevent: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of this.clients) client.write(text);
    this.eventsSent++;
  }

  private tick(rate: number): void {
    if (!this.streaming || this.clients.size === 0) return;
    const n = this.vehicles.length;
    const perSlice = Math.ceil((n * rate) / 10);
    const at = new Date().toISOString();
    for (let k = 0; k < perSlice; k++) {
      const v = this.vehicles[(this.slice * perSlice + k) % n]!;
      v.fraction = (v.fraction + v.step) % 1;
      this.send("reading", {
        cursor: this.cursor + 1,
        at,
        kind: "reading",
        reading: {
          deviceId: v.deviceId,
          tripId: v.tripId,
          at,
          receivedAt: at,
          position: this.position(v),
          seal: "closed",
          tamper: false,
          batteryPct: 80,
        },
      });
    }
    this.slice++;
    // Every 2 s an alarm is raised; past 40 open ones, the oldest is resolved.
    if (this.slice % 20 === 0) {
      const alarm = this.alarm(this.vehicles[Math.floor(this.rng.next() * n)]!, "open");
      this.openAlarms.push(alarm);
      this.send("alarm", { cursor: this.cursor + 1, at, kind: "alarm", change: "raised", alarm });
      if (this.openAlarms.length > 40) {
        const resolved = { ...this.openAlarms.shift()!, workflow: "resolved", updatedAt: at };
        this.send("alarm", {
          cursor: this.cursor + 1,
          at,
          kind: "alarm",
          change: "workflow",
          alarm: resolved,
        });
      }
    }
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://x");
    const path = url.pathname;
    if (path.startsWith("/api/v1/")) return this.api(path.slice("/api/v1".length), request, response);
    const file = normalize(join(this.webRoot, path === "/" ? "index.html" : path));
    if (!file.startsWith(this.webRoot) || !existsSync(file))
      return this.json(response, 404, { code: "ROUTE_NOT_FOUND" });
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  }

  private api(path: string, request: IncomingMessage, response: ServerResponse): void {
    const now = new Date().toISOString();
    switch (path) {
      case "/dashboard/config":
        return this.json(response, 200, {
          ackTargetsS: { critical: 120, high: 300, medium: 900, low: 3600 },
          serverTime: now,
        });
      case "/auth/login":
        request.resume();
        return this.json(response, 200, {
          token: "synthetic-session",
          expiresAt: now,
          user: {
            id: "bench",
            username: "bench",
            displayName: "Benchmark",
            role: "operator",
            offices: [],
            disabled: false,
          },
        });
      case "/auth/me":
        return this.json(response, 200, {
          kind: "user",
          id: "bench",
          name: "bench",
          role: "operator",
          offices: [],
          actor: "user:bench",
        });
      case "/auth/logout":
        return this.json(response, 204, {});
      case "/dashboard/fleet":
        return this.json(response, 200, { items: this.fleet(), at: now, cursor: this.cursor });
      case "/alarms":
        return this.json(response, 200, { items: this.openAlarms, limit: 1000, offset: 0 });
      case "/zones":
        return this.json(response, 200, { type: "FeatureCollection", features: zoneFeatures() });
      case "/users":
        return this.json(response, 200, { items: [] });
      case "/stream": {
        response.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          connection: "keep-alive",
        });
        response.write(
          `retry: 3000\n\nevent: ready\ndata: ${JSON.stringify({ lastCursor: this.cursor, resumed: true })}\n\n`,
        );
        this.clients.add(response);
        request.on("close", () => this.clients.delete(response));
        return;
      }
      default:
        return this.json(response, 404, { code: "ROUTE_NOT_FOUND", message: path, statusCode: 404 });
    }
  }
}
