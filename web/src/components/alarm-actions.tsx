/**
 * What an officer or operator does with an alarm: acknowledge it, assign it to someone who handles
 * alarms, resolve it with an outcome and notes. Every action goes through the API (and so into the
 * audit chain); the live stream brings the new state back to every open dashboard.
 */
import { useId, useState } from "react";
import { api, ApiError } from "../api/client.js";
import type { Alarm, Outcome, User } from "../api/types.js";
import { OUTCOME_LABELS } from "../format.js";

export interface AlarmActionsProps {
  readonly alarm: Alarm;
  readonly users: readonly User[];
  /** After a successful action, with the alarm as the server now has it. */
  readonly onDone?: (alarm: Alarm, what: string) => void;
}

export function AlarmActions({ alarm, users, onDone }: AlarmActionsProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [resolving, setResolving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>("confirmed_breach");
  const [notes, setNotes] = useState("");
  const id = useId();

  const run = async (what: string, path: string, body: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api<Alarm>(`/alarms/${encodeURIComponent(alarm.id)}/${path}`, { body });
      onDone?.(updated, what);
      setResolving(false);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (alarm.workflow === "resolved") return null;
  return (
    <div className="alarm-actions">
      {alarm.workflow === "open" && (
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void run("acknowledged", "acknowledge", {})}
        >
          Acknowledge
        </button>
      )}
      <label className="inline-select">
        <span className="visually-hidden">Assign alarm {alarm.id} to</span>
        <select
          value={alarm.assignee ?? ""}
          disabled={busy}
          onChange={(e) => {
            if (e.target.value !== "") void run("assigned", "assign", { assignee: e.target.value });
          }}
        >
          <option value="">{alarm.assignee === undefined ? "Assign to…" : "Reassign…"}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName} ({u.username})
            </option>
          ))}
        </select>
      </label>
      {alarm.workflow === "acknowledged" && !resolving && (
        <button type="button" disabled={busy} onClick={() => setResolving(true)}>
          Resolve…
        </button>
      )}
      {resolving && (
        <form
          className="resolve-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run("resolved", "resolve", {
              outcome,
              ...(notes.trim() === "" ? {} : { notes: notes.trim() }),
            });
          }}
        >
          <label htmlFor={`${id}-outcome`}>Outcome</label>
          <select
            id={`${id}-outcome`}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as Outcome)}
          >
            {(Object.keys(OUTCOME_LABELS) as Outcome[]).map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-notes`}>Notes</label>
          <textarea id={`${id}-notes`} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              Confirm resolution
            </button>
            <button type="button" disabled={busy} onClick={() => setResolving(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
