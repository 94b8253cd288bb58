/**
 * The shape of one check of the conformance checklist and the helpers the checks share. A check is
 * a pure function of the timeline and the kit's settings; it passes, fails with the frames that
 * show it, or is not applicable (and says why).
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import type { StepId } from "../events.js";
import type { ObservedFrame, StepWindow, Timeline } from "../timeline.js";

export type CheckId =
  | "framing"
  | "checksums"
  | "identity"
  | "acks"
  | "duplicates"
  | "timestamps"
  | "position-validity"
  | "seal-states"
  | "tamper-time"
  | "backlog"
  | "heartbeat"
  | "battery";

export type Verdict = "pass" | "fail" | "not_applicable";

export interface CheckResult {
  readonly id: CheckId;
  readonly title: string;
  readonly verdict: Verdict;
  /** One sentence: what was found. */
  readonly summary: string;
  /** Details, one finding a line (capped). */
  readonly findings: readonly string[];
  /** Frame indexes that show the verdict. */
  readonly evidence: readonly number[];
}

export interface KitSettings {
  /** The identity the device must announce. */
  readonly expectedId?: string;
  /** The heartbeat interval the device is configured with, seconds. */
  readonly heartbeatS?: number;
  /** Longest time from a tamper action to its report, seconds. */
  readonly tamperWithinS: number;
  /** How far a device time may be from the arrival time of a current frame, seconds. */
  readonly clockToleranceS: number;
}

export const DEFAULT_SETTINGS: KitSettings = { tamperWithinS: 60, clockToleranceS: 60 };

export type Check = (timeline: Timeline, settings: KitSettings) => CheckResult;

/** Most findings and evidence frames a result lists (the count of the rest is said). */
export const MAX_FINDINGS = 20;
export const MAX_EVIDENCE = 40;

/** A result, with findings and evidence capped. */
export function result(
  id: CheckId,
  title: string,
  verdict: Verdict,
  summary: string,
  findings: readonly string[] = [],
  evidence: Iterable<number> = [],
): CheckResult {
  const frames = [...new Set(evidence)].sort((a, b) => a - b);
  const shown = findings.slice(0, MAX_FINDINGS);
  if (findings.length > MAX_FINDINGS) shown.push(`… and ${findings.length - MAX_FINDINGS} more`);
  return { id, title, verdict, summary, findings: shown, evidence: frames.slice(0, MAX_EVIDENCE) };
}

export interface ReadingAt {
  readonly frame: ObservedFrame;
  readonly reading: NormalizedReading;
}

/** Every decoded reading in arrival order, with its frame. */
export function readingsOf(timeline: Timeline): ReadingAt[] {
  return timeline.frames.flatMap((frame) => frame.readings.map((reading) => ({ frame, reading })));
}

export function stepsOf(timeline: Timeline, ...ids: StepId[]): StepWindow[] {
  return timeline.steps.filter((s) => ids.includes(s.step));
}

/** Whether a frame arrived inside a step's window (between its begin and end events). */
export function inWindow(frame: ObservedFrame, step: StepWindow): boolean {
  return frame.order > step.beginOrder && (step.endOrder === undefined || frame.order < step.endOrder);
}

export function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

/** A duration for people: "3 h 00 min", "2 min 05 s", "12.3 s". */
export function duration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  const a = Math.abs(ms);
  if (a >= 3_600_000)
    return `${sign}${Math.floor(a / 3_600_000)} h ${String(Math.floor((a % 3_600_000) / 60_000)).padStart(2, "0")} min`;
  if (a >= 60_000)
    return `${sign}${Math.floor(a / 60_000)} min ${String(Math.floor((a % 60_000) / 1000)).padStart(2, "0")} s`;
  return `${sign}${(a / 1000).toFixed(1)} s`;
}

/** A reading's identity for "the same reading again": device, time and what it says. */
export function readingKey(r: NormalizedReading): string {
  const p = r.position;
  return [
    r.deviceId,
    r.atMs,
    p === undefined ? "" : `${p.lon},${p.lat},${p.speedKmh},${p.courseDeg},${p.valid}`,
    r.seal ?? "",
    r.tamper ?? "",
    r.batteryPct ?? "",
  ].join("|");
}

/**
 * The device clock's offset from the kit's (ms to add to a device time), estimated from the frame
 * that arrived closest to its own newest time: backlog and network delay only make a frame look
 * older. Zero when arrival times are unknown. Windows of prompted steps are compared with device
 * times through it, so a device whose clock is off fails the timestamp check only.
 */
export function clockOffsetMs(timeline: Timeline): number {
  let best: number | undefined;
  for (const f of timeline.frames) {
    if (f.receivedAtMs === undefined || f.readings.length === 0) continue;
    const lag = f.receivedAtMs - Math.max(...f.readings.map((r) => r.atMs));
    if (Number.isFinite(lag) && (best === undefined || lag < best)) best = lag;
  }
  return best === undefined || best > 0 ? 0 : best;
}
