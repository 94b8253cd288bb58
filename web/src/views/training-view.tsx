/**
 * Training mode (docs/training.md): instructors and supervisors start sessions and read every
 * trainee's debrief; trainees work their session's alarms and arrivals here, under a TRAINING banner
 * (nothing on this page is live data), and read their scored debrief.
 */
import { useState } from "react";
import { api } from "../api/client.js";
import type { Alarm, Trip } from "../api/types.js";
import type * as Gen from "../api/openapi.gen.js";
import { useAsync } from "../components/use-async.js";
import { alarmLabel } from "../format.js";
import { href, navigate } from "../router.js";
import { useSession } from "../session.js";

type Session = Gen.TrainingSession;
type Debrief = Gen.TrainingDebrief;
const OUTCOMES = ["confirmed_breach", "false_alarm", "technical_fault"] as const;
const DECISIONS = ["release", "documentary_check", "physical_inspection"] as const;

function runs(role: string): boolean {
  return role === "instructor" || role === "supervisor";
}

export function TrainingView({ sessionId }: { readonly sessionId?: string }) {
  const { me } = useSession();
  if (sessionId !== undefined)
    return <SessionPage key={sessionId} sessionId={sessionId} runner={runs(me.role)} />;
  return <SessionList runner={runs(me.role)} />;
}

function SessionList({ runner }: { readonly runner: boolean }) {
  const sessions = useAsync(() => api<{ items: Session[] }>("/training/sessions"), []);
  return (
    <section className="panel training" aria-labelledby="training-title">
      <p className="training-banner" role="note">
        TRAINING — exercises on the real engine in an isolated workspace; nothing here is live.
      </p>
      <h1 id="training-title">Training</h1>
      {runner && <StartForm onStarted={sessions.reload} />}
      <h2>Sessions</h2>
      {sessions.error !== undefined && <p role="alert">{sessions.error}</p>}
      <ul className="training-sessions">
        {(sessions.data?.items ?? []).map((s) => (
          <li key={s.id}>
            <a href={href({ view: "training", sessionId: s.id })}>{s.title}</a> · {s.state} · {s.speed}× ·{" "}
            {s.trainees.map((t) => t.username).join(", ")}
          </li>
        ))}
      </ul>
    </section>
  );
}

function StartForm({ onStarted }: { readonly onStarted: () => void }) {
  const exercises = useAsync(() => api<{ items: Gen.TrainingExercise[] }>("/training/exercises"), []);
  const [exerciseId, setExerciseId] = useState("");
  const [trainees, setTrainees] = useState("");
  const [speed, setSpeed] = useState(30);
  const [error, setError] = useState<string | undefined>();
  const start = async () => {
    setError(undefined);
    try {
      const session = await api<Session>("/training/sessions", {
        body: {
          exerciseId: exerciseId === "" ? exercises.data?.items[0]?.id : exerciseId,
          speed,
          trainees: trainees
            .split(/[\s,]+/)
            .map((t) => t.trim())
            .filter((t) => t !== ""),
        },
      });
      onStarted();
      navigate({ view: "training", sessionId: session.id });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <form
      className="training-start"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <h2>Start a session</h2>
      <label>
        Exercise
        <select value={exerciseId} onChange={(e) => setExerciseId(e.target.value)}>
          {(exercises.data?.items ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.title} ({x.level})
            </option>
          ))}
        </select>
      </label>
      <label>
        Trainees (usernames)
        <input value={trainees} onChange={(e) => setTrainees(e.target.value)} />
      </label>
      <label>
        Speed
        <input
          type="number"
          min={1}
          max={60}
          value={speed}
          onChange={(e) => setSpeed(Number(e.target.value))}
        />
      </label>
      <button type="submit">Start</button>
      {error !== undefined && <p role="alert">{error}</p>}
    </form>
  );
}

function SessionPage({ sessionId, runner }: { readonly sessionId: string; readonly runner: boolean }) {
  const { me } = useSession();
  const base = `/training/sessions/${encodeURIComponent(sessionId)}`;
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);
  const session = useAsync(() => api<Session>(base), [base, tick]);
  const trainee = session.data?.trainees.some((t) => t.userId === me.id) === true;
  const finished = session.data?.state === "finished";
  return (
    <section className="panel training" aria-labelledby="session-title">
      <p className="training-banner" role="note">
        TRAINING — session {sessionId}: nothing here is live data.
      </p>
      {session.error !== undefined && <p role="alert">{session.error}</p>}
      {session.data !== undefined && (
        <>
          <h1 id="session-title">{session.data.title}</h1>
          <p>
            {session.data.briefing.role} · {session.data.briefing.office} · {session.data.speed}× ·{" "}
            <span className="exercise-clock">exercise time {session.data.exerciseNow}</span> ·{" "}
            {session.data.state}
          </p>
          <p className="briefing">{session.data.briefing.text}</p>
          <button type="button" onClick={refresh}>
            Refresh
          </button>
          {runner && !finished && (
            <button type="button" onClick={() => void api(`${base}/finish`, { body: {} }).then(refresh)}>
              Finish session
            </button>
          )}
          {trainee && !finished && <Workspace base={base} tick={tick} onAction={refresh} />}
          {(finished || runner) && <DebriefView base={base} tick={tick} />}
        </>
      )}
    </section>
  );
}

