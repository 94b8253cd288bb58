/**
 * An alarm's reason in the reader's language, from the evidence's measured values: distances,
 * durations and percentages formatted by Intl in the locale (its digits, units and word order),
 * dates in the office's time zone. The English wording of src/core/evidence/wording.ts stays the
 * reference; this gives the same facts in the other languages.
 */
import type { EvidenceMeasure } from "../core/evidence/alarm-evidence.js";
import type { Language } from "../core/notify/model.js";
import { CATALOGUES, fill } from "./catalogue.js";
import { REASONS } from "./reason-catalogue.js";

function unit(locale: string, value: number, name: string, digits = 0): string {
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: name,
    unitDisplay: "short",
    maximumFractionDigits: digits,
  }).format(value);
}

/** "850 m", "2.4 km" in the locale. */
export function localDistance(locale: string, metres: number): string {
  return metres < 1000
    ? unit(locale, Math.round(metres), "meter")
    : unit(locale, metres / 1000, "kilometer", 1);
}

/** Minutes below two hours, hours (one decimal) below two days, else days, in the locale. */
export function localDuration(locale: string, seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 120) return unit(locale, Math.round(s), "second");
  if (s < 7200) return unit(locale, Math.round(s / 60), "minute");
  if (s < 172_800) return unit(locale, s / 3600, "hour", 1);
  return unit(locale, s / 86_400, "day", 1);
}

export function localReason(
  measure: EvidenceMeasure,
  language: Language,
  timeZone: string,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  const locale = CATALOGUES[language].locale;
  const t = REASONS[language];
  const name = (id: string, given?: string) => given ?? names.get(id) ?? id;
  const duration = (s: number) => localDuration(locale, s);
  const list = (items: readonly string[]) =>
    new Intl.ListFormat(locale, { type: "conjunction" }).format(items.map((i) => name(i)));
  switch (measure.type) {
    case "route_deviation":
      return fill(t.route_deviation, {
        distance: localDistance(locale, measure.distanceM),
        corridor: localDistance(locale, measure.corridorM),
        duration: duration(measure.durationS),
      });
    case "unauthorized_stop":
      return fill(t.unauthorized_stop, {
        duration: duration(measure.durationS),
        allowed: duration(measure.allowedS),
      });
    case "restricted_zone":
      return fill(t.restricted_zone, {
        zone: name(measure.zoneId, measure.zoneName),
        duration: duration(measure.durationS),
      });
    case "low_battery":
      return fill(t.low_battery, {
        battery: unit(locale, measure.batteryPct, "percent"),
        threshold: unit(locale, measure.thresholdPct, "percent"),
      });
    case "signal_loss":
      return fill(t.signal_loss, {
        duration: duration(measure.silentS),
        allowed: duration(measure.allowedS),
      });
    case "overdue":
      return fill(t.overdue, {
        destination: name(measure.destination, measure.destinationName),
        late: duration(measure.lateS),
        deadline: new Intl.DateTimeFormat(locale, {
          year: "numeric",
          month: "short",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          timeZone,
        }).format(measure.deadlineMs),
      });
    case "tamper":
      return fill(t.tamper, { reports: new Intl.NumberFormat(locale).format(measure.reports) });
    case "unauthorized_opening":
      return measure.located ? t.unauthorized_opening : t.unauthorized_opening_unlocated;
    case "unexpected_checkpoint":
      return fill(t.unexpected_checkpoint, {
        office: name(measure.office, measure.officeName),
        expected: list(measure.expectedOffices),
      });
    case "seal_mismatch":
      return fill(t.seal_mismatch, {
        seal: measure.sealNumber,
        office: name(measure.office, measure.officeName),
        declared: measure.declaredSeals.join(", "),
      });
  }
}
