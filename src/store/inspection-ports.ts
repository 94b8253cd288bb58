/**
 * The store's inspection part: per trip, the risk recommendation fixed at arrival, the officer's
 * decision at destination and the outcome of the check. Part of the Store port
 * (`store.inspections`), with the same two implementations and contract suite.
 *
 * `InspectionRecord` is the documented decision record other parts read (EPCIS `inspecting` and the
 * DCSA customs events export it; training scores against it): its fields are stable.
 */
import type { Recommendation } from "../core/risk/record.js";

export const INSPECTION_DECISIONS = ["release", "documentary_check", "physical_inspection"] as const;
/** release: no check; documentary_check: documents and seal verification; physical_inspection: the cargo. */
export type InspectionDecisionKind = (typeof INSPECTION_DECISIONS)[number];

export const INSPECTION_RESULTS = ["no_irregularity", "irregularity_found"] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export interface InspectionDecision {
  readonly kind: InspectionDecisionKind;
  /** Required when the decision departs from the recommended channel. */
  readonly reason?: string;
  /** Whether the decision differs from what the channel recommends (green → release, yellow → documentary, red → physical). */
  readonly departsFromRecommendation: boolean;
  /** "user:<id>" of the officer. */
  readonly actor: string;
  /** The destination office the decision was taken at. */
  readonly office: string;
  readonly atMs: number;
}

export interface InspectionOutcome {
  readonly result: InspectionResult;
  /** What was found; required for an irregularity. */
  readonly description?: string;
  readonly actor: string;
  readonly atMs: number;
}

export interface InspectionRecord {
  readonly tripId: string;
  /** The destination office. */
  readonly office: string;
  /** The recommendation as evaluated at arrival (the rule set's id and version are in it). */
  readonly recommendation: Recommendation;
  /** When it was fixed (at or after arrival). */
  readonly fixedAtMs: number;
  readonly arrivedAtMs: number;
  readonly decision?: InspectionDecision;
  readonly outcome?: InspectionOutcome;
  /**
   * When the goods were released: the decision time for a release, the outcome time for a check
   * that found no irregularity; absent while pending or when an irregularity was found.
   */
  readonly releasedAtMs?: number;
  readonly updatedAtMs: number;
}

export interface InspectionFilter {
  /** Inspections fixed in [fromMs, toMs). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly offices?: readonly string[];
  readonly tripIds?: readonly string[];
}

export interface InspectionStore {
  /** Inserts or replaces the trip's record. */
  put(record: InspectionRecord): Promise<void>;
  /**
   * Inserts the record fixed at arrival unless the trip has one already; returns the stored one and
   * whether it is this one (so that two callers fixing at once keep the first).
   */
  fix(record: InspectionRecord): Promise<{ readonly record: InspectionRecord; readonly created: boolean }>;
  get(tripId: string): Promise<InspectionRecord | undefined>;
  /** By fixing time, oldest first. */
  list(filter?: InspectionFilter): Promise<InspectionRecord[]>;
}
