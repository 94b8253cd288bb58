/**
 * Completing the engine's evidence with the stored readings it rests on: their place in the durable
 * log, the protocol they came by and what the device itself said, which then leads the reason
 * ("steel rope cut (JT701 bit 3)" rather than "tampering reported by the device").
 */
import type { AlarmEvidence, EvidenceReading } from "./alarm-evidence.js";
import { deviceReportWords, type ReportedReading } from "./device-report.js";
import { reasonOf } from "./wording.js";

/** A stored reading as the evidence needs it (a `ReadingRecord` fits). */
export interface StoredReading extends ReportedReading {
  readonly seq: number;
  readonly deviceId: string;
  readonly atMs: number;
  readonly receivedAtMs: number;
}

/**
 * The evidence with each of its readings matched to a stored one (same device, event and arrival
 * time); readings without a match stay as the engine gave them.
 */
export function withDeviceReports(evidence: AlarmEvidence, stored: readonly StoredReading[]): AlarmEvidence {
  const type = evidence.measure.type;
  const readings: EvidenceReading[] = evidence.readings.map((reading) => {
    const match =
      stored.find(
        (s) =>
          s.deviceId === reading.deviceId &&
          s.atMs === reading.atMs &&
          s.receivedAtMs === reading.receivedAtMs,
      ) ?? stored.find((s) => s.deviceId === reading.deviceId && s.atMs === reading.atMs);
    if (match === undefined) return reading;
    const report = deviceReportWords(match, type);
    return {
      ...reading,
      seq: match.seq,
      protocol: match.protocol,
      ...(report.length === 0 ? {} : { report }),
    };
  });
  const began = readings.find((r) => r.role === "began");
  const words = began?.report ?? [];
  const speaks = type === "tamper" || type === "unauthorized_opening";
  return {
    ...evidence,
    readings,
    reason: speaks && words.length > 0 ? reasonOf(evidence.measure, words) : evidence.reason,
  };
}
