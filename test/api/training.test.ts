/**
 * Training sessions through the API: an instructor starts an exercise for two trainees, one works it
 * perfectly, the other does nothing; the debrief scores both. The session runs in isolated
 * workspaces: nothing reaches the live alarms, trips, KPIs, exports, live stream or audit chain, and
 * a trainee cannot act on live alarms or trips through a session, nor after it is finished.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SealwatchError } from "../../src/core/errors.js";
import { readExerciseFile, LIBRARY_FOLDER } from "../../src/training/exercise-file.js";
import { TrainingWorkspace } from "../../src/training/workspace.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { createHarness, type Harness } from "./support.js";

interface Session {
  id: string;
  training: boolean;
  state: string;
  exerciseNow: string;
  trainees: { userId: string; username: string }[];
}
interface AlarmItem {
  id: string;
  type: string;
  tripId: string;
  workflow: string;
  outcome?: string;
}
interface Result {
  trainee: { username: string };
  percent: number;
  points: number;
  maxPoints: number;
  items: { responseId: string; item: string; verdict: string }[];
}

const EXERCISE = "th-02-roadside-opening";
const TRIP = "TH-2506-4101";

describe("training sessions", () => {
  let h: Harness;
  let session: Session;
  let liveTrip: string;
  let liveAlarm: string;
  const liveEvents: unknown[] = [];
  let liveBefore: {
    alarms: string;
    trips: string;
    kpis: string;
    epcis: string;
    auditSeq: number | undefined;
  };

  async function live() {
    const get = async (url: string) => (await h.request("GET", url, { as: "admin" })).body;
    return {
      alarms: await get("/api/v1/alarms?limit=500"),
      trips: await get("/api/v1/trips?limit=500"),
      kpis: await get("/api/v1/kpis/inspections"),
      // The query document's own creation time moves with the clock; its events must not.
      epcis: JSON.stringify(
        (JSON.parse(await get("/api/v1/epcis/events")) as { epcisBody: unknown }).epcisBody,
      ),
      auditSeq: (await h.store.audit.head())?.seq,
    };
  }

  const act = (as: "operator" | "officer" | "instructor", url: string, body: unknown = {}) =>
    h.request("POST", `/api/v1/training/sessions/${session.id}${url}`, { as, body });
  const alarms = async (as: "operator" | "officer") =>
    (await h.request("GET", `/api/v1/training/sessions/${session.id}/alarms`, { as })).json<{
      items: AlarmItem[];
    }>().items;
  /** Moves the wall clock so that the session's exercise clock (60×) advances by `exerciseS`. */
  const advanceExercise = (exerciseS: number) => h.clock.advance((exerciseS * 1000) / 60);

  before(async () => {
    h = await createHarness();
    const made = await h.newAlarm();
    liveTrip = made.tripId;
    liveAlarm = made.alarm.id;
    liveBefore = await live();
    h.bus.subscribe(undefined, (event) => liveEvents.push(event));
  });
  after(() => h.close());

  it("lists the exercise library to trainees and instructors, not to traders", async () => {
    const r = await h.request("GET", "/api/v1/training/exercises", { as: "operator" });
    assert.equal(r.statusCode, 200);
    const items = r.json<{ items: { id: string; trips: string[] }[] }>().items;
    assert.ok(items.length >= 10);
    assert.deepEqual(items.find((e) => e.id === EXERCISE)?.trips, [TRIP]);
    assert.equal((await h.request("GET", "/api/v1/training/exercises", { as: "trader" })).statusCode, 403);
  });

  it("refuses bad starts with a clear 4xx, and a session against the live workspace", async () => {
    const start = (body: object, as: "instructor" | "operator" = "instructor") =>
      h.request("POST", "/api/v1/training/sessions", { as, body });
    const base = { exerciseId: EXERCISE, speed: 60, trainees: ["operator"] };
    const cases: [object, number, string][] = [
      [{ ...base, speed: 0 }, 400, "VALIDATION_FAILED"],
      [{ ...base, speed: 61 }, 400, "VALIDATION_FAILED"],
      [{ ...base, trainees: [] }, 400, "VALIDATION_FAILED"],
      [{ ...base, exerciseId: "no-such-exercise" }, 404, "NOT_FOUND"],
      [{ ...base, trainees: ["nobody"] }, 404, "UNKNOWN_REFERENCE"],
      [{ ...base, trainees: ["trader"] }, 400, "INVALID_DEFINITION"],
      [{ ...base, beginAt: "2031-01-01T00:00:00Z" }, 400, "VALIDATION_FAILED"],
      [{ ...base, workspace: "live" }, 409, "TRAINING_REFUSED"],
    ];
    for (const [body, status, code] of cases) {
      const r = await start(body);
      assert.equal(r.statusCode, status, JSON.stringify(body));
      assert.equal(r.json<{ code: string }>().code, code, JSON.stringify(body));
    }
    assert.equal((await start(base, "operator")).statusCode, 403);
  });

  it("never opens a workspace on the live store's file", async () => {
    const loaded = readExerciseFile(join(LIBRARY_FOLDER, `${EXERCISE}.json`));
    assert.ok(loaded.ok);
    await assert.rejects(
      TrainingWorkspace.open({
        folder: h.dir,
        name: "sealwatch",
        liveLocation: h.store.location,
        exercise: loaded.exercise,
        exerciseClock: new ManualClock(0),
        nowMs: 0,
      }),
      (error: unknown) => error instanceof SealwatchError && error.code === "TRAINING_REFUSED",
    );
  });

  it("an instructor starts a session for two trainees; it is marked training", async () => {
    const r = await h.request("POST", "/api/v1/training/sessions", {
      as: "instructor",
      body: {
        exerciseId: EXERCISE,
        speed: 60,
        trainees: ["operator", "officer"],
        beginAt: "2025-06-12T10:55:00Z",
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    session = r.json<Session>();
    assert.equal(session.training, true);
    assert.equal(session.state, "running");
    assert.equal(session.exerciseNow, "2025-06-12T10:55:00.000Z");
    assert.deepEqual(
      session.trainees.map((t) => t.username),
      ["operator", "officer"],
    );
    // The first few minutes bring no alarm yet.
    assert.deepEqual(await alarms("operator"), []);
  });

  it("a trainee sees the engine's alarms as the exercise clock passes them, and works them", async () => {
    advanceExercise(300); // 11:00: the tamper report has arrived
    let queue = await alarms("operator");
    assert.deepEqual(
      queue.map((a) => [a.type, a.tripId, a.workflow]),
      [["tamper", TRIP, "open"]],
    );
    const tamper = queue[0]!.id;
    assert.equal((await act("operator", `/alarms/${tamper}/acknowledge`)).statusCode, 200);
    assert.equal((await act("operator", `/alarms/${tamper}/escalate`)).statusCode, 200);
    const resolved = await act("operator", `/alarms/${tamper}/resolve`, { outcome: "confirmed_breach" });
    assert.equal(resolved.json<AlarmItem>().outcome, "confirmed_breach");

    advanceExercise(300); // 11:05: the opening too
    queue = await alarms("operator");
    const opening = queue.find((a) => a.type === "unauthorized_opening")!;
    assert.ok(opening !== undefined);
    for (const [url, body] of [
      [`/alarms/${opening.id}/acknowledge`, {}],
      [`/alarms/${opening.id}/escalate`, {}],
      [`/alarms/${opening.id}/remote-unlock`, { answer: "refuse" }],
      [`/alarms/${opening.id}/resolve`, { outcome: "confirmed_breach" }],
    ] as const)
      assert.equal((await act("operator", url, body)).statusCode, 200, url);

    // The other trainee's workspace is their own: the same alarms, untouched.
    assert.deepEqual(
      (await alarms("officer")).map((a) => a.workflow),
      ["open", "open"],
    );
  });

  it("refuses a decision before arrival, then takes it once the trip has arrived", async () => {
    const early = await act("operator", `/trips/${TRIP}/decision`, { decision: "physical_inspection" });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<{ code: string }>().code, "TRAINING_REFUSED");
    advanceExercise(3 * 3600); // 14:05: arrived at Nong Khai
    const r = await act("operator", `/trips/${TRIP}/decision`, { decision: "physical_inspection" });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json<{ id: string; state: string }>().state, "arrived");
  });

  it("refuses actions on live alarms and trips through a session, and leaves them as they were", async () => {
    const onAlarm = await act("operator", `/alarms/${liveAlarm}/acknowledge`);
    assert.equal(onAlarm.statusCode, 409);
    assert.equal(onAlarm.json<{ code: string }>().code, "TRAINING_REFUSED");
    const onTrip = await act("operator", `/trips/${liveTrip}/decision`, { decision: "release" });
    assert.equal(onTrip.statusCode, 409);
    assert.equal((await h.store.alarms.get(liveAlarm))?.workflow, "open");
    // And the session's trip is not a live trip.
    assert.equal((await h.request("GET", `/api/v1/trips/${TRIP}`, { as: "admin" })).statusCode, 404);
  });

  it("keeps the session from people outside it", async () => {
    const url = `/api/v1/training/sessions/${session.id}/alarms`;
    assert.equal((await h.request("GET", url, { as: "supervisor" })).statusCode, 404);
    assert.equal((await h.request("GET", url, { as: "trader" })).statusCode, 403);
    assert.equal((await h.request("GET", "/api/v1/alarms", { as: "instructor" })).statusCode, 403);
    const list = await h.request("GET", "/api/v1/training/sessions", { as: "supervisor" });
    assert.equal(list.json<{ items: unknown[] }>().items.length, 1, "supervisors run sessions and see them");
  });

  it("scores the debrief: the perfect trainee 100 %, the idle one 0 %", async () => {
    const finished = await act("instructor", "/finish");
    assert.equal(finished.statusCode, 200);
    assert.equal(finished.json<Session>().state, "finished");
    const debrief = await h.request("GET", `/api/v1/training/sessions/${session.id}/debrief`, {
      as: "instructor",
    });
    assert.equal(debrief.statusCode, 200, debrief.body);
    const body = debrief.json<{ results: Result[]; responses: { id: string; notes: string }[] }>();
    const byTrainee = Object.fromEntries(body.results.map((r) => [r.trainee.username, r]));
    assert.equal(byTrainee.operator!.percent, 100);
    assert.ok(byTrainee.operator!.items.every((i) => i.verdict === "right"));
    assert.equal(byTrainee.officer!.percent, 0);
    assert.ok(byTrainee.officer!.items.every((i) => i.verdict === "missed"));
    assert.ok(body.responses.find((r) => r.id === "opening")!.notes.includes("remote unlock"));
    // A trainee sees their own result only.
    const own = await h.request("GET", `/api/v1/training/sessions/${session.id}/debrief`, { as: "officer" });
    assert.deepEqual(
      own.json<{ results: Result[] }>().results.map((r) => r.trainee.username),
      ["officer"],
    );
  });

  it("refuses every action on a finished session", async () => {
    const queue = await alarms("officer");
    const r = await act("officer", `/alarms/${queue[0]!.id}/acknowledge`);
    assert.equal(r.statusCode, 409);
    assert.equal(r.json<{ code: string }>().code, "TRAINING_REFUSED");
    assert.equal((await act("officer", `/trips/${TRIP}/decision`, { decision: "release" })).statusCode, 409);
    assert.equal((await act("instructor", "/finish")).statusCode, 409);
  });

  it("exports every result as CSV for instructors", async () => {
    const r = await h.request("GET", "/api/v1/training/results.csv", { as: "instructor" });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers["content-type"]), /^text\/csv/);
    const lines = r.body.trim().split("\r\n");
    assert.equal(
      lines[0],
      "session,exercise,trainee,started_at,finished,points,max_points,percent,right,late,wrong,missed,stray_actions",
    );
    assert.equal(lines.length, 3);
    const operator = lines.find((l) => l.includes('"operator"'))!.split(",");
    assert.deepEqual(operator.slice(4, 8), ['"true"', operator[6], operator[6], '"100"']);
    assert.equal(
      (await h.request("GET", "/api/v1/training/results.csv", { as: "operator" })).statusCode,
      403,
    );
  });

  it("left nothing in the live views, KPIs, exports, stream or audit chain", async () => {
    assert.deepEqual(await live(), liveBefore);
    assert.deepEqual(liveEvents, []);
    assert.deepEqual(await h.store.audit.verify(), await h.store.audit.verify());
    assert.equal((await h.store.audit.verify()).ok, true);
  });

  it("kept the trainee's actions in the workspace's own audit chain", async () => {
    const workspace = await h.context.training.workspace(session.id, session.trainees[0]!.userId);
    const records = await workspace.store.audit.list({ limit: 1000 });
    const actions = records.map((r) => r.action);
    assert.ok(actions.includes("training.session.start"));
    assert.ok(actions.includes("training.decision"));
    assert.ok(records.some((r) => r.action.startsWith("alarm.") && r.actor.startsWith("user:")));
    assert.equal((await workspace.store.audit.verify()).ok, true);
  });
});
