/**
 * The kit against the simulated device, live over TCP with a scripted technician: a well-behaved
 * JT701 e-lock and Teltonika tracker pass every check; each misbehaviour fails its own check, with
 * evidence frames, and leaves every other check as it was.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConformanceReport } from "../../src/conformance/report.js";
import type { Misbehaviour } from "../../src/sim/conformance-device.js";
import { session } from "./support.js";

function verdicts(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
}

function explain(report: ConformanceReport): string {
  return report.checks
    .filter((c) => c.verdict !== "pass")
    .map((c) => `${c.id} ${c.verdict}: ${c.summary} ${c.findings.join(" | ")}`)
    .join("\n");
}

/** Which check each misbehaviour must fail. */
const MATCHING: Readonly<Record<Misbehaviour, string>> = {
  "bad-checksum": "checksums",
  "ack-ignored": "acks",
  "clock-drift": "timestamps",
  "backlog-reversed": "backlog",
  "duplicate-frames": "duplicates",
  "stuck-lock": "seal-states",
};

for (const protocol of ["jt701", "teltonika"] as const) {
  describe(`the conformance kit against a simulated ${protocol} device`, () => {
    let baseline: Record<string, string>;

    it("a well-behaved device passes every check that applies", async () => {
      const report = await session(protocol);
      baseline = verdicts(report);
      const expected = Object.fromEntries(
        report.checks.map((c) => [
          c.id,
          c.id === "checksums" && protocol === "jt701" ? "not_applicable" : "pass",
        ]),
      );
      assert.deepEqual(baseline, expected, explain(report));
      assert.equal(report.verdict, "conforms");
      assert.deepEqual(report.unreadable, []);
    });

    for (const [misbehaviour, check] of Object.entries(MATCHING) as [Misbehaviour, string][]) {
      if (misbehaviour === "bad-checksum" && protocol === "jt701") continue; // JT701 `$` frames have no checksum
      it(`${misbehaviour}: the ${check} check fails with evidence, the others are unaffected`, async () => {
        const report = await session(protocol, [misbehaviour]);
        const result = report.checks.find((c) => c.id === check)!;
        assert.equal(result.verdict, "fail", explain(report));
        assert.ok(result.evidence.length > 0, "evidence frames");
        for (const i of result.evidence)
          assert.ok(
            report.frames.some((f) => f.index === i),
            `evidence frame #${i} is in the report`,
          );
        const others = { ...verdicts(report) };
        const expectedOthers = { ...baseline };
        delete others[check];
        delete expectedOthers[check];
        assert.deepEqual(others, expectedOthers, explain(report));
      });
    }
  });
}
