/**
 * The training exercise format (`exercise.schema.json` beside this module, docs/training.md): a
 * scenario of the monitoring contract, a briefing, the responses expected of the trainee (per alarm:
 * acknowledge within a target, the right outcome, escalation or a refused remote unlock; per
 * arrival: the inspection decision) and debrief notes. `parseExercise` checks a parsed JSON
 * document against the schema, then the references between its parts, and reports every problem
 * found (path and message) at once. Pure: no I/O.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { AlarmType } from "../core/domain/model.js";
import { parseTimeMs } from "../core/time/rfc3339.js";
import { parseScenario, ScenarioError, type Scenario } from "../scenario/scenario.js";
import schema from "./exercise.schema.json" with { type: "json" };

export const EXERCISE_SCHEMA: Readonly<Record<string, unknown>> = schema;
export const EXERCISE_FORMAT = "sealwatch-exercise/1";

/** The outcome names of alarm resolution in the API (`POST /alarms/{id}/resolve`). */
export const ALARM_OUTCOMES = ["confirmed_breach", "false_alarm", "technical_fault"] as const;
export type TrainingOutcome = (typeof ALARM_OUTCOMES)[number];
/** The inspection decisions at destination (`store/inspection-ports.ts`). */
export const ARRIVAL_DECISIONS = ["release", "documentary_check", "physical_inspection"] as const;
export type TrainingDecision = (typeof ARRIVAL_DECISIONS)[number];
export type ExerciseLevel = "basic" | "intermediate" | "advanced";

/** The alarm an expected response is about, by the contract's identity. */
export interface ExpectedAlarm {
  readonly type: AlarmType;
  readonly trip: string;
  readonly device: string | null;
  readonly startedAtMs: number;
  readonly zone?: string;
}

export interface AlarmResponse {
  readonly id: string;
  readonly kind: "alarm";
  readonly alarm: ExpectedAlarm;
  readonly acknowledgeWithinS: number;
  /** The right resolution; absent for an alarm that late data retracts (no outcome is right but a breach is wrong). */
  readonly outcome?: TrainingOutcome;
  /** The alarm is retracted by late data before the exercise ends. */
  readonly retracted: boolean;
  readonly escalate?: boolean;
  readonly remoteUnlock?: "refuse" | "allow";
  readonly notes: string;
}

export interface ArrivalResponse {
  readonly id: string;
  readonly kind: "arrival";
  readonly trip: string;
  readonly decision: TrainingDecision;
  readonly notes: string;
}

export type ExpectedResponse = AlarmResponse | ArrivalResponse;

export interface Exercise {
  readonly id: string;
  readonly title: string;
  readonly corridor?: string;
  readonly level: ExerciseLevel;
  readonly topics: readonly string[];
  readonly briefing: { readonly role: string; readonly office: string; readonly text: string };
  readonly scenario: Scenario;
  readonly responses: readonly ExpectedResponse[];
  readonly timeline: readonly { readonly atMs: number; readonly note: string }[];
}

/** A malformed exercise: every problem, as `path: message`. */
export class ExerciseError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the exercise is malformed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ExerciseError";
  }
}

let validator: ValidateFunction | undefined;

function validate(document: unknown): string[] {
  // ownProperties: never read a member through the prototype chain of hostile JSON.
  validator ??= new Ajv2020({
    allErrors: true,
    ownProperties: true,
    strict: true,
    allowUnionTypes: true,
  }).compile(schema);
  if (validator(document)) return [];
  return problemsOf(validator.errors);
}

function problemsOf(errors: readonly ErrorObject[] | null | undefined): string[] {
  const problems: string[] = [];
  for (const error of errors ?? []) {
    if (error.keyword === "if") continue; // the branch's own errors say what is wrong
    const path = pointerToPath(error.instancePath);
    const message =
      error.keyword === "additionalProperties"
        ? `unknown member "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
        : error.keyword === "required"
          ? `"${String((error.params as { missingProperty?: unknown }).missingProperty)}" is required`
          : error.keyword === "enum"
            ? `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")}`
            : (error.message ?? "is invalid");
    const line = path === "" ? message : `${path}: ${message}`;
    if (!problems.includes(line)) problems.push(line);
  }
  return problems;
}

/** `/responses/0/alarm` → `responses[0].alarm`. */
function pointerToPath(pointer: string): string {
  let path = "";
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path += /^\d+$/.test(part) ? `[${part}]` : path === "" ? part : `.${part}`;
  }
  return path;
}

interface RawAlarmResponse {
  id: string;
  kind: "alarm";
  alarm: { type: AlarmType; trip: string; device: string | null; startedAt: string; zone?: string };
  acknowledgeWithinS: number;
  outcome?: TrainingOutcome;
  retracted?: boolean;
  escalate?: boolean;
  remoteUnlock?: "refuse" | "allow";
  notes: string;
}
interface RawArrivalResponse {
  id: string;
  kind: "arrival";
  trip: string;
  decision: TrainingDecision;
  notes: string;
}
interface RawExercise {
  id: string;
  title: string;
  corridor?: string;
  level: ExerciseLevel;
  topics?: string[];
  briefing: { role: string; office: string; text: string };
  scenario: unknown;
  responses: (RawAlarmResponse | RawArrivalResponse)[];
  timeline?: { at: string; note: string }[];
}

