/**
 * An alarm's evidence (docs/evidence.md) as people read it: the reason in one line for the queue,
 * and for the trip view the measured values against their thresholds, where and when the condition
 * began and ended, and the readings it rests on with the device's own words.
 */
import type { AlarmEvidence } from "../api/types.js";
import { dateTime, distance, duration, place } from "../format.js";

type Measure = AlarmEvidence["measure"];

/** Each measured value with its label and unit; which are present depends on the alarm type. */
const MEASURES: readonly { key: keyof Measure; label: string; show: (value: never) => string }[] = [
  { key: "distanceM", label: "Farthest off the route", show: (v: number) => distance(v) },
  { key: "corridorM", label: "Corridor", show: (v: number) => `${distance(v)} each side` },
  { key: "durationS", label: "Lasted", show: (v: number) => duration(v) },
  { key: "minDurationS", label: "Raised after", show: (v: number) => duration(v) },
  { key: "allowedS", label: "Allowed", show: (v: number) => duration(v) },
  { key: "radiusM", label: "Stop radius", show: (v: number) => distance(v) },
  { key: "stopSpeedKmh", label: "Stopped at or below", show: (v: number) => `${v} km/h` },
  { key: "zoneName", label: "Zone", show: (v: string) => v },
  { key: "batteryPct", label: "Lowest battery", show: (v: number) => `${Math.round(v)} %` },
  { key: "thresholdPct", label: "Alarm level", show: (v: number) => `${v} %` },
  { key: "silentS", label: "Without a message", show: (v: number) => duration(v) },
  { key: "sinceArming", label: "Silent since arming", show: (v: boolean) => (v ? "yes" : "no") },
  { key: "deadline", label: "Deadline", show: (v: string) => dateTime(v) },
  { key: "lateS", label: "Late by", show: (v: number) => duration(v) },
  { key: "destinationName", label: "Destination", show: (v: string) => v },
  { key: "reports", label: "Tamper reports in a row", show: (v: number) => String(v) },
  { key: "located", label: "Placed by a recent fix", show: (v: boolean) => (v ? "yes" : "no") },
  { key: "officeName", label: "Read at", show: (v: string) => v },
  { key: "sealNumber", label: "Seal found", show: (v: string) => v },
  {
    key: "declaredSeals",
    label: "Seals declared",
    show: (v: readonly string[]) => (v.length === 0 ? "none" : v.join(", ")),
  },
];

/** The measured values as label and text, in a fixed order. */
export function measureFacts(measure: Measure): { label: string; text: string }[] {
  const facts: { label: string; text: string }[] = [];
  for (const { key, label, show } of MEASURES) {
    const value = measure[key];
    if (value !== undefined) facts.push({ label, text: (show as (v: typeof value) => string)(value) });
  }
  return facts;
}

const ROLE_LABELS: Record<AlarmEvidence["readings"][number]["role"], string> = {
  began: "first reading of the condition",
  worst: "worst reading",
  last: "latest reading still in the condition",
  ended: "reading that ended it",
  before: "seal state before",
  located_by: "fix that places it",
};

/** The reason in one line (the queue's card); nothing for alarms stored before evidence existed. */
export function EvidenceLine({ evidence }: { evidence: AlarmEvidence | undefined }) {
  if (evidence === undefined) return null;
  return (
    <p className="evidence-line" title={evidence.reason}>
      {evidence.reason}
    </p>
  );
}

function where(point: AlarmEvidence["began"]): string {
  const at = dateTime(point.at);
  if (point.office !== undefined) return `${at}, read at ${point.office}`;
  if (point.position === undefined) return `${at}, position unknown`;
  const old =
    point.fixAgeS !== undefined && point.fixAgeS > 60 ? ` (fix ${duration(point.fixAgeS)} older)` : "";
  return `${at} at ${place(point.position)}${old}`;
}

/** Reason, values, places and readings (the trip view's alarm list). */
export function EvidenceDetails({ evidence }: { evidence: AlarmEvidence | undefined }) {
  if (evidence === undefined)
    return <p className="muted evidence-none">No evidence stored (alarm older than evidence).</p>;
  const facts = measureFacts(evidence.measure);
  return (
    <div className="evidence">
      <p className="evidence-reason">{evidence.reason}</p>
      <dl className="evidence-facts">
        {facts.map((f) => (
          <div key={f.label}>
            <dt>{f.label}</dt>
            <dd>{f.text}</dd>
          </div>
        ))}
        <div>
          <dt>Began</dt>
          <dd>{where(evidence.began)}</dd>
        </div>
        {evidence.ended !== null && (
          <div>
            <dt>Ended</dt>
            <dd>{where(evidence.ended)}</dd>
          </div>
        )}
      </dl>
      {evidence.readings.length > 0 && (
        <details className="evidence-readings">
          <summary>Readings it rests on ({evidence.readings.length})</summary>
          <ul className="plain">
            {evidence.readings.map((r) => (
              <li key={`${r.role}-${r.at}-${r.seq ?? ""}`}>
                {dateTime(r.at)}: {ROLE_LABELS[r.role]} from {r.deviceId}
                {r.position !== undefined ? ` at ${place(r.position)}` : ""}
                {r.report !== undefined && r.report.length > 0 ? ` — ${r.report.join("; ")}` : ""}
                {r.seq !== undefined ? ` (reading #${r.seq})` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
