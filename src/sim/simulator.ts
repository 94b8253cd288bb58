/**
 * The simulated fleet at work against a running Sealwatch: every conveyance runs trip after trip on
 * its corridor. Officers declare and arm each trip through the API; the device reports over its own
 * protocol and transport to the gateway, keeps what was not acknowledged and sends it later (which
 * is how a signal-loss incident ends in a store-and-forward backlog); at the destination an officer
 * disarms it, and the conveyance sets off again the other way.
 */
import { demoZone } from "../demo/corridors.js";
import { ApiCallError, type ApiClient } from "./api-client.js";
import {
  planFleet,
  planTrip,
  SIM_RULES,
  type IncidentKind,
  type SimTransport,
  type TripPlan,
  type VehiclePlan,
} from "./fleet.js";
import { HttpLink } from "./links/http-link.js";
import type { DeviceKeyMaterial } from "./links/json-reading.js";
import { Jt701Link } from "./links/jt701-link.js";
import type { DeviceLink, SimReading } from "./links/link.js";
import { MqttLink } from "./links/mqtt-link.js";
import { TeltonikaLink } from "./links/teltonika-link.js";
import { TripMotion, tripRoute } from "./motion.js";
import { Rng } from "./rng.js";

export interface SimLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Where the devices connect. A transport without an endpoint is not used. */
export interface SimEndpoints {
  readonly jt701?: { readonly host: string; readonly port: number };
  readonly teltonika?: { readonly host: string; readonly port: number };
  /** mqtt://host:port */
  readonly mqttUrl?: string;
  /** Base URL of the HTTP ingest (the API server) and the gateway API key's token. */
  readonly http?: { readonly baseUrl: string; readonly token: string };
}

export interface SimulatorOptions {
  readonly seed: number;
  readonly vehicles: number;
  readonly endpoints: SimEndpoints;
  /** The API client of an officer acting at `office` (declares, arms and disarms there). */
  readonly officerAt: (office: string) => ApiClient;
  /** Signing keys of the MQTT and HTTP devices, by device id (see provision.ts). */
  readonly deviceKeys: ReadonlyMap<string, DeviceKeyMaterial>;
  readonly logger: SimLogger;
  /** Latest time after departure for a first trip's incident (default 40 s). */
  readonly firstIncidentWithinMs?: number;
  /** Tags this run's trip ids (default: the start time, in base 36). */
  readonly runTag?: string;
}

export interface SimStats {
  vehicles: number;
  readingsSent: number;
  batchesAcknowledged: number;
  linkFailures: number;
  tripsDeclared: number;
  tripsArmed: number;
  tripsClosed: number;
  apiFailures: number;
  incidents: Partial<Record<IncidentKind, number>>;
  byTransport: Partial<Record<SimTransport, number>>;
}

const ARRIVAL_REPORTS = 2;
const TURNAROUND_MS: readonly [number, number] = [10_000, 25_000];

class Stopped extends Error {}

/** One conveyance: its plan, its device's link and the readings not yet acknowledged. */
class Conveyance {
  readonly outbox: SimReading[] = [];
  readonly rng: Rng;
  batteryPct = 90;
  position: { lon: number; lat: number; courseDeg: number } | undefined;

  constructor(
    readonly plan: VehiclePlan,
    readonly link: DeviceLink,
  ) {
    this.rng = new Rng(plan.seed ^ 0x5eed);
  }
}

export class Simulator {
  readonly stats: SimStats = {
    vehicles: 0,
    readingsSent: 0,
    batchesAcknowledged: 0,
    linkFailures: 0,
    tripsDeclared: 0,
    tripsArmed: 0,
    tripsClosed: 0,
    apiFailures: 0,
    incidents: {},
    byTransport: {},
  };
  readonly fleet: readonly VehiclePlan[];
  private readonly conveyances: Conveyance[] = [];
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  private readonly runTag: string;

  constructor(private readonly options: SimulatorOptions) {
    this.fleet = planFleet({ seed: options.seed, vehicles: options.vehicles });
    // Seconds in base 36, last five digits: short, and different for runs started apart.
    this.runTag =
      options.runTag ??
      Math.floor(Date.now() / 1000)
        .toString(36)
        .slice(-5);
  }

  /** The vehicles whose transport has an endpoint (and a key, for MQTT and HTTP). */
  usable(): VehiclePlan[] {
    const { endpoints, deviceKeys } = this.options;
    return this.fleet.filter((v) => {
      switch (v.transport) {
        case "jt701":
          return endpoints.jt701 !== undefined;
        case "teltonika":
          return endpoints.teltonika !== undefined;
        case "mqtt":
          return endpoints.mqttUrl !== undefined && deviceKeys.has(v.deviceId);
        case "http":
          return endpoints.http !== undefined && deviceKeys.has(v.deviceId);
      }
    });
  }