function Workspace({
  base,
  tick,
  onAction,
}: {
  readonly base: string;
  readonly tick: number;
  readonly onAction: () => void;
}) {
  const alarms = useAsync(() => api<{ items: Alarm[] }>(`${base}/alarms`), [base, tick]);
  const trips = useAsync(() => api<{ items: Trip[] }>(`${base}/trips`), [base, tick]);
  const [error, setError] = useState<string | undefined>();
  const act = (path: string, body: object = {}) =>
    api(`${base}${path}`, { body }).then(
      () => {
        setError(undefined);
        onAction();
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  return (
    <>
      {error !== undefined && <p role="alert">{error}</p>}
      <h2>Alarms</h2>
      <table className="training-alarms">
        <thead>
          <tr>
            <th>Alarm</th>
            <th>Trip</th>
            <th>Started</th>
            <th>State</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {(alarms.data?.items ?? []).map((a) => (
            <tr key={a.id} data-alarm-type={a.type}>
              <td>{alarmLabel(a.type)}</td>
              <td>{a.tripId}</td>
              <td>{a.startedAt}</td>
              <td>
                {a.retracted ? "retracted" : a.workflow}
                {a.outcome === undefined ? "" : ` · ${a.outcome}`}
              </td>
              <td>
                {a.workflow === "open" && (
                  <button type="button" onClick={() => void act(`/alarms/${a.id}/acknowledge`)}>
                    Acknowledge
                  </button>
                )}
                <button type="button" onClick={() => void act(`/alarms/${a.id}/escalate`)}>
                  Escalate
                </button>
                <button
                  type="button"
                  onClick={() => void act(`/alarms/${a.id}/remote-unlock`, { answer: "refuse" })}
                >
                  Refuse unlock
                </button>
                {a.workflow === "acknowledged" &&
                  OUTCOMES.map((o) => (
                    <button
                      key={o}
                      type="button"
                      onClick={() => void act(`/alarms/${a.id}/resolve`, { outcome: o })}
                    >
                      {o.replaceAll("_", " ")}
                    </button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Trips</h2>
      <ul className="training-trips">
        {(trips.data?.items ?? []).map((t) => (
          <li key={t.id} data-trip={t.id}>
            {t.id} · {t.state}
            {t.arrivedAt !== undefined &&
              DECISIONS.map((d) => (
                <button
                  key={d}
                  type="button"
                  onClick={() => void act(`/trips/${t.id}/decision`, { decision: d })}
                >
                  {d.replaceAll("_", " ")}
                </button>
              ))}
          </li>
        ))}
      </ul>
    </>
  );
}

function DebriefView({ base, tick }: { readonly base: string; readonly tick: number }) {
  const debrief = useAsync(() => api<Debrief>(`${base}/debrief`), [base, tick]);
  if (debrief.data === undefined) return null;
  const notes = new Map(debrief.data.responses.map((r) => [r.id, r.notes]));
  return (
    <>
      <h2>Debrief</h2>
      {debrief.data.results.map((r) => (
        <article key={r.trainee.userId} className="training-result">
          <h3>
            {r.trainee.username}: <span className="score">{r.percent} %</span> ({r.points} of {r.maxPoints}{" "}
            points)
          </h3>
          <table>
            <thead>
              <tr>
                <th>Step</th>
                <th>Expected</th>
                <th>Done</th>
                <th>Verdict</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map((item) => (
                <tr key={`${item.responseId}-${item.item}`}>
                  <td>
                    {item.responseId} · {item.item}
                  </td>
                  <td>{item.expected}</td>
                  <td>{item.actual ?? "—"}</td>
                  <td>{item.verdict}</td>
                  <td>{notes.get(item.responseId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
      {debrief.data.timeline.length > 0 && (
        <ol className="training-timeline">
          {debrief.data.timeline.map((t) => (
            <li key={t.at}>
              {t.at}: {t.note}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
