/**
 * Risk-based inspection at destination, as a service over the store: the recommendation kept
 * current while the trip travels and fixed at arrival, the officer's decision and the outcome of
 * the check, and the rule that a disarm needs that decision when the channel is red or an alarm of
 * the trip is still open. Every step is in the audit chain.
 */
import { SealwatchError } from "../core/errors.js";
import { evaluateRisk } from "../core/risk/evaluate.js";
import type { Recommendation } from "../core/risk/record.js";
import type { Channel, RiskRuleSet } from "../core/risk/rule-set.js";
import type { Clock } from "../monitor/clock.js";
import type {
  InspectionDecisionKind,
  InspectionRecord,
  InspectionResult,
} from "../store/inspection-ports.js";
import type { Store, TripRecord } from "../store/ports.js";
import { historyIndex, historyOf, loadRiskRecord } from "./record-loader.js";
import { randomDraw, randomSeed, seedFingerprint } from "./random-draw.js";

/** What each channel recommends. */
export const RECOMMENDED_DECISION: Readonly<Record<Channel, InspectionDecisionKind>> = {
  green: "release",
  yellow: "documentary_check",
  red: "physical_inspection",
};

/** Who acts: the audit actor, the role and the offices an officer acts at. */
export interface InspectionActor {
  readonly actor: string;
  readonly role: string;
  readonly offices: readonly string[];
}

/** The trip's inspection: fixed at arrival (`record`), or evaluated now while it travels (`live`). */
export type InspectionState =
  | { readonly fixed: true; readonly record: InspectionRecord; readonly recommendation: Recommendation }
  | { readonly fixed: false; readonly recommendation: Recommendation };