  private linkOf(v: VehiclePlan): DeviceLink {
    const { endpoints, deviceKeys } = this.options;
    switch (v.transport) {
      case "jt701":
        return new Jt701Link(endpoints.jt701!, v.identifier);
      case "teltonika":
        return new TeltonikaLink(endpoints.teltonika!, v.identifier);
      case "mqtt":
        return new MqttLink(endpoints.mqttUrl!, v.identifier, deviceKeys.get(v.deviceId)!);
      case "http":
        return new HttpLink(
          endpoints.http!.baseUrl,
          endpoints.http!.token,
          v.identifier,
          deviceKeys.get(v.deviceId)!,
        );
    }
  }

  /** Starts every conveyance (staggered over a few seconds). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const usable = this.usable();
    if (usable.length < this.fleet.length)
      this.options.logger.warn(
        `${this.fleet.length - usable.length} of ${this.fleet.length} vehicles have no usable transport and stay parked`,
      );
    this.stats.vehicles = usable.length;
    usable.forEach((plan, i) => {
      const conveyance = new Conveyance(plan, this.linkOf(plan));
      this.conveyances.push(conveyance);
      this.stats.byTransport[plan.transport] = (this.stats.byTransport[plan.transport] ?? 0) + 1;
      this.loops.push(this.run(conveyance, (i * 3_000) / Math.max(1, usable.length)));
    });
  }

  /** Stops the fleet: pending sleeps end, links close, open trips stay as they are. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const wake of [...this.sleepers]) wake();
    for (const c of this.conveyances) c.link.close();
    await Promise.allSettled(this.loops);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.reject(new Stopped());
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        if (this.running) resolve();
        else reject(new Stopped());
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async run(c: Conveyance, delayMs: number): Promise<void> {
    try {
      await this.sleep(delayMs);
      for (let number = 1; this.running; number++) {
        try {
          await this.trip(c, number);
        } catch (error) {
          if (error instanceof Stopped) return;
          this.stats.apiFailures++;
          this.options.logger.warn(
            `${c.plan.label}: trip ${number} abandoned: ${error instanceof Error ? error.message : String(error)}`,
          );
          await this.sleep(5_000 + c.rng.between(0, 5_000));
        }
      }
    } catch (error) {
      if (!(error instanceof Stopped)) throw error;
    }
  }

  /** Queues a reading and sends what the link takes (nothing when out of coverage). */
  private async report(c: Conveyance, reading: SimReading, covered = true): Promise<void> {
    c.outbox.push(reading);
    c.batteryPct = reading.batteryPct;
    if (covered) await this.flush(c);
  }

  private async flush(c: Conveyance): Promise<void> {
    while (c.outbox.length > 0 && this.running) {
      const batch = c.outbox.slice(0, c.link.maxBatch);
      try {
        await c.link.send(batch);
      } catch (error) {
        this.stats.linkFailures++;
        if (this.stats.linkFailures <= 20 || this.stats.linkFailures % 100 === 0)
          this.options.logger.warn(
            `${c.plan.label} (${c.plan.transport}): ${error instanceof Error ? error.message : String(error)}`,
          );
        return;
      }
      c.outbox.splice(0, batch.length);
      this.stats.readingsSent += batch.length;
      this.stats.batchesAcknowledged++;
    }
  }

  private interval(c: Conveyance): number {
    return c.plan.reportEveryMs * c.rng.between(0.9, 1.1);
  }

  private declaration(
    c: Conveyance,
    plan: TripPlan,
    tripId: string,
    origin: string,
    destination: string,
    deadlineMs: number,
  ) {
    const v = c.plan;
    return {
      id: tripId,
      mrn: plan.mrn,
      reference: `LRN-${tripId}`.slice(0, 35),
      origin,
      destination,
      route: { type: "LineString", coordinates: tripRoute(v, plan).map(([lon, lat]) => [lon, lat]) },
      deadline: new Date(deadlineMs).toISOString(),
      devices: [v.deviceId],
      rules: {
        ...SIM_RULES,
        ...(v.corridor.corridorM === undefined ? {} : { corridorM: v.corridor.corridorM }),
      },
      companyId: v.companyId,
      containers: plan.containers,
      conveyance: {
        mode: v.corridor.mode,
        registration: v.registration,
        nationality: v.nationality,
        driver: v.driver,
      },
      goodsDescription: plan.goods,
    };
  }

