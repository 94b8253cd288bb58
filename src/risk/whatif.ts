/**
 * What-if tuning (docs/risk.md): the trips that arrived in a period, evaluated as they were at
 * arrival under the current rule set and under a proposed one, side by side. Recorded outcomes are
 * the labels: a trip is an incident when one of its alarms was confirmed as a breach or its
 * inspection found an irregularity. For each rule set: the channel distribution, the checks it
 * selects (documentary for yellow, physical for red), the incidents it selects and misses, and its
 * hit rate (incidents among the trips it selects). The random selection uses the same seeded draw
 * on both sides, as the live service does. The comparison itself is pure (`compareRuleSets`).
 */
import { evaluateRisk } from "../core/risk/evaluate.js";
import type { Recommendation } from "../core/risk/record.js";
import { CHANNELS, type Channel, type RiskRuleSet } from "../core/risk/rule-set.js";
import type { Store, TripRecord } from "../store/ports.js";
import { randomDraw } from "./random-draw.js";
import { historyIndex, historyOf, loadRiskRecord } from "./record-loader.js";

export interface WhatIfSide {
  readonly ruleSet: { readonly id: string; readonly version: string };
  readonly byChannel: Readonly<Record<Channel, number>>;
  /** Trips the random selection picked (green by risk, checked anyway). */
  readonly randomSelections: number;
  /** Trips selected for a check (yellow or red): documentary checks and physical inspections. */
  readonly checks: number;
  readonly physicalInspections: number;
  /** Incidents among the trips selected for a check, and among those released green. */
  readonly incidentsSelected: number;
  readonly incidentsMissed: number;
  /** incidentsSelected ÷ checks; null without checks. */
  readonly hitRate: number | null;
}

export interface WhatIfTrip {
  readonly tripId: string;
  readonly incident: boolean;
  readonly current: { readonly channel: Channel; readonly score: number };
  readonly proposed: { readonly channel: Channel; readonly score: number };
}

export interface WhatIfComparison {
  readonly trips: number;
  readonly incidents: number;
  readonly current: WhatIfSide;
  readonly proposed: WhatIfSide;
  /** The trips whose channel differs, in arrival order. */
  readonly changed: readonly WhatIfTrip[];
}

export interface EvaluatedTrip {
  readonly tripId: string;
  readonly incident: boolean;
  readonly current: Recommendation;
  readonly proposed: Recommendation;
}

type RuleSetId = { readonly id: string; readonly version: string };

function side(
  trips: readonly EvaluatedTrip[],
  ruleSet: RuleSetId,
  pick: (t: EvaluatedTrip) => Recommendation,
): WhatIfSide {
  const byChannel: Record<Channel, number> = { green: 0, yellow: 0, red: 0 };
  let randomSelections = 0;
  let incidentsSelected = 0;
  let incidentsMissed = 0;
  for (const trip of trips) {
    const r = pick(trip);
    byChannel[r.channel] += 1;
    if (r.random.selected) randomSelections += 1;
    if (trip.incident && r.channel === "green") incidentsMissed += 1;
    if (trip.incident && r.channel !== "green") incidentsSelected += 1;
  }
  const checks = byChannel.yellow + byChannel.red;
  return {
    ruleSet,
    byChannel,
    randomSelections,
    checks,
    physicalInspections: byChannel.red,
    incidentsSelected,
    incidentsMissed,
    hitRate: checks === 0 ? null : incidentsSelected / checks,
  };
}

/** The two rule sets compared over evaluated trips (pure). */
export function compareRuleSets(
  trips: readonly EvaluatedTrip[],
  ruleSets: { readonly current: RuleSetId; readonly proposed: RuleSetId },
): WhatIfComparison {
  return {
    trips: trips.length,
    incidents: trips.filter((t) => t.incident).length,
    current: side(trips, ruleSets.current, (t) => t.current),
    proposed: side(trips, ruleSets.proposed, (t) => t.proposed),
    changed: trips
      .filter((t) => t.current.channel !== t.proposed.channel)
      .map((t) => ({
        tripId: t.tripId,
        incident: t.incident,
        current: { channel: t.current.channel, score: t.current.score },
        proposed: { channel: t.proposed.channel, score: t.proposed.score },
      })),
  };
}

export interface WhatIfOptions {
  /** Trips that arrived at or after this instant, and before `toMs`. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** The random selection's seed (the live one, so that the same trips are drawn); none: no random picks. */
  readonly seed?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Evaluates the period's arrived trips under both rule sets and compares them. */
export async function whatIf(
  store: Store,
  current: RiskRuleSet,
  proposed: RiskRuleSet,
  options: WhatIfOptions = {},
): Promise<WhatIfComparison> {
  const index = await historyIndex(store);
  const from = options.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = options.toMs ?? Number.POSITIVE_INFINITY;
  const trips = index.trips
    .filter((t): t is TripRecord & { arrivedAtMs: number } => t.arrivedAtMs !== undefined)
    .filter((t) => t.arrivedAtMs >= from && t.arrivedAtMs < to)
    .sort((a, b) => a.arrivedAtMs - b.arrivedAtMs || (a.id < b.id ? -1 : 1));
  const evaluated: EvaluatedTrip[] = [];
  for (const trip of trips) {
    const history = historyOf(trip, index, trip.armedAtMs ?? trip.arrivedAtMs);
    // No seed: a draw of 1 is never below a share, so no trip is picked at random on either side.
    const draw = options.seed === undefined ? 1 : randomDraw(options.seed, trip.id);
    const record = await loadRiskRecord(store, trip, trip.arrivedAtMs, history, draw);
    evaluated.push({
      tripId: trip.id,
      incident: index.incidentTrips.has(trip.id),
      current: evaluateRisk(record, current),
      proposed: evaluateRisk(record, proposed),
    });
    options.onProgress?.(evaluated.length, trips.length);
  }
  return compareRuleSets(evaluated, {
    current: { id: current.id, version: current.version },
    proposed: { id: proposed.id, version: proposed.version },
  });
}

/** The comparison as a table for a terminal. */
export function whatIfTable(c: WhatIfComparison): string {
  const percent = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);
  const rows: [string, (s: WhatIfSide) => string][] = [
    ["rule set", (s) => `${s.ruleSet.id} ${s.ruleSet.version}`],
    ...CHANNELS.map((ch): [string, (s: WhatIfSide) => string] => [ch, (s) => String(s.byChannel[ch])]),
    ["random selections", (s) => String(s.randomSelections)],
    ["checks (yellow + red)", (s) => String(s.checks)],
    ["physical inspections", (s) => String(s.physicalInspections)],
    ["incidents selected", (s) => String(s.incidentsSelected)],
    ["incidents missed", (s) => String(s.incidentsMissed)],
    ["hit rate", (s) => percent(s.hitRate)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = (text: string): string => text.padStart(18);
  const lines = [
    `${c.trips} trips arrived in the period, ${c.incidents} with a recorded incident`,
    "",
    `${"".padEnd(width)}  ${cell("current")}  ${cell("proposed")}`,
    ...rows.map(
      ([label, value]) => `${label.padEnd(width)}  ${cell(value(c.current))}  ${cell(value(c.proposed))}`,
    ),
    "",
    `${c.changed.length} trips change channel${c.changed.length === 0 ? "" : ":"}`,
    ...c.changed.map(
      (t) =>
        `  ${t.tripId}: ${t.current.channel} (${t.current.score}) → ${t.proposed.channel} (${t.proposed.score})${t.incident ? "  [incident]" : ""}`,
    ),
  ];
  return lines.join("\n");
}
