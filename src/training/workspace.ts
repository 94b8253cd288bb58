/**
 * A trainee's isolated workspace: its own SQLite store (a file of its own under the training folder,
 * never the live database), its own engine host and audit chain, fed with an exercise's inputs as
 * the session's exercise clock passes their arrival times. The trainee's alarm handling goes
 * through the ordinary alarm workflow on this store, so it is recorded and chained there, and
 * nowhere else. No gateway is wired: a remote unlock answered here reaches no device.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { MemoryLiveBus } from "../bus/live-events.js";
import { SealwatchError } from "../core/errors.js";
import type { Clock } from "../monitor/clock.js";
import { AlarmWorkflow } from "../api/services/alarm-workflow.js";
import { registerScenario, replayIntoStore } from "../scenario/stored-replay.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/ports.js";
import type { Exercise } from "./exercise.js";

/** When each input reaches the control room: its `receivedAt`, else its `at` (unparseable: never). */
export function arrivalTimes(exercise: Exercise): number[] {
  return exercise.scenario.inputs.map((raw) => {
    const input = raw as { receivedAt?: unknown; at?: unknown };
    const text = typeof input.receivedAt === "string" ? input.receivedAt : input.at;
    const ms = typeof text === "string" ? Date.parse(text) : Number.NaN;
    return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
  });
}

export class TrainingWorkspace {
  /** Inputs applied so far (a prefix of the scenario's inputs). */
  private applied = 0;
  private advancing: Promise<void> = Promise.resolve();
  readonly workflow: AlarmWorkflow;

  private constructor(
    readonly store: Store,
    private readonly exercise: Exercise,
    private readonly arrivals: readonly number[],
    exerciseClock: Clock,
  ) {
    this.workflow = new AlarmWorkflow(store, new MemoryLiveBus(100), exerciseClock);
  }

  /**
   * Opens a fresh workspace store at `folder/name.db`. Refused when that is the live store's file:
   * a training session never runs against the live workspace.
   */
  static async open(options: {
    readonly folder: string;
    readonly name: string;
    readonly liveLocation: string;
    readonly exercise: Exercise;
    readonly exerciseClock: Clock;
    readonly nowMs: number;
  }): Promise<TrainingWorkspace> {
    const path = resolve(join(options.folder, `${options.name}.db`));
    if (!options.liveLocation.includes("://") && resolve(options.liveLocation) === path)
      throw new SealwatchError(
        "TRAINING_REFUSED",
        "a training session cannot run against the live workspace",
      );
    mkdirSync(options.folder, { recursive: true });
    const store = await openStore({ path });
    try {
      await registerScenario(options.exercise.scenario, store, options.nowMs);
    } catch (error) {
      await store.close();
      throw error;
    }
    return new TrainingWorkspace(
      store,
      options.exercise,
      arrivalTimes(options.exercise),
      options.exerciseClock,
    );
  }

  /** Applies every input that has arrived by `exerciseMs` (one advance at a time). */
  advanceTo(exerciseMs: number): Promise<void> {
    const next = this.advancing.then(async () => {
      let until = this.applied;
      while (until < this.arrivals.length && this.arrivals[until]! <= exerciseMs) until += 1;
      if (until === this.applied) return;
      await replayIntoStore(this.exercise.scenario, this.store, { from: this.applied, until });
      this.applied = until;
    });
    this.advancing = next.catch(() => undefined);
    return next;
  }

  get appliedInputs(): number {
    return this.applied;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