  private async trip(c: Conveyance, number: number): Promise<void> {
    const v = c.plan;
    const plan = planTrip(v, number, Date.now(), this.options.firstIncidentWithinMs);
    const origin = plan.reverse ? v.corridor.destination : v.corridor.origin;
    const destination = plan.reverse ? v.corridor.origin : v.corridor.destination;
    const start = new TripMotion(v, plan, Date.now()).startPoint();
    c.position = start;
    c.batteryPct = plan.startBatteryPct;
    const tripId = `${v.label}-${this.runTag}-${number}`;

    // At the office (or, for a first trip, wherever the conveyance is): the lock is fitted open.
    await this.report(c, TripMotion.still(start, Date.now(), "open", c.batteryPct, c.rng));
    const remainingMs = plan.travelMs * (1 - plan.startFraction);
    const deadlineMs =
      plan.incident === "overdue"
        ? Date.now() + 10_000 + plan.incidentAfterMs
        : Date.now() + remainingMs * 1.6 + 90_000;
    const officer = this.options.officerAt(origin);
    await officer.post("/trips", this.declaration(c, plan, tripId, origin, destination, deadlineMs));
    this.stats.tripsDeclared++;
    await this.sleep(this.interval(c));

    // Sealed and armed.
    let armed = false;
    for (let attempt = 0; attempt < 4 && !armed; attempt++) {
      await this.report(c, TripMotion.still(start, Date.now(), "closed", c.batteryPct, c.rng));
      if (c.outbox.length > 0) {
        await this.sleep(this.interval(c));
        continue;
      }
      try {
        await officer.post(`/trips/${tripId}/arm`, {});
        armed = true;
      } catch (error) {
        if (!(error instanceof ApiCallError) || error.code !== "COMMAND_REFUSED") throw error;
        await this.sleep(this.interval(c));
      }
    }
    if (!armed) {
      await officer.post(`/trips/${tripId}/cancel`, {}).catch(() => undefined);
      throw new Error(`trip ${tripId} could not be armed`);
    }
    this.stats.tripsArmed++;
    if (plan.incident !== undefined)
      this.stats.incidents[plan.incident] = (this.stats.incidents[plan.incident] ?? 0) + 1;

    // Under way.
    const motion = new TripMotion(v, plan, Date.now());
    let arrivals = 0;
    while (arrivals < ARRIVAL_REPORTS || c.outbox.length > 0) {
      await this.sleep(this.interval(c));
      const sample = motion.sample(Date.now());
      c.position = sample.reading;
      await this.report(c, sample.reading, sample.covered);
      if (sample.arrived && c.outbox.length === 0) arrivals++;
    }

    // At the destination: the officer disarms (by force, with a reason, if arrival was not seen).
    const atOffice = this.options.officerAt(destination);
    let closed = false;
    for (let attempt = 0; attempt < 5 && !closed; attempt++) {
      try {
        await atOffice.post(
          `/trips/${tripId}/disarm`,
          attempt < 4 ? {} : { force: true, reason: "simulator: arrival not recorded" },
        );
        closed = true;
      } catch (error) {
        if (!(error instanceof ApiCallError) || error.code !== "COMMAND_REFUSED") throw error;
        await this.sleep(this.interval(c));
        await this.report(c, motion.sample(Date.now()).reading);
      }
    }
    if (!closed) throw new Error(`trip ${tripId} could not be disarmed`);
    this.stats.tripsClosed++;

    // The lock is taken off inside the office; the conveyance turns round.
    const end = motion.sample(Date.now()).reading;
    await this.report(c, TripMotion.still(end, Date.now(), "open", c.batteryPct, c.rng));
    await this.sleep(c.rng.between(TURNAROUND_MS[0], TURNAROUND_MS[1]));
  }

  /** Live positions of the conveyances (for tests and logs). */
  positions(): { label: string; deviceId: string; lon: number; lat: number }[] {
    return this.conveyances
      .filter((c) => c.position !== undefined)
      .map((c) => ({
        label: c.plan.label,
        deviceId: c.plan.deviceId,
        lon: c.position!.lon,
        lat: c.position!.lat,
      }));
  }

  /** Human summary of the fleet plan (the demo prints it at start). */
  describe(): string[] {
    const counts = new Map<string, number>();
    for (const v of this.usable()) counts.set(v.corridor.id, (counts.get(v.corridor.id) ?? 0) + 1);
    return [...counts].map(([id, n]) => {
      const v = this.fleet.find((f) => f.corridor.id === id)!;
      return `${n} conveyances on ${v.corridor.name} (${demoZone(v.corridor.origin).name} → ${demoZone(v.corridor.destination).name})`;
    });
  }
}
