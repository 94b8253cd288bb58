/** The simulated fleet's plan: seeded, spread over corridors, transports and incidents, valid identifiers. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validateContainerNumber, validateMrn } from "../../src/core/identifiers/index.js";
import { DEMO_CORRIDORS } from "../../src/demo/corridors.js";
import {
  INCIDENT_KINDS,
  planFleet,
  planTrip,
  SIM_TRANSPORTS,
  type IncidentKind,
} from "../../src/sim/fleet.js";

describe("fleet plan", () => {
  it("is the same for the same seed and differs for another", () => {
    const a = planFleet({ seed: 7, vehicles: 60 });
    const b = planFleet({ seed: 7, vehicles: 60 });
    const c = planFleet({ seed: 8, vehicles: 60 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(
      a.map((v) => v.reportEveryMs),
      c.map((v) => v.reportEveryMs),
    );
    const start = Date.UTC(2026, 5, 1);
    assert.deepEqual(planTrip(a[3]!, 2, start), planTrip(b[3]!, 2, start));
  });

  it("uses every corridor and every transport, with unique devices and identifiers", () => {
    const fleet = planFleet({ seed: 1, vehicles: 50 });
    for (const corridor of DEMO_CORRIDORS)
      assert.ok(
        fleet.some((v) => v.corridor.id === corridor.id),
        corridor.id,
      );
    for (const transport of SIM_TRANSPORTS) {
      assert.ok(fleet.filter((v) => v.transport === transport).length >= 10, transport);
      for (const corridorCountry of ["TH", "HK", "KE", "SK"])
        assert.ok(
          fleet.some((v) => v.transport === transport && v.corridor.country === corridorCountry),
          `${transport} in ${corridorCountry}`,
        );
    }
    assert.equal(new Set(fleet.map((v) => v.deviceId)).size, fleet.length);
    assert.equal(new Set(fleet.map((v) => v.identifier)).size, fleet.length);
    for (const v of fleet) {
      if (v.transport === "jt701") assert.match(v.identifier, /^\d{10}$/);
      if (v.transport === "teltonika") assert.match(v.identifier, /^\d{15}$/);
      assert.ok(v.reportEveryMs >= 2000 && v.reportEveryMs <= 5000);
    }
  });

  it("meets every incident kind at least twice in the first trips of 50 conveyances, early", () => {
    const fleet = planFleet({ seed: 1, vehicles: 50 });
    const start = Date.UTC(2026, 5, 1);
    const count = new Map<IncidentKind, number>();
    for (const v of fleet) {
      const trip = planTrip(v, 1, start);
      if (trip.incident === undefined) continue;
      count.set(trip.incident, (count.get(trip.incident) ?? 0) + 1);
      assert.ok(trip.incidentAfterMs <= 40_000, "first incidents within the first minute");
      assert.ok(trip.startFraction > 0, "first trips join the demo part-way");
    }
    for (const kind of INCIDENT_KINDS)
      assert.ok((count.get(kind) ?? 0) >= 2, `${kind}: ${count.get(kind) ?? 0}`);
  });

  it("declares valid MRNs and ISO 6346 container numbers", () => {
    const start = Date.UTC(2026, 5, 1);
    for (const v of planFleet({ seed: 3, vehicles: 40 })) {
      for (let n = 1; n <= 4; n++) {
        const trip = planTrip(v, n, start);
        const mrn = validateMrn(trip.mrn);
        assert.ok(mrn.ok && mrn.warnings === undefined, trip.mrn);
        for (const container of trip.containers) {
          const result = validateContainerNumber(container);
          assert.ok(result.ok && result.warnings === undefined, container);
        }
        assert.equal(trip.reverse, n > 1 && n % 2 === 0);
      }
    }
  });
});
