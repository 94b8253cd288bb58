/**
 * What the risk evaluator reads: one trip's own record (devices, readings, alarms with their
 * outcomes) and a summary of the history around it (the corridor's usual transit time, the trader's
 * and carrier's past trips, the devices' past tamper alarms). Plain values, assembled from the store
 * by `src/risk/record-loader.ts` and built by hand in tests.
 */
import type { AlarmType, DeviceClass, Severity } from "../domain/model.js";
import type { LonLat } from "../geo/sphere.js";
import type { Channel } from "./rule-set.js";

export interface RiskTrip {
  readonly id: string;
  readonly origin: string;
  readonly destination: string;
  readonly route: readonly LonLat[];
  /** Corridor half-width in metres (the trip's rule setting). */
  readonly corridorM: number;
  readonly deadlineMs: number;
  readonly armedAtMs?: number;
  readonly arrivedAtMs?: number;
}

export interface RiskDevice {
  readonly id: string;
  readonly class: DeviceClass;
  /** How often the device reports on its own; defaults by class. Passive seals have none. */
  readonly reportIntervalS?: number;
}

export interface RiskReading {
  readonly deviceId: string;
  readonly kind: "message" | "read";
  readonly atMs: number;
  readonly lon?: number;
  readonly lat?: number;
  readonly valid?: boolean;
  readonly seal?: "closed" | "open";
  readonly batteryPct?: number;
  readonly office?: string;
  readonly readStatus?: "intact" | "broken";
}

export type RiskAlarmOutcome = "confirmed_breach" | "false_alarm" | "technical_fault";

export interface RiskAlarm {
  readonly id: string;
  readonly type: AlarmType;
  readonly severity: Severity;
  readonly device: string | null;
  readonly startedAtMs: number;
  readonly clearedAtMs: number | null;
  readonly retracted: boolean;
  readonly workflow: "open" | "acknowledged" | "resolved";
  readonly outcome?: RiskAlarmOutcome;
  readonly zone?: string;
  /** The alarm's evidence (docs/evidence.md): its reason in plain words and where the condition began. */
  readonly evidence?: RiskAlarmEvidence;
}

export interface RiskAlarmEvidence {
  /** From the device's own report where it gives one, e.g. "steel rope cut (JT701 bit 3)". */
  readonly reason: string;
  readonly began?: LonLat;
}

export type AeoStatus = "AEOC" | "AEOS" | "AEOF";

/** A trader's or carrier's record over its trips before this one. */
export interface RiskCompany {
  readonly id: string;
  readonly name: string;
  readonly aeo?: AeoStatus;
  /** Closed trips before this one. */
  readonly pastTrips: number;
  /** Past trips with a confirmed breach or an irregularity found at inspection. */
  readonly confirmedIncidents: number;
}

export interface RiskHistory {
  /** Transit times (armed → arrived) of past trips from the same origin to the same destination. */
  readonly corridorTransitsMs: readonly number[];
  readonly trader?: RiskCompany;
  readonly carrier?: RiskCompany;
  /** Tamper alarms each device raised on its past trips (not retracted, not false alarms). */
  readonly devicePastTamperAlarms: Readonly<Record<string, number>>;
}

export interface RiskRecord {
  readonly trip: RiskTrip;
  readonly devices: readonly RiskDevice[];
  /** The trip's readings from arming on, by event time. */
  readonly readings: readonly RiskReading[];
  readonly alarms: readonly RiskAlarm[];
  readonly history: RiskHistory;
  /** The moment the record describes: arrival once arrived, else the engine clock. */
  readonly asOfMs: number;
  /** The trip's seeded random draw in [0, 1) (see `src/risk/random-draw.ts`). */
  readonly randomDraw: number;
}

export type RiskFactor =
  "alarm" | "seal" | "route" | "signal" | "transit" | "device" | "trader" | "carrier" | "random";

/** One reason that contributed to the channel: its points, in an officer's words. */
export interface RiskReason {
  readonly factor: RiskFactor;
  /** Stable code, e.g. "alarm.unauthorized_opening", "signal.gaps", "trader.aeo". */
  readonly code: string;
  /** Points added to the score (negative for a credit such as AEO status). */
  readonly weight: number;
  readonly text: string;
  /** The lowest channel this reason imposes, whatever the score. */
  readonly floor?: Channel;
  readonly alarmId?: string;
  /** Where it began, `[lon, lat]`, when known. */
  readonly position?: LonLat;
  readonly atMs?: number;
}

export interface Recommendation {
  readonly channel: Channel;
  readonly score: number;
  /** The channel from the score and floors alone, before random selection. */
  readonly riskChannel: Channel;
  readonly reasons: readonly RiskReason[];
  readonly ruleSet: { readonly id: string; readonly version: string };
  readonly random: { readonly share: number; readonly draw: number; readonly selected: boolean };
  readonly asOfMs: number;
}
