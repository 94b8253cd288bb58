/**
 * The alarm queue: alarms not yet resolved, most severe first, then oldest, each with its age and
 * its acknowledgement timer (counting down to the response-time target, then up in red once it is
 * missed), and the evidence's reason in one line. Arrow keys move between alarms; each alarm's
 * buttons act on it.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Alarm, Severity, User } from "../api/types.js";
import { SEVERITIES } from "../api/types.js";
import { actorName, alarmLabel, clock, SEVERITY_RANK, time } from "../format.js";
import { href } from "../router.js";
import { AlarmActions } from "./alarm-actions.js";
import { EvidenceLine } from "./alarm-evidence.js";
import { SeverityBadge } from "./badges.js";
import { useNow } from "./clock.js";

export interface AlarmQueueProps {
  readonly alarms: readonly Alarm[];
  readonly users: readonly User[];
  /** Who can act (false for traders: the queue is read-only). */
  readonly canHandle: boolean;
  readonly selectedId?: string | undefined;
  readonly onSelect?: (alarm: Alarm) => void;
  readonly onAction?: (alarm: Alarm, what: string) => void;
  readonly label?: string;
}

export function sortQueue(alarms: readonly Alarm[]): Alarm[] {
  return [...alarms].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      Date.parse(a.raisedAt) - Date.parse(b.raisedAt) ||
      (a.id < b.id ? -1 : 1),
  );
}

function AckTimer({ alarm, now }: { alarm: Alarm; now: number }) {
  if (alarm.acknowledgedAt !== undefined) {
    const took = (Date.parse(alarm.acknowledgedAt) - Date.parse(alarm.raisedAt)) / 1000;
    const late = Date.parse(alarm.acknowledgedAt) > Date.parse(alarm.ackDueAt);
    return (
      <span className={late ? "timer late" : "timer ok"}>
        acknowledged in {clock(took)}
        {late ? " (late)" : ""}
      </span>
    );
  }
  const dueInS = (Date.parse(alarm.ackDueAt) - now) / 1000;
  return dueInS >= 0 ? (
    <span className="timer due" aria-label={`acknowledge within ${clock(dueInS)}`}>
      ack due in {clock(dueInS)}
    </span>
  ) : (
    <span className="timer late" aria-label={`acknowledgement overdue by ${clock(-dueInS)}`}>
      ack overdue {clock(-dueInS)}
    </span>
  );
}

export function AlarmQueue({
  alarms,
  users,
  canHandle,
  selectedId,
  onSelect,
  onAction,
  label,
}: AlarmQueueProps) {
  const now = useNow();
  const [severities, setSeverities] = useState<ReadonlySet<Severity>>(new Set(SEVERITIES));
  const [openOnly, setOpenOnly] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const sorted = useMemo(
    () => sortQueue(alarms).filter((a) => severities.has(a.severity) && (!openOnly || a.workflow === "open")),
    [alarms, severities, openOnly],
  );
  const counts = useMemo(() => {
    const c: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const a of alarms) c[a.severity]++;
    return c;
  }, [alarms]);

  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = [...(list.current?.querySelectorAll<HTMLElement>("li.alarm") ?? [])];
    const index = items.findIndex((item) => item.contains(document.activeElement));
    const next = items[Math.min(items.length - 1, Math.max(0, index + (event.key === "ArrowDown" ? 1 : -1)))];
    if (next !== undefined) {
      event.preventDefault();
      next.focus();
    }
  };

  return (
    <section className="queue" aria-labelledby="queue-title">
      <header className="queue-head">
        <h2 id="queue-title">{label ?? "Alarm queue"}</h2>
        <p className="queue-counts" aria-live="polite">
          {sorted.length} shown · {SEVERITIES.map((s) => `${counts[s]} ${s}`).join(" · ")}
        </p>
        <fieldset className="filters">
          <legend className="visually-hidden">Filter alarms</legend>
          {SEVERITIES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={severities.has(s)}
                onChange={(e) => {
                  const next = new Set(severities);
                  if (e.target.checked) next.add(s);
                  else next.delete(s);
                  setSeverities(next);
                }}
              />
              {s}
            </label>
          ))}
          <label className="check">
            <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} />
            not yet acknowledged
          </label>
        </fieldset>
      </header>
      {sorted.length === 0 ? (
        <p className="empty">No alarm waiting.</p>
      ) : (
        <ol
          className="alarm-list"
          ref={list}
          onKeyDown={onKeyDown}
          aria-label="Alarms, most severe first, then oldest"
        >
          {sorted.map((alarm) => {
            const ageS = (now - Date.parse(alarm.raisedAt)) / 1000;
            return (
              <li
                key={alarm.id}
                className={`alarm sev-edge-${alarm.severity}${alarm.id === selectedId ? " selected" : ""}`}
                tabIndex={0}
                data-alarm-id={alarm.id}
                data-trip-id={alarm.tripId}
                aria-label={`${alarm.severity} ${alarmLabel(alarm.type)} on trip ${alarm.tripId}, ${alarm.workflow}`}
                onFocus={(e) => {
                  if (e.target === e.currentTarget) onSelect?.(alarm);
                }}
                onClick={() => onSelect?.(alarm)}
              >
                <div className="alarm-title">
                  <SeverityBadge severity={alarm.severity} />
                  <strong>{alarmLabel(alarm.type)}</strong>
                  <span className={`workflow wf-${alarm.workflow}`}>{alarm.workflow}</span>
                </div>
                <EvidenceLine evidence={alarm.evidence} />
                <div className="alarm-meta">
                  <a href={href({ view: "trip", tripId: alarm.tripId })} onClick={(e) => e.stopPropagation()}>
                    {alarm.tripId}
                  </a>
                  {alarm.deviceId !== null && <span> · {alarm.deviceId}</span>}
                  {alarm.clearedAt !== null && <span> · condition ended {time(alarm.clearedAt)}</span>}
                </div>
                <div className="alarm-times">
                  <span>
                    raised {time(alarm.raisedAt)} · age {clock(ageS)}
                  </span>
                  <AckTimer alarm={alarm} now={now} />
                  {alarm.assignee !== undefined && <span>assigned to {actorName(alarm.assignee)}</span>}
                  {alarm.escalatedAt !== undefined && <span className="timer late">escalated</span>}
                </div>
                {canHandle && (
                  <AlarmActions
                    alarm={alarm}
                    users={users}
                    {...(onAction === undefined ? {} : { onDone: onAction })}
                  />
                )}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