export class InspectionService {
  private seed: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    readonly rules: RiskRuleSet,
    private readonly clock: Clock,
    private readonly configuredSeed: string | undefined,
  ) {}

  private async draw(tripId: string): Promise<number> {
    this.seed ??= randomSeed(this.store, this.configuredSeed, this.clock.nowMs());
    return randomDraw(await this.seed, tripId);
  }

  /** Evaluates the trip as of `asOfMs` under this service's rules. */
  async evaluate(trip: TripRecord, asOfMs: number): Promise<Recommendation> {
    const history = historyOf(trip, await historyIndex(this.store), trip.armedAtMs ?? asOfMs);
    const record = await loadRiskRecord(this.store, trip, asOfMs, history, await this.draw(trip.id));
    return evaluateRisk(record, this.rules);
  }

  /** The trip's inspection now: the stored record once arrived (fixing it on first use), else live. */
  async state(trip: TripRecord): Promise<InspectionState> {
    if (trip.arrivedAtMs !== undefined) {
      const record = await this.fix(trip);
      return { fixed: true, record, recommendation: record.recommendation };
    }
    const asOfMs = trip.closedAtMs ?? trip.cancelledAtMs ?? this.clock.nowMs();
    return { fixed: false, recommendation: await this.evaluate(trip, asOfMs) };
  }

  /** Fixes the recommendation of an arrived trip (once: a second call returns the first). */
  async fix(trip: TripRecord): Promise<InspectionRecord> {
    const stored = await this.store.inspections.get(trip.id);
    if (stored !== undefined) return stored;
    if (trip.arrivedAtMs === undefined)
      throw new SealwatchError("DECISION_REFUSED", `trip ${trip.id} has not arrived at its destination`);
    const now = this.clock.nowMs();
    const recommendation = await this.evaluate(trip, trip.arrivedAtMs);
    const { record, created } = await this.store.inspections.fix({
      tripId: trip.id,
      office: trip.destination,
      recommendation,
      fixedAtMs: now,
      arrivedAtMs: trip.arrivedAtMs,
      updatedAtMs: now,
    });
    if (created)
      await this.audit(now, "system", "trip.inspection.recommend", trip.id, {
        channel: recommendation.channel,
        score: recommendation.score,
        ruleSet: recommendation.ruleSet,
        random: { ...recommendation.random, seed: seedFingerprint(await this.seed!) },
        reasons: recommendation.reasons.map((r) => ({ code: r.code, weight: r.weight, text: r.text })),
      });
    return record;
  }

  /** The officer's decision at the destination office. */
  async decide(
    trip: TripRecord,
    who: InspectionActor,
    kind: InspectionDecisionKind,
    reason: string | undefined,
  ): Promise<InspectionRecord> {
    this.checkAtDestination(trip, who, "decide on");
    const record = await this.fix(trip);
    if (record.outcome !== undefined)
      throw new SealwatchError(
        "DECISION_REFUSED",
        `trip ${trip.id}: the outcome of the ${record.decision?.kind.replace("_", " ") ?? "check"} is recorded already; the decision stands`,
      );
    const recommended = RECOMMENDED_DECISION[record.recommendation.channel];
    const departs = kind !== recommended;
    const why = reason?.trim();
    if (departs && (why === undefined || why === ""))
      throw new SealwatchError(
        "VALIDATION_FAILED",
        `body.reason: the channel is ${record.recommendation.channel} (${recommended.replace("_", " ")}); a decision of ${kind.replace("_", " ")} departs from it and needs a reason`,
      );
    const now = this.clock.nowMs();
    const updated: InspectionRecord = {
      ...record,
      decision: {
        kind,
        ...(why === undefined || why === "" ? {} : { reason: why }),
        departsFromRecommendation: departs,
        actor: who.actor,
        office: trip.destination,
        atMs: now,
      },
      ...(kind === "release" ? { releasedAtMs: now } : {}),
      updatedAtMs: now,
    };
    if (kind !== "release") delete (updated as { releasedAtMs?: number }).releasedAtMs;
    await this.store.inspections.put(updated);
    await this.audit(now, who.actor, "trip.inspection.decide", trip.id, {
      decision: kind,
      channel: record.recommendation.channel,
      departsFromRecommendation: departs,
      ...(updated.decision?.reason === undefined ? {} : { reason: updated.decision.reason }),
      ruleSet: record.recommendation.ruleSet,
    });
    return updated;
  }

  /** The outcome of the documentary check or physical inspection decided. */
  async recordOutcome(
    trip: TripRecord,
    who: InspectionActor,
    result: InspectionResult,
    description: string | undefined,
  ): Promise<InspectionRecord> {
    this.checkAtDestination(trip, who, "record the outcome of");
    const record = await this.store.inspections.get(trip.id);
    const decision = record?.decision;
    if (record === undefined || decision === undefined)
      throw new SealwatchError("DECISION_REFUSED", `trip ${trip.id}: record the decision before its outcome`);
    if (decision.kind === "release")
      throw new SealwatchError(
        "DECISION_REFUSED",
        `trip ${trip.id} was released without a check: there is no outcome to record`,
      );
    if (record.outcome !== undefined)
      throw new SealwatchError("DECISION_REFUSED", `trip ${trip.id}: the outcome is recorded already`);
    const text = description?.trim();
    if (result === "irregularity_found" && (text === undefined || text === ""))
      throw new SealwatchError("VALIDATION_FAILED", "body.description: say what irregularity was found");
    const now = this.clock.nowMs();
    const updated: InspectionRecord = {
      ...record,
      outcome: {
        result,
        ...(text === undefined || text === "" ? {} : { description: text }),
        actor: who.actor,
        atMs: now,
      },
      ...(result === "no_irregularity" ? { releasedAtMs: now } : {}),
      updatedAtMs: now,
    };
    await this.store.inspections.put(updated);
    await this.audit(now, who.actor, "trip.inspection.outcome", trip.id, {
      decision: decision.kind,
      result,
      ...(text === undefined || text === "" ? {} : { description: text }),
    });
    return updated;
  }

  /**
   * Why a disarm must wait (undefined: it may go ahead). At destination: the decision is needed when
   * the channel is red or an alarm of the trip is still open or unresolved. Before arrival (a forced
   * disarm), no alarm may be left open.
   */
  async disarmRefusal(trip: TripRecord): Promise<string | undefined> {
    const open = (await this.store.alarms.forTrip(trip.id)).filter(
      (a) => !a.retracted && a.workflow !== "resolved",
    );
    const openWords =
      open.length === 0
        ? undefined
        : `${open.length} alarm${open.length === 1 ? " is" : "s are"} not resolved (${open
            .map((a) => `${a.type} ${a.workflow}`)
            .join(", ")})`;
    if (trip.arrivedAtMs === undefined)
      return openWords === undefined
        ? undefined
        : `trip ${trip.id}: ${openWords}; resolve them before disarming`;
    const record = await this.fix(trip);
    if (record.decision !== undefined) return undefined;
    const causes: string[] = [];
    if (record.recommendation.channel === "red") {
      const top = [...record.recommendation.reasons].sort((a, b) => b.weight - a.weight)[0];
      causes.push(
        `the channel is red (score ${record.recommendation.score}${top === undefined ? "" : `: ${top.text}`})`,
      );
    }
    if (openWords !== undefined) causes.push(openWords);
    if (causes.length === 0) return undefined;
    return `trip ${trip.id}: ${causes.join("; and ")}. The officer at ${trip.destination} records the inspection decision first (POST /trips/${trip.id}/inspection/decision)`;
  }

  /** After a disarm without a decision on a green trip: the release, as recommended, by the disarming officer. */
  async releasedAtDisarm(trip: TripRecord, actor: string): Promise<void> {
    if (trip.arrivedAtMs === undefined) return;
    const record = await this.fix(trip);
    if (record.decision !== undefined || record.recommendation.channel !== "green") return;
    const now = this.clock.nowMs();
    await this.store.inspections.put({
      ...record,
      decision: {
        kind: "release",
        departsFromRecommendation: false,
        actor,
        office: trip.destination,
        atMs: now,
      },
      releasedAtMs: now,
      updatedAtMs: now,
    });
    await this.audit(now, actor, "trip.inspection.decide", trip.id, {
      decision: "release",
      channel: "green",
      departsFromRecommendation: false,
      atDisarm: true,
      ruleSet: record.recommendation.ruleSet,
    });
  }

  private checkAtDestination(trip: TripRecord, who: InspectionActor, what: string): void {
    if (who.role === "officer" && !who.offices.includes(trip.destination))
      throw new SealwatchError(
        "FORBIDDEN",
        `an officer of ${trip.destination}, the trip's destination, may ${what} its inspection (you act at ${who.offices.join(", ") || "no office"})`,
      );
    if (trip.arrivedAtMs === undefined || (trip.state !== "arrived" && trip.state !== "closed"))
      throw new SealwatchError(
        "DECISION_REFUSED",
        `trip ${trip.id} is ${trip.state.replace("_", " ")}, not at its destination: the inspection is decided once it has arrived at ${trip.destination}`,
      );
  }

  private async audit(
    atMs: number,
    actor: string,
    action: string,
    tripId: string,
    details: unknown,
  ): Promise<void> {
    await this.store.audit.append({ atMs, actor, action, subjectType: "trip", subjectId: tripId, details });
  }
}
