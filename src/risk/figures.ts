/**
 * The figures of risk-based inspection over a period (docs/risk.md): the green-lane share, the time
 * from arrival to release by channel, the hit rate per channel (irregularities found ÷ checks with an
 * outcome; random selections apart, as the baseline targeting is measured against), the false-alarm
 * rate per alarm type from recorded outcomes, and the physical inspections avoided with the officer
 * hours that saves (against inspecting every trip). Pure: records in, figures out.
 */
import type { AlarmType } from "../core/domain/model.js";
import { median } from "../core/risk/measures.js";
import { CHANNELS, type Channel } from "../core/risk/rule-set.js";
import type { InspectionRecord } from "../store/inspection-ports.js";
import type { AlarmRecord } from "../store/ports.js";

export interface HitRate {
  readonly checks: number;
  readonly irregularities: number;
  /** irregularities ÷ checks; null without checks. */
  readonly rate: number | null;
}

export interface InspectionFigures {
  readonly trips: number;
  readonly byChannel: Readonly<Record<Channel, number>>;
  /** Share of trips whose channel was green; null without trips. */
  readonly greenShare: number | null;
  /** Arrival → release, per channel: released trips and the median in minutes. */
  readonly arrivalToRelease: Readonly<
    Record<Channel, { readonly released: number; readonly medianMin: number | null }>
  >;
  /** Per channel, targeted selections only; random selections apart. */
  readonly hitRate: Readonly<Record<Channel, HitRate>> & { readonly random: HitRate };
  /** Per alarm type: resolved alarms with an outcome, and the false-alarm share of them. */
  readonly falseAlarms: Readonly<
    Partial<
      Record<AlarmType, { readonly resolved: number; readonly falseAlarms: number; readonly rate: number }>
    >
  >;
  readonly physicalInspections: number;
  /** Trips not physically inspected (against inspecting every trip). */
  readonly inspectionsAvoided: number;
  readonly hoursSaved: number;
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

function hitRateOf(records: readonly InspectionRecord[]): HitRate {
  const checked = records.filter(
    (r) => r.decision !== undefined && r.decision.kind !== "release" && r.outcome !== undefined,
  );
  const irregularities = checked.filter((r) => r.outcome?.result === "irregularity_found").length;
  return { checks: checked.length, irregularities, rate: rate(irregularities, checked.length) };
}

export function inspectionFigures(
  inspections: readonly InspectionRecord[],
  alarms: readonly AlarmRecord[],
  inspectionHours: number,
): InspectionFigures {
  const of = (channel: Channel) => inspections.filter((r) => r.recommendation.channel === channel);
  const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, of(c).length])) as Record<Channel, number>;
  const arrivalToRelease = Object.fromEntries(
    CHANNELS.map((c) => {
      const waits = of(c)
        .filter((r) => r.releasedAtMs !== undefined)
        .map((r) => (r.releasedAtMs! - r.arrivedAtMs) / 60_000);
      return [
        c,
        {
          released: waits.length,
          medianMin: waits.length === 0 ? null : Math.round(median(waits) * 10) / 10,
        },
      ];
    }),
  ) as InspectionFigures["arrivalToRelease"];
  const targeted = (c: Channel) => of(c).filter((r) => !r.recommendation.random.selected);
  const hitRate = {
    ...(Object.fromEntries(CHANNELS.map((c) => [c, hitRateOf(targeted(c))])) as Record<Channel, HitRate>),
    random: hitRateOf(inspections.filter((r) => r.recommendation.random.selected)),
  };
  const falseAlarms: Partial<Record<AlarmType, { resolved: number; falseAlarms: number; rate: number }>> = {};
  for (const alarm of alarms) {
    if (alarm.retracted || alarm.workflow !== "resolved" || alarm.outcome === undefined) continue;
    const entry = (falseAlarms[alarm.type] ??= { resolved: 0, falseAlarms: 0, rate: 0 });
    entry.resolved++;
    if (alarm.outcome === "false_alarm") entry.falseAlarms++;
    entry.rate = rate(entry.falseAlarms, entry.resolved) ?? 0;
  }
  const physicalInspections = inspections.filter((r) => r.decision?.kind === "physical_inspection").length;
  const inspectionsAvoided = inspections.length - physicalInspections;
  return {
    trips: inspections.length,
    byChannel,
    greenShare: rate(byChannel.green, inspections.length),
    arrivalToRelease,
    hitRate,
    falseAlarms,
    physicalInspections,
    inspectionsAvoided,
    hoursSaved: Math.round(inspectionsAvoided * inspectionHours * 10) / 10,
  };
}
