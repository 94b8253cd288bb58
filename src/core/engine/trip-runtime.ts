/**
 * A trip's lifecycle: declared → armed → in_transit → arrived → closed, or declared → cancelled.
 *
 * `in_transit` and `arrived` are recomputed from every fix (or read) received so far, so a late fix
 * that qualifies earlier moves the transition to its own time; once the trip is closed or cancelled
 * its transitions are final.
 */
import type { RuleSettings, Transition, TripSpec, TripState, ZoneKind } from "../domain/model.js";
import { resolveRules } from "../domain/rules.js";
import { RouteIndex } from "../geo/route-index.js";
import { TAMPER_RULE, batteryRule, deviationRule, stopRule, type RunRule } from "./rules/run-rules.js";
import type { Track } from "./track.js";

export class TripRuntime {
  readonly rules: RuleSettings;
  readonly route: RouteIndex;
  /** Offices where a passive read raises no unexpected_checkpoint; null when the trip lists no checkpoints. */
  readonly expectedOffices: ReadonlySet<string> | null;
  /** The declared seal numbers a read's seal number must be one of; null when the trip declares none. */
  readonly declaredSeals: ReadonlySet<string> | null;
  /** Whether any device reports positions (active or semi-active); if not, the trip is in transit once armed. */
  readonly positionReporting: boolean;
  readonly tracks: Track[] = [];
  readonly deviationRule: RunRule;
  readonly stopRule: RunRule;
  readonly tamperRule: RunRule = TAMPER_RULE;
  readonly batteryRule: RunRule;

  armAtMs: number | null = null;
  inTransitAtMs: number | null = null;
  arrivedAtMs: number | null = null;
  closeAtMs: number | null = null;
  cancelAtMs: number | null = null;
  /** Whether the clock has passed the deadline since arming (the overdue check has run). */
  overdueChecked = false;
  /** Set when the engine let the trip go (its state lives in the store only). */
  evicted = false;
  /** Event times of qualifying arrivals (fixes inside the destination, or destination reads), sorted. */
  private readonly arrivalCandidates: number[] = [];

  constructor(
    readonly spec: TripSpec,
    readonly originZone: number,
    readonly destinationZone: number,
    private readonly zoneKinds: readonly ZoneKind[],
    positionReporting: boolean,
    /** The (trip-independent) rule of each restricted zone, by zone number. */
    readonly restrictedRule: (zone: number) => RunRule,
  ) {
    this.rules = resolveRules(spec.rules);
    this.deviationRule = deviationRule(this.rules);
    this.stopRule = stopRule(this.rules);
    this.batteryRule = batteryRule(this.rules);
    this.route = new RouteIndex(spec.route);
    this.positionReporting = positionReporting;
    const checkpoints = spec.checkpoints ?? [];
    this.expectedOffices =
      checkpoints.length === 0 ? null : new Set([spec.origin, spec.destination, ...checkpoints]);
    const seals = spec.seals ?? [];
    this.declaredSeals = seals.length === 0 ? null : new Set(seals.map((s) => s.trim()));
  }

  get id(): string {
    return this.spec.id;
  }

  get deadlineMs(): number {
    return this.spec.deadlineMs;
  }

  get state(): TripState {
    if (this.cancelAtMs !== null) return "cancelled";
    if (this.closeAtMs !== null) return "closed";
    if (this.arrivedAtMs !== null) return "arrived";
    if (this.inTransitAtMs !== null) return "in_transit";
    if (this.armAtMs !== null) return "armed";
    return "declared";
  }

  /** Closed or cancelled: transitions no longer move. */
  get final(): boolean {
    return this.closeAtMs !== null || this.cancelAtMs !== null;
  }

  /** Armed, in transit or arrived: the rules run. */
  get monitored(): boolean {
    return this.armAtMs !== null && !this.final;
  }

  isRestricted(zone: number): boolean {
    return this.zoneKinds[zone] === "restricted";
  }

  transitions(): Transition[] {
    if (this.cancelAtMs !== null) return [{ state: "cancelled", atMs: this.cancelAtMs }];
    const list: Transition[] = [];
    if (this.armAtMs !== null) list.push({ state: "armed", atMs: this.armAtMs });
    if (this.inTransitAtMs !== null) list.push({ state: "in_transit", atMs: this.inTransitAtMs });
    if (this.arrivedAtMs !== null) list.push({ state: "arrived", atMs: this.arrivedAtMs });
    if (this.closeAtMs !== null) list.push({ state: "closed", atMs: this.closeAtMs });
    return list;
  }

  /**
   * A valid fix of a trip device at or after arming; returns whether a transition moved.
   * `outsideOrigin`/`insideDestination` come from the fix's zones.
   */
  fixSeen(atMs: number, outsideOrigin: boolean, insideDestination: boolean): boolean {
    if (this.final) return false;
    if (insideDestination) insertSorted(this.arrivalCandidates, atMs);
    if (outsideOrigin && (this.inTransitAtMs === null || atMs < this.inTransitAtMs)) {
      this.inTransitAtMs = atMs;
      this.arrivedAtMs = this.firstCandidateFrom(atMs);
      return true;
    }
    return this.candidateSeen(atMs, insideDestination);
  }

  /** A passive read at the destination office (trips without position-reporting devices). */
  destinationReadSeen(atMs: number): boolean {
    if (this.final || this.positionReporting) return false;
    insertSorted(this.arrivalCandidates, atMs);
    return this.candidateSeen(atMs, true);
  }

  private candidateSeen(atMs: number, qualifies: boolean): boolean {
    if (!qualifies || this.inTransitAtMs === null || atMs < this.inTransitAtMs) return false;
    if (this.arrivedAtMs !== null && this.arrivedAtMs <= atMs) return false;
    this.arrivedAtMs = atMs;
    return true;
  }

  private firstCandidateFrom(timeMs: number): number | null {
    const list = this.arrivalCandidates;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : null;
  }
}

function insertSorted(list: number[], value: number): void {
  const n = list.length;
  if (n === 0 || list[n - 1]! <= value) {
    list.push(value);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}
