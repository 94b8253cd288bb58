/**
 * The canonical event model: one shape for everything Sealwatch reports to other systems — seal and
 * lock state changes, trip transitions, alarms and their resolution, inspection decisions, positions
 * — from which every adapter (EPCIS 2.0, DCSA, NCTS incidents, EAEU codes, webhooks) is a pure
 * function. Each event carries the trip facts a receiver needs (declaration reference, containers,
 * seals, offices), so it stands alone. Times are epoch milliseconds; positions are `[lon, lat]`.
 */
import type { AlarmEvidence } from "../core/evidence/alarm-evidence.js";
import type { AlarmType, Severity } from "../core/domain/model.js";
import type { LonLat } from "../core/geo/sphere.js";

export const CANONICAL_EVENT_TYPES = [
  "trip.armed",
  "trip.in_transit",
  "trip.arrived",
  "trip.closed",
  "trip.cancelled",
  "seal.closed",
  "seal.opened",
  "alarm.raised",
  "alarm.cleared",
  "alarm.retracted",
  "alarm.resolved",
  "inspection.decided",
  "position",
] as const;

export type CanonicalEventType = (typeof CANONICAL_EVENT_TYPES)[number];

/** The trip as every event repeats it. */
export interface TripFacts {
  readonly id: string;
  /** MRN (or LRN) of the transit declaration. */
  readonly reference?: string;
  readonly companyId?: string;
  /** Office zone ids; `originCode`/`destinationCode` are the customs office reference numbers. */
  readonly origin: string;
  readonly destination: string;
  readonly originCode?: string;
  readonly destinationCode?: string;
  /** ISO 6346 container numbers. */
  readonly containers: readonly string[];
  /** Declared seal numbers. */
  readonly seals: readonly string[];
  readonly conveyance?: {
    readonly mode?: string;
    readonly registration?: string;
    readonly nationality?: string;
  };
}

/** Where an event happened: a position, an office, or both. */
export interface EventPlace {
  readonly position?: LonLat;
  /** Office zone id. */
  readonly office?: string;
  /** Customs office reference number (e.g. "DE004058"). */
  readonly officeCode?: string;
  readonly unLocode?: string;
  /** ISO 3166-1 alpha-2 of the place, when known. */
  readonly country?: string;
}

export type AlarmOutcomeKind = "confirmed_breach" | "false_alarm" | "technical_fault";

export interface AlarmFacts {
  readonly id: string;
  readonly type: AlarmType;
  readonly severity: Severity;
  readonly startedAtMs: number;
  readonly clearedAtMs: number | null;
  readonly zone?: string;
  /** The EAEU navigation-seal event code, "01".."07" (see eaeu.ts). */
  readonly eaeuCode: EaeuCode;
  /** Set on `alarm.resolved`. */
  readonly outcome?: AlarmOutcomeKind;
  readonly notes?: string;
  /** Why, where and on which readings (docs/evidence.md), when the store has it. */
  readonly evidence?: AlarmEvidence;
}

export interface InspectionFacts {
  /**
   * "released", "selected_for_documentary_check", "selected_for_inspection" (the officer's decision,
   * audit `trip.inspection.decide`), "inspected" (its outcome, `trip.inspection.outcome`); also
   * "selected_for_scan" and "resealed" for partners' events.
   */
  readonly decision: string;
  readonly result?: "conformant" | "non_conformant";
  readonly newSeals?: readonly string[];
  readonly notes?: string;
}

export interface CanonicalEvent {
  /** Stable and unique: the same fact gives the same id in every export and delivery. */
  readonly id: string;
  readonly type: CanonicalEventType;
  /** When it happened. */
  readonly atMs: number;
  /** When Sealwatch recorded it. */
  readonly recordedAtMs: number;
  readonly trip: TripFacts;
  readonly device?: string;
  readonly place?: EventPlace;
  readonly batteryPct?: number;
  readonly speedKmh?: number;
  readonly alarm?: AlarmFacts;
  readonly inspection?: InspectionFacts;
  /** Who acted (user id, "engine", "system"), for human actions. */
  readonly actor?: string;
}

export type EaeuCode = "01" | "02" | "03" | "04" | "05" | "06" | "07";

/**
 * The EAEU navigation-seal event code of an alarm (codes of the EEC requirements for navigation
 * seals): 01 integrity breach of the sealing element, 02 breach of the electronic unit's case, 03
 * deviation from the route beyond the threshold, 04 malfunction, 05 battery under 15 %, 06 no
 * messages for two reporting periods, 07 unauthorised actions. An alarm resolved as a technical
 * fault is reported as 04 whatever raised it. The choices are in docs/interop/eaeu.md.
 */
export function eaeuCode(type: AlarmType, outcome?: AlarmOutcomeKind): EaeuCode {
  if (outcome === "technical_fault") return "04";
  switch (type) {
    case "unauthorized_opening":
    case "seal_mismatch":
      return "01";
    case "tamper":
      return "02";
    case "route_deviation":
    case "restricted_zone":
    case "unexpected_checkpoint":
      return "03";
    case "low_battery":
      return "05";
    case "signal_loss":
      return "06";
    case "unauthorized_stop":
    case "overdue":
      return "07";
  }
}

/** What each EAEU code means (for the exports' texts and the docs). */
export const EAEU_CODE_MEANING: Readonly<Record<EaeuCode, string>> = {
  "01": "integrity breach of the sealing element",
  "02": "breach of the electronic unit's case",
  "03": "deviation from the route beyond the threshold",
  "04": "malfunction of the navigation seal",
  "05": "battery charge under 15 %",
  "06": "no messages for two reporting periods",
  "07": "unauthorised actions",
};
