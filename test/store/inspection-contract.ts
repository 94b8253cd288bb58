/**
 * The inspection part of the store contract (called from storeContract, so that every Store
 * implementation passes it): a recommendation is fixed once, decisions and outcomes replace the
 * record, lists filter by time, office and trip; companies keep their AEO status.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InspectionRecord } from "../../src/store/inspection-ports.js";
import type { StoreHarness } from "./contract.js";
import { T0 } from "./records.js";

function inspection(tripId: string, office: string, fixedAtMs: number): InspectionRecord {
  return {
    tripId,
    office,
    recommendation: {
      channel: "red",
      score: 66,
      riskChannel: "red",
      reasons: [
        {
          factor: "alarm",
          code: "alarm.unauthorized_opening",
          weight: 66,
          text: "seal opened for 6 min outside any office at 13.52 N 100.91 E; still open",
          floor: "red",
          alarmId: "a-1",
          position: [100.91, 13.52],
          atMs: T0,
        },
      ],
      ruleSet: { id: "sealwatch-default", version: "1.0.0" },
      random: { share: 0.05, draw: 0.42, selected: false },
      asOfMs: fixedAtMs,
    },
    fixedAtMs,
    arrivedAtMs: fixedAtMs,
    updatedAtMs: fixedAtMs,
  };
}

export function inspectionContract(h: StoreHarness): void {
  describe("inspections", () => {
    it("fixes a recommendation once, then keeps decisions and outcomes", async () => {
      const store = await h.fresh();
      try {
        const first = inspection("T-1", "OFF-B", T0);
        assert.deepEqual(await store.inspections.fix(first), { record: first, created: true });
        const second = await store.inspections.fix({
          ...inspection("T-1", "OFF-B", T0 + 5),
          fixedAtMs: T0 + 5,
        });
        assert.equal(second.created, false);
        assert.deepEqual(second.record, first);
        const decided: InspectionRecord = {
          ...first,
          decision: {
            kind: "physical_inspection",
            departsFromRecommendation: false,
            actor: "user:officer",
            office: "OFF-B",
            atMs: T0 + 60_000,
          },
          outcome: {
            result: "irregularity_found",
            description: "undeclared goods",
            actor: "user:officer",
            atMs: T0 + 90_000,
          },
          updatedAtMs: T0 + 90_000,
        };
        await store.inspections.put(decided);
        assert.deepEqual(await store.inspections.get("T-1"), decided);
        assert.equal(await store.inspections.get("T-2"), undefined);
      } finally {
        await store.close();
      }
    });

    it("lists by fixing time, office and trip", async () => {
      const store = await h.fresh();
      try {
        for (const [id, office, at] of [
          ["T-3", "OFF-A", T0 + 3000],
          ["T-1", "OFF-A", T0 + 1000],
          ["T-2", "OFF-B", T0 + 2000],
        ] as const)
          await store.inspections.fix(inspection(id, office, at));
        const ids = (records: InspectionRecord[]) => records.map((r) => r.tripId);
        assert.deepEqual(ids(await store.inspections.list()), ["T-1", "T-2", "T-3"]);
        assert.deepEqual(ids(await store.inspections.list({ fromMs: T0 + 2000, toMs: T0 + 3000 })), ["T-2"]);
        assert.deepEqual(ids(await store.inspections.list({ offices: ["OFF-A"] })), ["T-1", "T-3"]);
        assert.deepEqual(ids(await store.inspections.list({ tripIds: ["T-3", "T-2"] })), ["T-2", "T-3"]);
        assert.deepEqual(ids(await store.inspections.list({ tripIds: [] })), []);
      } finally {
        await store.close();
      }
    });

    it("keeps a company's AEO status", async () => {
      const store = await h.fresh();
      try {
        await store.access.putCompany({
          id: "ACME",
          name: "Acme",
          kind: "trader",
          aeo: "AEOF",
          createdAtMs: T0,
        });
        await store.access.putCompany({ id: "SMALL", name: "Small", kind: "carrier", createdAtMs: T0 });
        assert.equal((await store.access.company("ACME"))?.aeo, "AEOF");
        assert.equal("aeo" in ((await store.access.company("SMALL")) ?? {}), false);
      } finally {
        await store.close();
      }
    });
  });
}
