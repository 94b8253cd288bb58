/**
 * Alarm evidence: why an alarm was raised, where and on what, in a form a control-room operator, an
 * inspection rule or a partner export can use without reading the audit log.
 *
 * The engine computes it from its own history when it raises or updates an alarm (see
 * `engine/alarm-evidence-facts.ts`); the host then adds the device's own words from the stored
 * readings (`withDeviceReports`). Evidence explains a decision, it never changes one: the alarm's
 * identity, times and severity are exactly the monitoring contract's.
 *
 * Times are epoch ms, positions `[lon, lat]`, durations in seconds, distances in metres.
 */
import type { AlarmType } from "../domain/model.js";
import type { LonLat } from "../geo/sphere.js";

/** A moment of the alarm: when (and where, if the device gave a position) it began or ended. */
export interface EvidencePoint {
  readonly atMs: number;
  /** The fix at that moment, or the latest earlier one (see `fixAgeS`); absent without any fix. */
  readonly position?: LonLat;
  /** How much older than `atMs` the fix giving `position` is (0 when the reading carries it). */
  readonly fixAgeS?: number;
  /** The office where a passive seal was read. */
  readonly office?: string;
}

/** What a reading shows for the alarm. */
export type EvidenceRole =
  /** The first reading of the condition (the alarm's start). */
  | "began"
  /** The reading farthest from the corridor, or with the lowest battery level. */
  | "worst"
  /** The latest reading still in the condition (as of `asOfMs`). */
  | "last"
  /** The reading that ended the condition (the alarm's clearing). */
  | "ended"
  /** The seal state just before an opening. */
  | "before"
  /** The earlier fix that locates a reading without a position of its own. */
  | "located_by";

/** A reading the alarm rests on; the device's own words are added from the stored reading. */
export interface EvidenceReading {
  readonly role: EvidenceRole;
  readonly deviceId: string;
  /** Event time (the reading's `at`). */
  readonly atMs: number;
  readonly receivedAtMs: number;
  readonly position?: LonLat;
  /** The stored reading's sequence number (its place in the durable log). */
  readonly seq?: number;
  /** How the reading came in: "jt701", "teltonika", "mqtt", "http", "epcis", "scenario"… */
  readonly protocol?: string;
  /** What the device itself reported, in plain words: "steel rope cut (JT701 bit 3)". */
  readonly report?: readonly string[];
}

/**
 * The measured value against the threshold, by alarm type. Durations of a condition seen in
 * readings (off the corridor, stopped, inside a zone) run from its first to its last reading; the
 * silence of a signal loss and the lateness of an overdue trip run to their end, or to `asOfMs`
 * while the alarm is open.
 */
export type EvidenceMeasure =
  | {
      readonly type: "route_deviation";
      /** Largest distance from the declared route among the fixes off the corridor. */
      readonly distanceM: number;
      /** The corridor: allowed distance from the route on each side. */
      readonly corridorM: number;
      readonly durationS: number;
      /** How long fixes must stay off the corridor before the alarm is raised. */
      readonly minDurationS: number;
    }
  | {
      readonly type: "unauthorized_stop";
      readonly durationS: number;
      /** How long a stop outside offices and rest zones may last. */
      readonly allowedS: number;
      readonly radiusM: number;
      /** At or below this speed a fix counts as stopped. */
      readonly stopSpeedKmh: number;
    }
  | {
      readonly type: "restricted_zone";
      readonly zoneId: string;
      readonly zoneName?: string;
      readonly durationS: number;
    }
  | {
      readonly type: "low_battery";
      /** Lowest level reported while the alarm held. */
      readonly batteryPct: number;
      readonly thresholdPct: number;
      readonly clearPct: number;
    }
  | {
      readonly type: "signal_loss";
      /** Time without a message (to the next message, or to `asOfMs`). */
      readonly silentS: number;
      readonly allowedS: number;
      /** Whether the device had sent nothing at all since the trip was armed. */
      readonly sinceArming: boolean;
    }
  | {
      readonly type: "overdue";
      readonly deadlineMs: number;
      /** Time past the deadline (to the arrival or closing, or to `asOfMs`). */
      readonly lateS: number;
      readonly destination: string;
      readonly destinationName?: string;
    }
  | {
      readonly type: "tamper";
      /** Consecutive tamper reports from the first one. */
      readonly reports: number;
    }
  | {
      readonly type: "unauthorized_opening";
      /** How old a fix may be to locate an opening that carries none. */
      readonly maxFixAgeS: number;
      /** Whether a fix located the opening at all (no fix: unauthorized by rule). */
      readonly located: boolean;
    }
  | {
      readonly type: "unexpected_checkpoint";
      readonly office: string;
      readonly officeName?: string;
      readonly expectedOffices: readonly string[];
    }
  | {
      readonly type: "seal_mismatch";
      readonly sealNumber: string;
      readonly declaredSeals: readonly string[];
      readonly office: string;
      readonly officeName?: string;
    };

export interface AlarmEvidence {
  /** What happened, in plain words, from the device's own report where it gives one. */
  readonly reason: string;
  readonly measure: EvidenceMeasure;
  readonly began: EvidencePoint;
  /** Where and when the condition ended; null while it holds (or for alarms that never clear). */
  readonly ended: EvidencePoint | null;
  readonly readings: readonly EvidenceReading[];
  /** Engine clock when the evidence was taken. */
  readonly asOfMs: number;
}

/** The alarm type an evidence explains. */
export function evidenceType(evidence: AlarmEvidence): AlarmType {
  return evidence.measure.type;
}
