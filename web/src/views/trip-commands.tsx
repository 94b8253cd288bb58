/**
 * Arm, disarm (with force and a reason before arrival) and cancel, as the trip's state allows; a
 * refusal (e.g. DISARM_REFUSED until the inspection decision is recorded) is shown with its reason.
 */
import { useState } from "react";
import { api, ApiError } from "../api/client.js";
import type { Trip } from "../api/types.js";

/** A refusal in people's words: a disarm refused for the inspection says so first. */
function refusalText(e: unknown): string {
  if (!(e instanceof ApiError)) return String(e);
  if (e.code === "DISARM_REFUSED")
    return `Disarm refused — the inspection decision comes first. ${e.message}`;
  return e.message;
}

export function TripCommands({ trip, onChanged }: { trip: Trip; onChanged: (trip: Trip) => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | undefined>();
  const [forcing, setForcing] = useState(false);
  const [reason, setReason] = useState("");

  const run = async (command: "arm" | "disarm" | "cancel", body: object = {}) => {
    setBusy(true);
    setMessage(undefined);
    try {
      const result = await api<{ trip: Trip }>(`/trips/${encodeURIComponent(trip.id)}/${command}`, { body });
      onChanged(result.trip);
      setMessage({
        kind: "ok",
        text: `${command === "arm" ? "Armed" : command === "disarm" ? "Disarmed" : "Cancelled"}.`,
      });
      setForcing(false);
    } catch (e) {
      setMessage({ kind: "error", text: refusalText(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="trip-commands">
      {trip.state === "declared" && (
        <>
          <button type="button" className="primary" disabled={busy} onClick={() => void run("arm")}>
            Arm {trip.id}
          </button>
          <button type="button" disabled={busy} onClick={() => void run("cancel")}>
            Cancel trip
          </button>
        </>
      )}
      {trip.state === "arrived" && (
        <button type="button" className="primary" disabled={busy} onClick={() => void run("disarm")}>
          Disarm {trip.id}
        </button>
      )}
      {(trip.state === "armed" || trip.state === "in_transit") && !forcing && (
        <button type="button" disabled={busy} onClick={() => setForcing(true)}>
          End early…
        </button>
      )}
      {forcing && (
        <form
          className="force-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run("disarm", { force: true, reason: reason.trim() });
          }}
        >
          <label htmlFor={`reason-${trip.id}`}>Reason for disarming before arrival</label>
          <input
            id={`reason-${trip.id}`}
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="danger" disabled={busy || reason.trim() === ""}>
            Disarm by force
          </button>
          <button type="button" onClick={() => setForcing(false)}>
            Cancel
          </button>
        </form>
      )}
      {message !== undefined && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={message.kind === "error" ? "error" : "ok"}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
