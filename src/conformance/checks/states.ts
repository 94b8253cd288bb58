/**
 * Checks of what the device reports: position validity flags that tell the truth, lock, rope and
 * back-cap states that follow the technician's actions, tamper reported in time, and the battery.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { haversineM } from "../../core/geo/sphere.js";
import type { StepId } from "../events.js";
import type { StepWindow } from "../timeline.js";
import {
  clockOffsetMs,
  duration,
  inWindow,
  iso,
  readingsOf,
  result,
  stepsOf,
  type Check,
  type ReadingAt,
} from "./check.js";

/** Faster than this between two valid fixes, one of them is not a real fix. */
const MAX_BELIEVABLE_KMH = 1000;

export const positionValidityCheck: Check = (t) => {
  const title = "Position validity: a fix is flagged valid only when it is one";
  const positioned = readingsOf(t).filter((r) => r.reading.position !== undefined);
  if (positioned.length === 0)
    return result("position-validity", title, "not_applicable", "no reading carried a position");
  const findings: string[] = [];
  const evidence: number[] = [];
  const flag = (r: ReadingAt, what: string): void => {
    findings.push(`frame #${r.frame.index} (${iso(r.reading.atMs)}): ${what}`);
    evidence.push(r.frame.index);
  };
  let previous: ReadingAt | undefined;
  for (const r of positioned) {
    const p = r.reading.position!;
    if (!p.valid) continue;
    if (p.lat === 0 && p.lon === 0) flag(r, "a valid fix at 0°, 0°");
    else if (p.satellites === 0) flag(r, "a valid fix from zero satellites");
    if (previous !== undefined) {
      const q = previous.reading.position!;
      const hours = Math.abs(r.reading.atMs - previous.reading.atMs) / 3_600_000;
      const km = haversineM(q.lon, q.lat, p.lon, p.lat) / 1000;
      if (km > 1 && (hours === 0 || km / hours > MAX_BELIEVABLE_KMH))
        flag(
          r,
          `a valid fix ${km.toFixed(1)} km from the valid fix of frame #${previous.frame.index} ${duration(hours * 3_600_000)} earlier`,
        );
    }
    previous = r;
  }
  const gnssOff = stepsOf(t, "gnss-off");
  const offsetMs = clockOffsetMs(t);
  for (const step of gnssOff) {
    for (const r of positioned) {
      const during =
        inWindow(r.frame, step) &&
        (step.beginAtMs === undefined || r.reading.atMs + offsetMs >= step.beginAtMs);
      if (during && r.reading.position!.valid) flag(r, "a fix flagged valid while the GNSS antenna was off");
    }
  }
  if (findings.length > 0)
    return result(
      "position-validity",
      title,
      "fail",
      `${evidence.length} reading(s) claim a fix they cannot have`,
      findings,
      evidence,
    );
  const invalid = positioned.filter((r) => !r.reading.position!.valid).length;
  return result(
    "position-validity",
    title,
    "pass",
    `${positioned.length} position(s), ${invalid} flagged not valid${gnssOff.length > 0 ? ", every one during the GNSS outage among them" : ""}; no implausible valid fix`,
  );
};

interface Expectation {
  readonly step: StepId;
  readonly what: string;
  readonly holds: (r: NormalizedReading) => boolean;
  /** What the readings said instead, for the finding. */
  readonly said: (r: NormalizedReading) => string;
}

function lockStatus(r: NormalizedReading) {
  return r.vendor?.vendor === "jointech" ? r.vendor.lockStatus : undefined;
}

const EXPECTATIONS: readonly Expectation[] = [
  {
    step: "seal-close",
    what: "the seal closed",
    holds: (r) => r.seal === "closed",
    said: (r) => `seal ${r.seal ?? "not reported"}`,
  },
  {
    step: "seal-open",
    what: "the seal open",
    holds: (r) => r.seal === "open",
    said: (r) => `seal ${r.seal ?? "not reported"}`,
  },
  {
    step: "rope-cut",
    what: "the rope cut (or the seal open and tampered)",
    holds: (r) => {
      const ls = lockStatus(r);
      return ls !== undefined ? ls.ropeCut || !ls.ropeInserted : r.tamper === true || r.seal === "open";
    },
    said: (r) => {
      const ls = lockStatus(r);
      return ls !== undefined
        ? `rope ${ls.ropeInserted ? "inserted" : "out"}, cut ${ls.ropeCut}`
        : `seal ${r.seal ?? "?"}, tamper ${r.tamper ?? "?"}`;
    },
  },
  {
    step: "back-cap",
    what: "the back cap open",
    holds: (r) => lockStatus(r)?.backCapOpened === true,
    said: (r) => `back cap ${lockStatus(r)?.backCapOpened === true ? "open" : "not reported open"}`,
  },
];

