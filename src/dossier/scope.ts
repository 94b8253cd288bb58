/**
 * The agreement scope between two administrations: which data of a shared trip each side sends
 * the other. A handover always carries what mutual recognition needs (the declaration's
 * identifiers, the devices, every seal and lock state change with its evidence); the rest is what
 * the agreement says. Live sharing after a handover sends only what the scope allows, and a
 * message from a partner outside the scope it agreed to is refused.
 */

export interface DataScope {
  /** Seal and lock state changes (opening, closing, tamper, passive seal reads) with their evidence. */
  readonly sealEvents: boolean;
  /** Alarms raised on the sender's leg. */
  readonly alarms: boolean;
  /** How the sender's officers handled those alarms and the outcome (needs `alarms`). */
  readonly alarmResolution: boolean;
  /** The track (valid fixes) of the sender's leg. */
  readonly track: boolean;
  /**
   * Resolution of the track: at most one point per this many seconds per device (0 = every fix).
   * Points where the seal state changed or an alarm started are always kept.
   */
  readonly trackResolutionS: number;
  /** Declaration data beyond the identifiers: goods description, carrier and trader, conveyance. */
  readonly declaration: boolean;
}

export interface AgreementScope {
  /** What this administration sends the partner. */
  readonly outgoing: DataScope;
  /** What the partner sends this administration (anything else it sends is refused). */
  readonly incoming: DataScope;
}

export const FULL_SCOPE: DataScope = Object.freeze({
  sealEvents: true,
  alarms: true,
  alarmResolution: true,
  track: true,
  trackResolutionS: 60,
  declaration: true,
});

export const DEFAULT_AGREEMENT: AgreementScope = Object.freeze({
  outgoing: FULL_SCOPE,
  incoming: FULL_SCOPE,
});

/** The kinds of data a shared-trip message carries, checked against a DataScope. */
export type ScopedData = "sealEvents" | "alarms" | "alarmResolution" | "track" | "declaration";

export function scopeAllows(scope: DataScope, data: ScopedData): boolean {
  switch (data) {
    case "sealEvents":
      return scope.sealEvents;
    case "alarms":
      return scope.alarms;
    case "alarmResolution":
      return scope.alarms && scope.alarmResolution;
    case "track":
      return scope.track;
    case "declaration":
      return scope.declaration;
  }
}

/** Problems of a scope given by a person or a partner (empty when it is sound). */
export function scopeProblems(scope: DataScope, where: string): string[] {
  const problems: string[] = [];
  if (!scope.sealEvents)
    problems.push(
      `${where}.sealEvents: seal and lock events are what mutual recognition rests on; they cannot be left out`,
    );
  if (scope.alarmResolution && !scope.alarms)
    problems.push(
      `${where}.alarmResolution: the resolution of alarms needs the alarms themselves (alarms: true)`,
    );
  if (
    !Number.isInteger(scope.trackResolutionS) ||
    scope.trackResolutionS < 0 ||
    scope.trackResolutionS > 86_400
  )
    problems.push(`${where}.trackResolutionS: a whole number of seconds from 0 (every fix) to 86400`);
  return problems;
}
