/** The audit log over the API: paging in chain order, filtering, and verification that finds an edit. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { createHarness, type Harness, type AuditJson, type Items } from "./support.js";

interface Verification {
  ok: boolean;
  records: number;
  head?: { seq: number; hash: string };
  firstBroken?: number;
  problem?: string;
}

describe("the audit log", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await h.newAlarm();
  });
  after(() => h.close());

  it("pages through every record in chain order with afterSeq", async () => {
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const page = (
        await h.request("GET", `/api/v1/audit?limit=7&afterSeq=${after}`, { as: "supervisor" })
      ).json<Items<AuditJson>>();
      seen.push(...page.items.map((r: { seq: number }) => r.seq));
      if (page.nextAfterSeq === undefined) break;
      after = page.nextAfterSeq;
    }
    assert.ok(seen.length > 15);
    assert.deepEqual(
      seen,
      seen.map((_, i) => i + 1),
    );
    const first = (await h.request("GET", "/api/v1/audit?limit=1", { as: "admin" })).json<Items<AuditJson>>()
      .items[0]!;
    assert.equal(first.prevHash, "0".repeat(64));
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(first.action, "user.create");
  });

  it("filters by subject", async () => {
    const items = (await h.request("GET", "/api/v1/audit?subjectType=user", { as: "admin" })).json<
      Items<AuditJson>
    >().items;
    assert.ok(items.length >= 7);
    assert.ok(items.every((r: { subjectType: string }) => r.subjectType === "user"));
  });

  it("verifies the chain, and names the first record edited behind its back", async () => {
    const ok = (await h.request("GET", "/api/v1/audit/verify", { as: "admin" })).json<Verification>();
    assert.equal(ok.ok, true);
    assert.ok(ok.records > 15);
    assert.equal(ok.head?.seq, ok.records);
    (h.store as SqliteStore).database
      .prepare("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 5")
      .run();
    const broken = (
      await h.request("GET", "/api/v1/audit/verify", { as: "supervisor" })
    ).json<Verification>();
    assert.equal(broken.ok, false);
    assert.equal(broken.firstBroken, 5);
    assert.match(broken.problem ?? "", /edited/);
  });
});
