/**
 * A trip's alarms with their evidence (reason, values, place, readings), each with a button that
 * shows its place on the trip's map; staff handle them here too.
 */
import type { Alarm, User } from "../api/types.js";
import { AlarmActions } from "../components/alarm-actions.js";
import { EvidenceDetails } from "../components/alarm-evidence.js";
import { SeverityBadge } from "../components/badges.js";
import { alarmLabel, dateTime, OUTCOME_LABELS, time } from "../format.js";
import { lonLat, type LonLat } from "../map/geometry.js";

/** Where the alarm happened: where its condition began (or ended), from its evidence. */
export function alarmPlace(alarm: Alarm): LonLat | undefined {
  return lonLat(alarm.evidence?.began.position) ?? lonLat(alarm.evidence?.ended?.position);
}

export function TripAlarms({
  alarms,
  users,
  canHandle,
  selectedId,
  onShow,
  onChanged,
}: {
  readonly alarms: readonly Alarm[];
  readonly users: readonly User[];
  readonly canHandle: boolean;
  readonly selectedId: string | undefined;
  readonly onShow: (alarm: Alarm) => void;
  readonly onChanged: (alarm: Alarm) => void;
}) {
  return (
    <section className="trip-alarms" aria-labelledby="trip-alarms-title">
      <h2 id="trip-alarms-title">Alarms ({alarms.filter((a) => !a.retracted).length})</h2>
      {alarms.length === 0 ? (
        <p className="empty">No alarm on this trip.</p>
      ) : (
        <ul className="plain">
          {alarms.map((a) => (
            <li
              key={a.id}
              className={`alarm compact sev-edge-${a.severity}${a.retracted ? " retracted" : ""}${a.id === selectedId ? " selected" : ""}`}
              data-alarm-id={a.id}
            >
              <div className="alarm-title">
                <SeverityBadge severity={a.severity} /> <strong>{alarmLabel(a.type)}</strong>
                <span className={`workflow wf-${a.workflow}`}>{a.retracted ? "retracted" : a.workflow}</span>
              </div>
              <div className="alarm-times">
                started {dateTime(a.startedAt)}
                {a.clearedAt !== null ? ` · ended ${time(a.clearedAt)}` : ""}
                {a.outcome !== undefined ? ` · ${OUTCOME_LABELS[a.outcome]}` : ""}
              </div>
              <EvidenceDetails evidence={a.evidence} />
              {alarmPlace(a) !== undefined && (
                <button type="button" onClick={() => onShow(a)}>
                  Show on map
                </button>
              )}
              {canHandle && !a.retracted && <AlarmActions alarm={a} users={users} onDone={onChanged} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
