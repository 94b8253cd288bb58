/**
 * Builds small scenarios for rule tables in readable units: a straight route along the equator from
 * an origin office at km 0 to a destination office at km 100; positions are given as kilometres along
 * the route and metres off it; times as minutes after 08:00 on 2025-06-10.
 */
import type { LonLat } from "../../src/core/geo/sphere.js";
import { formatTimeMs } from "../../src/core/time/rfc3339.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;
const T0 = Date.UTC(2025, 5, 10, 8, 0, 0);

/** `[lon, lat]` of a point `km` along the route and `offM` metres north of it. */
export function along(km: number, offM = 0): LonLat {
  return [(km * 1000) / M_PER_DEG, offM / M_PER_DEG];
}

/** Time `minutes` after the scenario start (fractions allowed), as the contract's text. */
export function t(minutes: number): string {
  return formatTimeMs(T0 + Math.round(minutes * 60_000));
}

export function box(centerKm: number, halfKm: number): LonLat[] {
  const [lon0] = along(centerKm - halfKm);
  const [lon1] = along(centerKm + halfKm);
  const [, lat0] = along(0, -halfKm * 1000);
  const [, lat1] = along(0, halfKm * 1000);
  return [
    [lon0, lat0],
    [lon1, lat0],
    [lon1, lat1],
    [lon0, lat1],
  ];
}

export interface BuiltScenario {
  zones: object[];
  devices: object[];
  trips: object[];
  inputs: object[];
}

export class ScenarioBuilder {
  readonly doc: BuiltScenario;

  constructor(
    options: {
      rules?: object;
      devices?: object[];
      checkpoints?: string[];
      deadlineMin?: number;
      extraZones?: object[];
    } = {},
  ) {
    this.doc = {
      zones: [
        { id: "ORIGIN", kind: "office", polygon: box(0, 1) },
        { id: "DEST", kind: "office", polygon: box(100, 1) },
        ...(options.extraZones ?? []),
      ],
      devices: options.devices ?? [{ id: "D1", class: "active", reportIntervalS: 60 }],
      trips: [
        {
          id: "T1",
          origin: "ORIGIN",
          destination: "DEST",
          devices: (options.devices ?? [{ id: "D1" }]).map((d) => (d as { id: string }).id),
          route: [along(0), along(50), along(100)],
          deadline: t(options.deadlineMin ?? 24 * 60),
          ...(options.checkpoints === undefined ? {} : { checkpoints: options.checkpoints }),
          ...(options.rules === undefined ? {} : { rules: options.rules }),
        },
      ],
      inputs: [],
    };
  }

  /** A message; `km`/`offM` place its fix (omit `km` for no position). */
  msg(
    minute: number,
    fields: {
      km?: number;
      offM?: number;
      speed?: number;
      valid?: boolean;
      receivedMin?: number;
      device?: string;
      [key: string]: unknown;
    } = {},
  ): this {
    const { km, offM, speed, valid, receivedMin, device, ...rest } = fields;
    const input: Record<string, unknown> = {
      type: "message",
      device: device ?? "D1",
      at: t(minute),
      ...rest,
    };
    if (receivedMin !== undefined) input.receivedAt = t(receivedMin);
    if (km !== undefined) {
      const [lon, lat] = along(km, offM ?? 0);
      input.position = {
        lon,
        lat,
        ...(speed === undefined ? {} : { speedKmh: speed }),
        ...(valid === undefined ? {} : { valid }),
      };
    }
    this.doc.inputs.push(input);
    return this;
  }

  /** The usual start: a closed seal at the origin, then arming. */
  armed(minute = 0): this {
    return this.msg(minute - 1, { km: 0, speed: 0, seal: "closed" }).command(minute, "arm");
  }

  command(minute: number, command: string, extra: Record<string, unknown> = {}): this {
    this.doc.inputs.push({ type: "command", at: t(minute), command, trip: "T1", ...extra });
    return this;
  }

  read(minute: number, device: string, office: string, status: string): this {
    this.doc.inputs.push({ type: "read", at: t(minute), device, office, status });
    return this;
  }

  tick(minute: number): this {
    this.doc.inputs.push({ type: "tick", at: t(minute) });
    return this;
  }

  raw(input: unknown): this {
    this.doc.inputs.push(input as object);
    return this;
  }

  /** Replays and returns the contract's output. */
  run(): Output {
    return toOutputJson(replay(parseScenario(this.doc))) as Output;
  }
}

export interface OutputAlarm {
  type: string;
  severity: string;
  trip: string;
  device: string | null;
  zone?: string;
  startedAt: string;
  clearedAt: string | null;
}

export interface Output {
  alarms: OutputAlarm[];
  retracted: { type: string; trip: string; device: string | null; startedAt: string; zone?: string }[];
  trips: { id: string; state: string; transitions: { state: string; at: string }[] }[];
  rejected: { input: number; reason: string }[];
}

/** Alarms of one type as `[startedAt, clearedAt]` pairs. */
export function spans(output: Output, type: string): [string, string | null][] {
  return output.alarms.filter((a) => a.type === type).map((a) => [a.startedAt, a.clearedAt]);
}
