/** An alarm's evidence as the API shows it: RFC 3339 times, `[lon, lat]` positions. */
import type { AlarmEvidence, EvidencePoint, EvidenceReading } from "../core/evidence/alarm-evidence.js";

const iso = (ms: number): string => new Date(ms).toISOString();

function pointView(point: EvidencePoint) {
  return {
    at: iso(point.atMs),
    ...(point.position === undefined ? {} : { position: [point.position[0], point.position[1]] }),
    ...(point.fixAgeS === undefined ? {} : { fixAgeS: point.fixAgeS }),
    ...(point.office === undefined ? {} : { office: point.office }),
  };
}

function readingView(reading: EvidenceReading) {
  return {
    role: reading.role,
    deviceId: reading.deviceId,
    at: iso(reading.atMs),
    receivedAt: iso(reading.receivedAtMs),
    ...(reading.position === undefined ? {} : { position: [reading.position[0], reading.position[1]] }),
    ...(reading.seq === undefined ? {} : { seq: reading.seq }),
    ...(reading.protocol === undefined ? {} : { protocol: reading.protocol }),
    ...(reading.report === undefined ? {} : { report: [...reading.report] }),
  };
}

export function evidenceView(evidence: AlarmEvidence) {
  return {
    reason: evidence.reason,
    measure: measureView(evidence.measure),
    began: pointView(evidence.began),
    ended: evidence.ended === null ? null : pointView(evidence.ended),
    readings: evidence.readings.map(readingView),
    asOf: iso(evidence.asOfMs),
  };
}

function measureView(measure: AlarmEvidence["measure"]) {
  if (measure.type !== "overdue") return { ...measure };
  const { deadlineMs, ...rest } = measure;
  return { ...rest, deadline: iso(deadlineMs) };
}
