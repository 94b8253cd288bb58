/** The conformance checklist, in the order the report lists it. */
import type { Timeline } from "../timeline.js";
import type { Check, CheckId, CheckResult, KitSettings } from "./check.js";
import { backlogCheck, heartbeatCheck, timestampCheck } from "./timing.js";
import { batteryCheck, positionValidityCheck, sealStateCheck, tamperTimeCheck } from "./states.js";
import { ackCheck, checksumCheck, duplicateCheck, framingCheck, identityCheck } from "./wire.js";

export const CHECKLIST: readonly (readonly [CheckId, Check])[] = [
  ["framing", framingCheck],
  ["checksums", checksumCheck],
  ["identity", identityCheck],
  ["acks", ackCheck],
  ["duplicates", duplicateCheck],
  ["timestamps", timestampCheck],
  ["position-validity", positionValidityCheck],
  ["seal-states", sealStateCheck],
  ["tamper-time", tamperTimeCheck],
  ["backlog", backlogCheck],
  ["heartbeat", heartbeatCheck],
  ["battery", batteryCheck],
];

/** Runs every check; a check that throws (it should not) fails with the error as its finding. */
export function runChecks(timeline: Timeline, settings: KitSettings): CheckResult[] {
  return CHECKLIST.map(([id, check]) => {
    try {
      return check(timeline, settings);
    } catch (error) {
      return {
        id,
        title: `${id}: the check itself failed`,
        verdict: "fail",
        summary: `internal error: ${error instanceof Error ? error.message : String(error)}`,
        findings: [],
        evidence: [],
      };
    }
  });
}

export { DEFAULT_SETTINGS, type CheckId, type CheckResult, type KitSettings, type Verdict } from "./check.js";
