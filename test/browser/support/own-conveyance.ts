/**
 * A conveyance of the test's own in a browser test's demo: a JT701 e-lock on the Thai corridor,
 * registered, declared on a trip and armed, reporting every 3 s from where the test puts it (so no
 * signal-loss alarm while the test looks at the page), and sending the readings the test asks for.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { corridorRoute, DEMO_CORRIDORS } from "../../../src/demo/corridors.js";
import { ApiCallError } from "../../../src/sim/api-client.js";
import { SIM_RULES } from "../../../src/sim/fleet.js";
import { Jt701Link } from "../../../src/sim/links/jt701-link.js";
import type { SimReading } from "../../../src/sim/links/link.js";
import { RouteWalk } from "../../../src/sim/route-walk.js";
import type { TestDemo } from "./harness.js";

export const TH = DEMO_CORRIDORS.find((c) => c.id === "TH-LCB-NKI")!;
const ROUTE = corridorRoute(TH);
const WALK = new RouteWalk(ROUTE);

/** A reading at `fraction` of the Thai corridor, now, seal closed and moving unless patched. */
export function reading(fraction: number, patch: Partial<SimReading> = {}): SimReading {
  const p = WALK.at(fraction);
  return {
    atMs: Date.now(),
    lon: p.lon,
    lat: p.lat,
    speedKmh: 60,
    courseDeg: p.courseDeg,
    valid: true,
    seal: "closed",
    tamper: false,
    batteryPct: 90,
    ...patch,
  };
}

/** `[lon, lat]` at `fraction` of the Thai corridor. */
export function corridorAt(fraction: number): [number, number] {
  const p = WALK.at(fraction);
  return [p.lon, p.lat];
}

export class OwnConveyance {
  readonly link: Jt701Link;
  /** Where the heartbeat reports from, as a fraction of the corridor. */
  fraction = 0.05;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly t: TestDemo,
    readonly tripId: string,
    readonly deviceId: string,
    lockId: string,
  ) {
    this.link = new Jt701Link({ host: "127.0.0.1", port: t.demo.server.ports.jt701! }, lockId);
    this.lockId = lockId;
  }

  private readonly lockId: string;

  /** Registers the device, declares the trip (officer of the origin), arms it and starts reporting. */
  async start(registration: string): Promise<void> {
    await this.t.client("admin").post("/devices", {
      id: this.deviceId,
      class: "active",
      vendor: "Jointech",
      model: "JT701",
      protocol: "jt701",
      identifiers: [this.lockId],
      reportIntervalS: 5,
      companyId: "northwind-trading",
    });
    await this.link.send([reading(0, { speedKmh: 0, seal: "closed" })]);
    const officer = this.t.client("officer-th-lcb");
    await officer.post("/trips", {
      id: this.tripId,
      origin: TH.origin,
      destination: TH.destination,
      route: { type: "LineString", coordinates: ROUTE.map(([lon, lat]) => [lon, lat]) },
      deadline: new Date(Date.now() + 3_600_000).toISOString(),
      devices: [this.deviceId],
      rules: SIM_RULES,
      companyId: "northwind-trading",
      conveyance: { mode: "road", registration, nationality: "TH" },
      goodsDescription: "Browser test cargo",
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await officer.post(`/trips/${this.tripId}/arm`, {});
        break;
      } catch (error) {
        if (!(error instanceof ApiCallError) || error.code !== "COMMAND_REFUSED" || attempt > 5) throw error;
        await sleep(500);
      }
    }
    await sleep(1100);
    await this.send(reading(this.fraction));
    this.timer = setInterval(() => void this.send(reading(this.fraction)).catch(() => undefined), 3000);
  }

  send(...readings: SimReading[]): Promise<unknown> {
    return this.link.send(readings);
  }

  /** Moves to the destination and stops there (the trip arrives). */
  async arrive(): Promise<void> {
    this.fraction = 1;
    await sleep(1100);
    await this.send(reading(1, { speedKmh: 0 }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.link.close();
  }
}