/** The readings that arrived during a step and were made after it began. */
function during(all: readonly ReadingAt[], step: StepWindow, offsetMs: number): ReadingAt[] {
  return all.filter(
    (r) =>
      inWindow(r.frame, step) &&
      (step.beginAtMs === undefined || r.reading.atMs + offsetMs >= step.beginAtMs - 1000),
  );
}

export const sealStateCheck: Check = (t) => {
  const title = "Lock, rope and back-cap states follow the prompted actions";
  const all = readingsOf(t);
  const findings: string[] = [];
  const passed: string[] = [];
  const evidence: number[] = [];
  let prompted = 0;
  for (const e of EXPECTATIONS) {
    for (const step of stepsOf(t, e.step)) {
      prompted++;
      const seen = during(all, step, clockOffsetMs(t));
      const hit = seen.find((r) => e.holds(r.reading));
      if (hit !== undefined) {
        passed.push(`${e.step}: frame #${hit.frame.index} shows ${e.what}`);
        evidence.push(hit.frame.index);
        continue;
      }
      const said = [...new Set(seen.map((r) => e.said(r.reading)))].join("; ");
      findings.push(
        seen.length === 0
          ? `${e.step}: no reading came while the step lasted, so nothing showed ${e.what}`
          : `${e.step}: ${seen.length} reading(s) came, none showed ${e.what} (they said: ${said})`,
      );
      evidence.push(...seen.map((r) => r.frame.index));
    }
  }
  if (prompted === 0)
    return result(
      "seal-states",
      title,
      "not_applicable",
      "no state-changing step was prompted (interactive runs only)",
    );
  if (findings.length > 0)
    return result(
      "seal-states",
      title,
      "fail",
      `${findings.length} of ${prompted} prompted change(s) not reported`,
      [...findings, ...passed],
      evidence,
    );
  return result(
    "seal-states",
    title,
    "pass",
    `all ${prompted} prompted change(s) reported`,
    passed,
    evidence,
  );
};

export const tamperTimeCheck: Check = (t, s) => {
  const title = "Tamper reported within the required time";
  const steps = stepsOf(t, "rope-cut", "back-cap");
  if (steps.length === 0)
    return result(
      "tamper-time",
      title,
      "not_applicable",
      "no tamper step was prompted (interactive runs only)",
    );
  const all = readingsOf(t);
  const findings: string[] = [];
  const evidence: number[] = [];
  let worstMs = 0;
  for (const step of steps) {
    const first = all.find((r) => r.frame.order > step.beginOrder && r.reading.tamper === true);
    if (first === undefined) {
      findings.push(`${step.step}: no reading reported tampering`);
      evidence.push(...during(all, step, clockOffsetMs(t)).map((r) => r.frame.index));
      continue;
    }
    evidence.push(first.frame.index);
    if (step.beginAtMs === undefined || first.frame.receivedAtMs === undefined) continue;
    const delayMs = first.frame.receivedAtMs - step.beginAtMs;
    worstMs = Math.max(worstMs, delayMs);
    if (delayMs > s.tamperWithinS * 1000)
      findings.push(
        `${step.step}: tamper reported ${duration(delayMs)} after the prompt (frame #${first.frame.index}), limit ${s.tamperWithinS} s`,
      );
  }
  if (findings.length > 0) return result("tamper-time", title, "fail", findings[0]!, findings, evidence);
  return result(
    "tamper-time",
    title,
    "pass",
    `${steps.length} tamper action(s), each reported within ${duration(worstMs)} (limit ${s.tamperWithinS} s)`,
    [],
    evidence,
  );
};

export const batteryCheck: Check = (t) => {
  const title = "Battery level reported";
  const all = readingsOf(t);
  if (all.length === 0) return result("battery", title, "not_applicable", "no reading came");
  const withLevel = all.filter((r) => r.reading.batteryPct !== undefined);
  if (withLevel.length === 0)
    return result(
      "battery",
      title,
      "fail",
      `none of ${all.length} reading(s) carries a battery level`,
      t.protocol === "teltonika"
        ? ["Teltonika: the level is read from IO 113 unless the device's IO mapping names another"]
        : [],
      all.slice(0, 3).map((r) => r.frame.index),
    );
  const bad = withLevel.filter((r) => !(r.reading.batteryPct! >= 0 && r.reading.batteryPct! <= 100));
  if (bad.length > 0)
    return result(
      "battery",
      title,
      "fail",
      `${bad.length} battery level(s) outside 0–100 %`,
      bad.map((r) => `frame #${r.frame.index}: ${r.reading.batteryPct}%`),
      bad.map((r) => r.frame.index),
    );
  const levels = withLevel.map((r) => r.reading.batteryPct!);
  return result(
    "battery",
    title,
    "pass",
    `${withLevel.length} of ${all.length} reading(s) carry a level (${Math.min(...levels)}–${Math.max(...levels)} %)`,
    [],
    [withLevel[0]!.frame.index, withLevel[withLevel.length - 1]!.frame.index],
  );
};
