/**
 * The trip's inspection at destination (docs/risk.md): the recommended channel with its score and
 * every reason with its weight; for the destination's officer, the decision form (a reason when the
 * decision departs from the channel) and, after a check, its outcome; and why a disarm would be
 * refused now. Traders see the channel and the release only (reasons when the server gives them).
 */
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client.js";
import type { Channel, Inspection, InspectionDecision, InspectionResult, Trip } from "../api/types.js";
import { useAsync } from "../components/use-async.js";
import { actorName, dateTime, place } from "../format.js";

export const CHANNEL_LABELS: Record<Channel, string> = {
  green: "Green: release without physical inspection",
  yellow: "Yellow: documentary check and seal verification",
  red: "Red: physical inspection",
};

export const DECISION_LABELS: Record<InspectionDecision, string> = {
  release: "Release",
  documentary_check: "Documentary check and seal verification",
  physical_inspection: "Physical inspection",
};

const RESULT_LABELS: Record<InspectionResult, string> = {
  no_irregularity: "No irregularity",
  irregularity_found: "Irregularity found",
};

function weight(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

/**
 * One step of the inspection as a form: a choice, a text (required for some choices), and a submit
 * that posts both to `path`; a refusal is shown with the server's words.
 */
function StepForm<T extends string>({
  name,
  title,
  labels,
  initial,
  textLabel,
  textField,
  textMax,
  submitLabel,
  path,
  onSaved,
}: {
  readonly name: string;
  readonly title: string;
  readonly labels: Record<T, string>;
  readonly initial: T;
  /** The text's label for a choice, and whether the choice requires it. */
  readonly textLabel: (choice: T) => { label: string; required: boolean };
  readonly textField: string;
  readonly textMax: number;
  readonly submitLabel: string;
  readonly path: string;
  readonly onSaved: (choice: T) => void;
}) {
  const [choice, setChoice] = useState<T>(initial);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const { label, required } = textLabel(choice);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api<Inspection>(path, {
        body: { [name]: choice, ...(text.trim() === "" ? {} : { [textField]: text.trim() }) },
      });
      onSaved(choice);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="inspection-form"
      onSubmit={(e) => void submit(e)}
      aria-label={`Record the ${title.toLowerCase()}`}
    >
      <label htmlFor={`inspection-${name}`}>{title}</label>
      <select id={`inspection-${name}`} value={choice} onChange={(e) => setChoice(e.target.value as T)}>
        {(Object.keys(labels) as T[]).map((c) => (
          <option key={c} value={c}>
            {labels[c]}
            {c === initial && name === "decision" ? " (recommended)" : ""}
          </option>
        ))}
      </select>
      <label htmlFor={`inspection-${textField}`}>{label}</label>
      <textarea
        id={`inspection-${textField}`}
        value={text}
        required={required}
        maxLength={textMax}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="primary" disabled={busy || (required && text.trim() === "")}>
        {submitLabel}
      </button>
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

export function InspectionPanel({
  trip,
  canInspect,
  version,
}: {
  readonly trip: Trip;
  /** The caller may decide here: an officer of the destination office, a supervisor. */
  readonly canInspect: boolean;
  /** Changes when the trip or its alarms change: the recommendation is read again. */
  readonly version: string;
}) {
  const loaded = useAsync(
    () => api<Inspection>(`/trips/${encodeURIComponent(trip.id)}/inspection`),
    [trip.id, version],
  );
  const inspection = loaded.data;
  // A saved step answers with the inspection, but without the disarm check: read it all again.
  const onSaved = () => loaded.reload();
  if (inspection === undefined)
    return loaded.error === undefined ? null : (
      <section className="inspection" aria-labelledby="inspection-title">
        <h2 id="inspection-title">Inspection at destination</h2>
        <p className="error">{loaded.error}</p>
      </section>
    );
  const decision = inspection.decision;
  const atDestination = trip.state === "arrived";
  return (
    <section className="inspection" aria-labelledby="inspection-title" data-channel={inspection.channel}>
      <h2 id="inspection-title">Inspection at destination</h2>
      <p className={`channel channel-${inspection.channel}`}>
        <strong>{CHANNEL_LABELS[inspection.channel]}</strong>
        {inspection.score !== undefined && <span> · score {inspection.score}</span>}
        <span className="muted">
          {" "}
          ·{" "}
          {inspection.state === "fixed"
            ? `fixed at arrival ${dateTime(inspection.fixedAt ?? inspection.arrivedAt)}`
            : "live while travelling"}
        </span>
      </p>
      {inspection.randomSelection?.selected === true && (
        <p className="muted">Chosen by random selection (the risk alone gave {inspection.riskChannel}).</p>
      )}
      {inspection.reasons !== undefined && inspection.reasons.length > 0 && (
        <table className="reasons">
          <caption className="visually-hidden">Reasons and their weights</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Points</th>
            </tr>
          </thead>
          <tbody>
            {inspection.reasons.map((r, i) => (
              <tr key={`${r.code}-${i}`} data-code={r.code}>
                <td>
                  {r.text}
                  {r.position !== undefined && <span className="muted"> · {place(r.position)}</span>}
                  {r.floor !== undefined && <span className="muted"> · at least {r.floor}</span>}
                </td>
                <td className="num">{weight(r.weight)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {inspection.ruleSet !== undefined && (
        <p className="muted">
          Rule set {inspection.ruleSet.id} version {inspection.ruleSet.version}
        </p>
      )}
      {decision !== undefined && (
        <p className="decision">
          Decision: <strong>{DECISION_LABELS[decision.kind]}</strong> by {actorName(decision.by)},{" "}
          {dateTime(decision.at)}
          {decision.reason !== undefined ? ` — “${decision.reason}”` : ""}
          {decision.departsFromRecommendation ? " (departs from the recommendation)" : ""}
        </p>
      )}
      {inspection.outcome !== undefined && (
        <p className="decision">
          Outcome: <strong>{RESULT_LABELS[inspection.outcome.result]}</strong> by{" "}
          {actorName(inspection.outcome.by)}, {dateTime(inspection.outcome.at)}
          {inspection.outcome.description !== undefined ? ` — ${inspection.outcome.description}` : ""}
        </p>
      )}
      {inspection.released && <p className="ok">Released {dateTime(inspection.releasedAt)}.</p>}
      {inspection.disarm?.allowed === false && (
        <p className="warning" role="note">
          Disarming is refused for now: {inspection.disarm.refusal}
        </p>
      )}
      {canInspect && atDestination && inspection.outcome === undefined && (
        <StepForm<InspectionDecision>
          name="decision"
          title="Decision"
          labels={DECISION_LABELS}
          initial={inspection.recommendedDecision}
          textLabel={(d) =>
            d === inspection.recommendedDecision
              ? { label: "Reason (optional)", required: false }
              : { label: "Reason for departing from the recommendation (required)", required: true }
          }
          textField="reason"
          textMax={1000}
          submitLabel="Record decision"
          path={`/trips/${encodeURIComponent(trip.id)}/inspection/decision`}
          onSaved={onSaved}
        />
      )}
      {canInspect &&
        decision !== undefined &&
        decision.kind !== "release" &&
        inspection.outcome === undefined && (
          <StepForm<InspectionResult>
            name="result"
            title="Outcome of the check"
            labels={RESULT_LABELS}
            initial="no_irregularity"
            textLabel={(r) =>
              r === "irregularity_found"
                ? { label: "What was found (required)", required: true }
                : { label: "Notes (optional)", required: false }
            }
            textField="description"
            textMax={4000}
            submitLabel="Record outcome"
            path={`/trips/${encodeURIComponent(trip.id)}/inspection/outcome`}
            onSaved={onSaved}
          />
        )}
    </section>
  );
}
