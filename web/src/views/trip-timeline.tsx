/**
 * A trip's timeline: readings, alarms (with their evidence), state changes and officers' actions in
 * time order, filtered by kind; entries after the replay position are dimmed.
 */
import { useMemo, useState } from "react";
import type { Alarm, TimelineEntry } from "../api/types.js";
import { actorName, alarmLabel, dateTime, duration, OUTCOME_LABELS, STATE_LABELS } from "../format.js";

const KINDS = ["reading", "alarm", "transition", "action"] as const;
const KIND_LABELS: Record<(typeof KINDS)[number], string> = {
  reading: "Readings",
  alarm: "Alarms",
  transition: "State changes",
  action: "Officers' actions",
};
const SHOWN_READINGS = 300;

function describe(entry: TimelineEntry, alarms: ReadonlyMap<string, Alarm>): string {
  const d: Record<string, unknown> = entry.details ?? {};
  switch (entry.kind) {
    case "reading": {
      const parts = [];
      if (entry.speedKmh !== undefined) parts.push(`${Math.round(entry.speedKmh)} km/h`);
      if (entry.seal !== undefined) parts.push(`seal ${entry.seal}`);
      if (entry.tamper === true) parts.push("TAMPER");
      if (entry.batteryPct !== undefined) parts.push(`battery ${Math.round(entry.batteryPct)} %`);
      if (entry.receivedAt !== undefined && Date.parse(entry.receivedAt) - Date.parse(entry.at) > 15_000)
        parts.push(
          `received ${duration((Date.parse(entry.receivedAt) - Date.parse(entry.at)) / 1000)} late (stored and forwarded)`,
        );
      return `${entry.deviceId ?? ""}: ${parts.join(", ")}`;
    }
    case "transition": {
      const to = (d.to ?? d.state) as keyof typeof STATE_LABELS | undefined;
      return `Trip ${to === undefined ? "changed state" : (STATE_LABELS[to] ?? String(to)).toLowerCase()}${entry.actor === "engine" || entry.actor === undefined ? "" : ` (${actorName(entry.actor)})`}`;
    }
    case "alarm": {
      const type = typeof d.type === "string" ? d.type : undefined;
      const verb = (entry.action ?? "").replace("alarm.", "");
      const reason =
        entry.subjectId === undefined ? undefined : alarms.get(entry.subjectId)?.evidence?.reason;
      const text = `${alarmLabel(type)} ${verb === "raise" ? "raised" : verb === "clear" ? "cleared" : verb}`;
      return verb === "raise" && reason !== undefined ? `${text}: ${reason}` : text;
    }
    case "action": {
      const verb = (entry.action ?? "").replace(".", " ");
      const outcome = typeof d.outcome === "string" ? d.outcome : undefined;
      const extra =
        outcome === undefined
          ? ""
          : ` (${OUTCOME_LABELS[outcome as keyof typeof OUTCOME_LABELS] ?? outcome})`;
      return entry.actor === undefined ? `${verb}${extra}` : `${verb}${extra} by ${actorName(entry.actor)}`;
    }
  }
}

export function TripTimeline({
  timeline,
  alarms,
  replayMs,
  kinds,
  onKinds,
}: {
  readonly timeline: readonly TimelineEntry[];
  readonly alarms: readonly Alarm[];
  readonly replayMs: number | undefined;
  readonly kinds: ReadonlySet<string>;
  readonly onKinds: (kinds: ReadonlySet<string>) => void;
}) {
  const [allReadings, setAllReadings] = useState(false);
  const byId = useMemo(() => new Map(alarms.map((a) => [a.id, a])), [alarms]);
  const entries = useMemo(() => {
    const chosen = timeline.filter((e) => kinds.has(e.kind));
    const readings = chosen.filter((e) => e.kind === "reading").length;
    if (allReadings || readings <= SHOWN_READINGS) return chosen;
    let skip = readings - SHOWN_READINGS;
    return chosen.filter((e) => e.kind !== "reading" || skip-- <= 0);
  }, [timeline, kinds, allReadings]);

  return (
    <section className="timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <fieldset className="filters">
        <legend className="visually-hidden">Show in the timeline</legend>
        {KINDS.map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              checked={kinds.has(k)}
              onChange={(e) => {
                const next = new Set(kinds);
                if (e.target.checked) next.add(k);
                else next.delete(k);
                onKinds(next);
              }}
            />
            {KIND_LABELS[k]}
          </label>
        ))}
        {kinds.has("reading") && !allReadings && (
          <button type="button" onClick={() => setAllReadings(true)}>
            Show every reading
          </button>
        )}
      </fieldset>
      <ol className="timeline-list">
        {entries.map((e, i) => {
          const later = replayMs !== undefined && Date.parse(e.at) > replayMs;
          return (
            <li
              key={`${e.at}-${e.kind}-${e.auditSeq ?? i}`}
              className={`tl tl-${e.kind}${later ? " later" : ""}`}
            >
              <time dateTime={e.at}>{dateTime(e.at)}</time>
              <span className="tl-kind">{e.kind}</span>
              <span className="tl-text">{describe(e, byId)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
