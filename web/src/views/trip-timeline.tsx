/**
 * A trip's timeline: readings, alarms (with their evidence), state changes and officers' actions in
 * time order, filtered by kind; entries after the replay position are dimmed.
 */
import { useMemo, useState } from "react";
import type { Alarm, TimelineEntry, User } from "../api/types.js";
import { actorName, alarmLabel, dateTime, duration, OUTCOME_LABELS, STATE_LABELS } from "../format.js";

const KINDS = ["reading", "alarm", "transition", "action"] as const;
const KIND_LABELS: Record<(typeof KINDS)[number], string> = {
  reading: "Readings",
  alarm: "Alarms",
  transition: "State changes",
  action: "Officers' actions",
};
const SHOWN_READINGS = 300;

function describe(
  entry: TimelineEntry,
  alarms: ReadonlyMap<string, Alarm>,
  people: ReadonlyMap<string, string>,
): string {
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
      return `Trip ${to === undefined ? "changed state" : (STATE_LABELS[to] ?? String(to)).toLowerCase()}${entry.actor === undefined || NON_PERSONS.has(entry.actor) ? "" : ` (${actorName(entry.actor)})`}`;
    }
    case "alarm": {
      const type = typeof d.type === "string" ? d.type : undefined;
      const verb = (entry.action ?? "").replace("alarm.", "");
      const reason =
        entry.subjectId === undefined ? undefined : alarms.get(entry.subjectId)?.evidence?.reason;
      const text = `${alarmLabel(type)} ${verb === "raise" ? "raised" : verb === "clear" ? "cleared" : verb}`;
      return verb === "raise" && reason !== undefined ? `${text}: ${reason}` : text;
    }
    case "action":
      return actionSentence(entry, alarms, people);
  }
}

/** Authors that are no person: their steps are told without a name. */
const NON_PERSONS = new Set(["engine", "system"]);

/** What each action did, said of its author ("armed the trip") and without one ("Trip armed"). */
const ACTIONS: Record<string, { readonly did: string; readonly done: string }> = {
  "trip.declare": { did: "declared the trip", done: "Trip declared" },
  "trip.arm": { did: "armed the trip", done: "Trip armed" },
  "trip.disarm": { did: "disarmed the trip", done: "Trip disarmed" },
  "trip.cancel": { did: "cancelled the trip", done: "Trip cancelled" },
  "trip.disarm.refused": { did: "was refused the disarm", done: "Disarm refused" },
  "trip.incident": { did: "reported an incident", done: "Incident reported" },
  "trip.inspection.recommend": {
    did: "fixed the inspection recommendation",
    done: "Inspection recommendation fixed",
  },
  "trip.inspection.decide": { did: "decided on the inspection", done: "Inspection decided" },
  "trip.inspection.outcome": {
    did: "recorded the outcome of the check",
    done: "Outcome of the check recorded",
  },
  "alarm.acknowledge": { did: "acknowledged the {alarm}", done: "{Alarm} acknowledged" },
  "alarm.assign": { did: "assigned the {alarm}", done: "{Alarm} assigned" },
  "alarm.comment": { did: "commented on the {alarm}", done: "Comment on the {alarm}" },
  "alarm.resolve": { did: "resolved the {alarm}", done: "{Alarm} resolved" },
  "alarm.escalate": { did: "escalated the {alarm}", done: "{Alarm} escalated" },
};

function words(value: string): string {
  return value.replace(/_/g, " ");
}

/** "Officer Somchai armed the trip.", "Tamper alarm resolved: Confirmed breach." */
function actionSentence(
  entry: TimelineEntry,
  alarms: ReadonlyMap<string, Alarm>,
  people: ReadonlyMap<string, string>,
): string {
  const d: Record<string, unknown> = entry.details ?? {};
  const alarm =
    entry.subjectType === "alarm" && entry.subjectId !== undefined ? alarms.get(entry.subjectId) : undefined;
  const alarmWords = `${alarm === undefined ? "" : `${alarmLabel(alarm.type)} `}alarm`;
  const known = ACTIONS[entry.action ?? ""];
  const phrase = known ?? { did: words(entry.action ?? "acted"), done: words(entry.action ?? "Action") };
  const fill = (text: string) =>
    text
      .replace("{alarm}", alarmWords)
      .replace("{Alarm}", alarmWords.charAt(0).toUpperCase() + alarmWords.slice(1));
  const extras: string[] = [];
  if (typeof d.outcome === "string")
    extras.push(OUTCOME_LABELS[d.outcome as keyof typeof OUTCOME_LABELS] ?? words(d.outcome));
  if (typeof d.decision === "string") extras.push(words(d.decision));
  if (typeof d.channel === "string" && entry.action !== "trip.inspection.decide")
    extras.push(`${d.channel} channel`);
  if (typeof d.result === "string") extras.push(words(d.result));
  const extra = extras.length === 0 ? "" : `: ${extras.join(", ")}`;
  const person =
    entry.actor === undefined || NON_PERSONS.has(entry.actor) ? undefined : actorName(entry.actor);
  if (person === undefined) return `${fill(phrase.done)}${extra}.`;
  return `${people.get(person) ?? person} ${fill(phrase.did)}${extra}.`;
}

export function TripTimeline({
  timeline,
  alarms,
  users,
  replayMs,
  kinds,
  onKinds,
}: {
  readonly timeline: readonly TimelineEntry[];
  readonly alarms: readonly Alarm[];
  /** Staff the caller may list (names for the timeline's sentences); none for traders. */
  readonly users: readonly User[];
  readonly replayMs: number | undefined;
  readonly kinds: ReadonlySet<string>;
  readonly onKinds: (kinds: ReadonlySet<string>) => void;
}) {
  const [allReadings, setAllReadings] = useState(false);
  const byId = useMemo(() => new Map(alarms.map((a) => [a.id, a])), [alarms]);
  const people = useMemo(() => new Map(users.map((u) => [u.username, u.displayName])), [users]);
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
              <span className="tl-text">{describe(e, byId, people)}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
