/** Builders of risk records for the evaluator's tests: a 100 km route north of Laem Chabang. */
import type { LonLat } from "../../../src/core/geo/sphere.js";
import type { RiskAlarm, RiskReading, RiskRecord } from "../../../src/core/risk/record.js";
import { ALARM_SEVERITY, type AlarmType } from "../../../src/core/domain/model.js";

export const T0 = Date.UTC(2025, 5, 10, 6, 0, 0);
export const MIN = 60_000;
/** Along the meridian 100.91 E, from 13.0 N to 13.9 N (about 100 km). */
export const ROUTE: LonLat[] = [
  [100.91, 13.0],
  [100.91, 13.9],
];

/** The position `fraction` of the way along the route, `offKm` east of it. */
export function along(fraction: number, offKm = 0): LonLat {
  return [100.91 + offKm / (111.32 * Math.cos((13.45 * Math.PI) / 180)), 13.0 + 0.9 * fraction];
}

/** An active e-lock reporting every 5 min for `minutes`, on the route, seal closed. */
export function cleanReadings(minutes: number, deviceId = "lock-1"): RiskReading[] {
  const readings: RiskReading[] = [];
  for (let t = 0; t <= minutes; t += 5) {
    const [lon, lat] = along(t / minutes);
    readings.push({
      deviceId,
      kind: "message",
      atMs: T0 + t * MIN,
      lon,
      lat,
      valid: true,
      seal: "closed",
      batteryPct: 90,
    });
  }
  return readings;
}

export function alarm(type: AlarmType, startMin: number, more: Partial<RiskAlarm> = {}): RiskAlarm {
  return {
    id: `${type}-${startMin}`,
    type,
    severity: ALARM_SEVERITY[type],
    device: "lock-1",
    startedAtMs: T0 + startMin * MIN,
    clearedAtMs: null,
    retracted: false,
    workflow: "open",
    ...more,
  };
}

/** A clean 4-hour trip of an established trader, arrived on time; override what the test needs. */
export function record(more: Partial<RiskRecord> = {}): RiskRecord {
  return {
    trip: {
      id: "trip-1",
      origin: "THLCH",
      destination: "THNKY",
      route: ROUTE,
      corridorM: 1000,
      deadlineMs: T0 + 8 * 60 * MIN,
      armedAtMs: T0,
      arrivedAtMs: T0 + 240 * MIN,
    },
    devices: [{ id: "lock-1", class: "active" }],
    readings: cleanReadings(240),
    alarms: [],
    history: {
      corridorTransitsMs: [230 * MIN, 240 * MIN, 250 * MIN],
      trader: { id: "acme", name: "Acme Trading", pastTrips: 40, confirmedIncidents: 0 },
      devicePastTamperAlarms: {},
    },
    asOfMs: T0 + 240 * MIN,
    randomDraw: 0.5,
    ...more,
  };
}
