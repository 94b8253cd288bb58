/**
 * The notification part of the store contract (called from storeContract, so that every Store
 * implementation passes it): rules, rosters and profiles are stored whole, replaced by key, listed
 * in a stable order and deleted once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NotificationRule, OnCallRoster } from "../../src/core/notify/model.js";
import type { StoreHarness } from "./contract.js";
import { T0 } from "./records.js";

function rule(id: string, createdAtMs: number): NotificationRule {
  return {
    id,
    name: `rule ${id}`,
    enabled: true,
    match: { severities: ["critical"], corridors: [{ origin: "TH-LCB", destination: "TH-NKI" }] },
    channels: ["email", "webpush"],
    chain: [
      { afterMin: 0, to: { kind: "on_duty" } },
      { afterMin: 15, to: { kind: "supervisors" } },
    ],
    quietHours: { start: "22:00", end: "06:00" },
    createdAtMs,
    updatedAtMs: createdAtMs,
    updatedBy: "user:sup",
  };
}

const roster: OnCallRoster = {
  office: "TH-LCB",
  timeZone: "Asia/Bangkok",
  shifts: [{ days: [1, 2, 3], start: "20:00", end: "08:00", userIds: ["u1", "u2"] }],
  supervisorIds: ["s1"],
  updatedAtMs: T0,
  updatedBy: "user:sup",
};

export function notifyContract(h: StoreHarness): void {
  describe("notification rules, rosters and profiles", () => {
    it("keeps rules whole, oldest first, replaced by id, deleted once", async () => {
      const store = await h.fresh();
      await store.notify.putRule(rule("r-b", T0 + 1));
      await store.notify.putRule(rule("r-a", T0 + 2));
      assert.deepEqual(await store.notify.rule("r-b"), rule("r-b", T0 + 1));
      const changed = { ...rule("r-b", T0 + 1), enabled: false, updatedAtMs: T0 + 5 };
      await store.notify.putRule(changed);
      assert.deepEqual(
        (await store.notify.rules()).map((r) => [r.id, r.enabled]),
        [
          ["r-b", false],
          ["r-a", true],
        ],
      );
      assert.equal(await store.notify.deleteRule("r-b"), true);
      assert.equal(await store.notify.deleteRule("r-b"), false);
      assert.equal(await store.notify.rule("r-b"), undefined);
    });

    it("keeps one roster per office and one profile per user", async () => {
      const store = await h.fresh();
      await store.notify.putRoster(roster);
      await store.notify.putRoster({ ...roster, office: "KE-MBA", timeZone: "Africa/Nairobi" });
      await store.notify.putRoster({ ...roster, supervisorIds: [] });
      assert.deepEqual(
        (await store.notify.rosters()).map((r) => [r.office, r.supervisorIds.length]),
        [
          ["KE-MBA", 1],
          ["TH-LCB", 0],
        ],
      );
      assert.deepEqual(await store.notify.roster("KE-MBA"), {
        ...roster,
        office: "KE-MBA",
        timeZone: "Africa/Nairobi",
      });
      assert.equal(await store.notify.deleteRoster("KE-MBA"), true);
      assert.equal(await store.notify.roster("KE-MBA"), undefined);

      assert.equal(await store.notify.profile("u1"), undefined);
      const profile = {
        userId: "u1",
        language: "th" as const,
        email: "u1@example.org",
        push: [],
        updatedAtMs: T0,
      };
      await store.notify.putProfile(profile);
      await store.notify.putProfile({ ...profile, language: "sw" });
      assert.equal((await store.notify.profile("u1"))?.language, "sw");
    });
  });
}