/** Checks a parsed JSON document and returns the exercise, or throws `ExerciseError` listing every problem. */
export function parseExercise(document: unknown): Exercise {
  const problems = validate(document);
  if (problems.length > 0) {
    // The scenario's own problems are worth listing too, when it is there to be checked.
    const scenarioDocument = (document as { scenario?: unknown } | null)?.scenario;
    if (scenarioDocument !== undefined) scenarioProblems(scenarioDocument, problems);
    throw new ExerciseError(problems);
  }
  const raw = document as RawExercise;
  const scenario = scenarioProblems(raw.scenario, problems);
  const time = (text: string, path: string): number => {
    const ms = parseTimeMs(text);
    if (ms === undefined) problems.push(`${path}: ${JSON.stringify(text)} is not an RFC 3339 date-time`);
    return ms ?? Number.NaN;
  };
  const responses: ExpectedResponse[] = [];
  const ids = new Set<string>();
  const identities = new Set<string>();
  raw.responses.forEach((response, i) => {
    const path = `responses[${i}]`;
    if (ids.has(response.id)) problems.push(`${path}.id: "${response.id}" is used twice`);
    ids.add(response.id);
    if (scenario !== undefined && !scenario.trips.some((t) => t.id === tripOf(response)))
      problems.push(`${path}: trip "${tripOf(response)}" is not a trip of the scenario`);
    if (response.kind === "arrival") {
      if (identities.has(`arrival\u0000${response.trip}`))
        problems.push(`${path}: trip "${response.trip}" has a second arrival response`);
      identities.add(`arrival\u0000${response.trip}`);
      responses.push({ ...response });
      return;
    }
    const { alarm } = response;
    if (
      scenario !== undefined &&
      alarm.device !== null &&
      !scenario.devices.some((d) => d.id === alarm.device)
    )
      problems.push(`${path}.alarm.device: "${alarm.device}" is not a device of the scenario`);
    if ((alarm.type === "restricted_zone") !== (alarm.zone !== undefined))
      problems.push(
        `${path}.alarm.zone: a restricted_zone alarm names its zone, and only such an alarm does`,
      );
    const retracted = response.retracted === true;
    if (retracted === (response.outcome !== undefined))
      problems.push(
        `${path}: ${retracted ? "a retracted alarm has no outcome to choose" : '"outcome" is required (unless "retracted": true)'}`,
      );
    const startedAtMs = time(alarm.startedAt, `${path}.alarm.startedAt`);
    const key = `${alarm.type}\u0000${alarm.trip}\u0000${alarm.device ?? ""}\u0000${startedAtMs}\u0000${alarm.zone ?? ""}`;
    if (identities.has(key)) problems.push(`${path}.alarm: a second response to the same alarm`);
    identities.add(key);
    responses.push({
      id: response.id,
      kind: "alarm",
      alarm: {
        type: alarm.type,
        trip: alarm.trip,
        device: alarm.device,
        startedAtMs,
        ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
      },
      acknowledgeWithinS: response.acknowledgeWithinS,
      retracted,
      notes: response.notes,
      ...(response.outcome === undefined ? {} : { outcome: response.outcome }),
      ...(response.escalate === undefined ? {} : { escalate: response.escalate }),
      ...(response.remoteUnlock === undefined ? {} : { remoteUnlock: response.remoteUnlock }),
    });
  });
  if (
    scenario !== undefined &&
    !scenario.zones.some((z) => z.id === raw.briefing.office && z.kind === "office")
  )
    problems.push(`briefing.office: "${raw.briefing.office}" is not an office zone of the scenario`);
  const timeline = (raw.timeline ?? []).map((step, i) => ({
    atMs: time(step.at, `timeline[${i}].at`),
    note: step.note,
  }));
  if (problems.length > 0 || scenario === undefined) throw new ExerciseError(problems);
  return {
    id: raw.id,
    title: raw.title,
    ...(raw.corridor === undefined ? {} : { corridor: raw.corridor }),
    level: raw.level,
    topics: raw.topics ?? [],
    briefing: { ...raw.briefing },
    scenario,
    responses,
    timeline,
  };
}

function tripOf(response: RawAlarmResponse | RawArrivalResponse): string {
  return response.kind === "arrival" ? response.trip : response.alarm.trip;
}

/** Parses the scenario part, adding its problems under `scenario.`; undefined when malformed. */
function scenarioProblems(document: unknown, problems: string[]): Scenario | undefined {
  try {
    return parseScenario(document);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    for (const problem of error.problems) problems.push(`scenario.${problem}`);
    return undefined;
  }
}
