/**
 * A simulated trip's motion meets the monitoring rules as planned: the incident's readings cross
 * the rule's threshold (compressed), and an incident-free trip never does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RouteIndex } from "../../src/core/geo/route-index.js";
import { haversineM } from "../../src/core/geo/sphere.js";
import {
  planFleet,
  planTrip,
  SIM_RULES,
  type IncidentKind,
  type TripPlan,
  type VehiclePlan,
} from "../../src/sim/fleet.js";
import { INCIDENT_DURATION_MS, TripMotion, tripRoute } from "../../src/sim/motion.js";

const fleet = planFleet({ seed: 5, vehicles: 24 });
const START = Date.UTC(2026, 5, 1, 8);

function withIncident(vehicle: VehiclePlan, incident: IncidentKind | undefined): TripPlan {
  const plan = planTrip(vehicle, 1, START);
  const { incident: _drop, ...rest } = plan;
  return incident === undefined ? rest : { ...rest, incident, incidentAfterMs: 20_000 };
}

/** Samples every 3 s from departure to arrival. */
function samples(vehicle: VehiclePlan, plan: TripPlan) {
  const motion = new TripMotion(vehicle, plan, START);
  const out = [];
  for (let t = START; ; t += 3_000) {
    const s = motion.sample(t);
    out.push(s);
    if (s.arrived) break;
    assert.ok(t - START < 30 * 60_000, "arrives");
  }
  return out;
}

function distanceToRouteM(vehicle: VehiclePlan, plan: TripPlan, lon: number, lat: number): number {
  return new RouteIndex(tripRoute(vehicle, plan)).distanceM(lon, lat);
}

describe("trip motion", () => {
  it("keeps an incident-free trip inside its corridor, moving, sealed, untampered", () => {
    for (const vehicle of fleet.slice(0, 12)) {
      const plan = withIncident(vehicle, undefined);
      const corridorM = vehicle.corridor.corridorM ?? 1000;
      const run = samples(vehicle, plan);
      for (const { reading, covered, arrived } of run) {
        assert.ok(distanceToRouteM(vehicle, plan, reading.lon, reading.lat) < corridorM / 4);
        assert.equal(reading.seal, "closed");
        assert.equal(reading.tamper, false);
        assert.equal(covered, true);
        assert.ok(reading.batteryPct > 15);
        if (!arrived) assert.ok(reading.speedKmh > 5);
      }
    }
  });

  it("leaves the corridor for longer than deviationMinS on a deviation", () => {
    const vehicle = fleet[1]!;
    const plan = withIncident(vehicle, "deviation");
    const corridorM = vehicle.corridor.corridorM ?? 1000;
    const outside = samples(vehicle, plan).filter(
      (s) => distanceToRouteM(vehicle, plan, s.reading.lon, s.reading.lat) > corridorM * 1.5,
    );
    assert.ok(outside.length >= 3);
    const spanS = (outside[outside.length - 1]!.reading.atMs - outside[0]!.reading.atMs) / 1000;
    assert.ok(spanS >= SIM_RULES.deviationMinS, `${spanS} s outside`);
  });

  it("stands still for longer than stopMinS on an unauthorized stop", () => {
    const vehicle = fleet[2]!;
    const plan = withIncident(vehicle, "stop");
    const stopped = samples(vehicle, plan).filter((s) => s.reading.speedKmh <= 5 && !s.arrived);
    assert.ok(stopped.length >= 3);
    const first = stopped[0]!.reading;
    for (const s of stopped) assert.ok(haversineM(first.lon, first.lat, s.reading.lon, s.reading.lat) < 50);
    assert.ok((stopped[stopped.length - 1]!.reading.atMs - first.atMs) / 1000 >= SIM_RULES.stopMinS);
  });

  it("reports tamper, an open seal, a coverage gap and a low battery when planned", () => {
    const vehicle = fleet[3]!;
    const run = (kind: IncidentKind) => samples(vehicle, withIncident(vehicle, kind));
    assert.ok(run("tamper").some((s) => s.reading.tamper));
    const opening = run("opening");
    assert.equal(opening[0]!.reading.seal, "closed");
    assert.equal(opening[opening.length - 1]!.reading.seal, "open");
    const gap = run("signal_loss").filter((s) => !s.covered);
    assert.ok(gap.length * 3_000 >= SIM_RULES.signalLossS * 1000);
    assert.ok(gap.length * 3_000 <= INCIDENT_DURATION_MS.signal_loss + 3_000);
    assert.ok(run("low_battery").some((s) => s.reading.batteryPct <= 15));
  });
});
