/**
 * One notification as its recipient reads it: what (the alarm and its severity), where (the
 * position, or the office), which trip, declaration and containers, when (in the office's time
 * zone, in the recipient's locale), why (the evidence's plain words) and a link straight to the
 * alarm; in the recipient's language. Pure: the caller gives the facts.
 */
import type { LonLat } from "../core/geo/sphere.js";
import type { Language } from "../core/notify/model.js";
import type { AlarmRecord, TripRecord } from "../store/ports.js";
import { CATALOGUES, fill } from "./catalogue.js";
import { localReason } from "./reasons.js";

export interface NotificationFacts {
  readonly alarm: Pick<AlarmRecord, "id" | "type" | "severity" | "raisedAtMs" | "evidence">;
  readonly trip: Pick<TripRecord, "id" | "reference" | "origin" | "destination" | "declaration">;
  /** Where the alarm began, if known. */
  readonly position?: LonLat;
  /** Office names by zone id. */
  readonly officeNames: ReadonlyMap<string, string>;
  /** The alarm in the dashboard. */
  readonly link: string;
  readonly language: Language;
  /** The office's IANA zone (times are given in it). */
  readonly timeZone: string;
  /** 0 for the first step of the chain. */
  readonly step: number;
}

export interface RenderedNotification {
  readonly subject: string;
  readonly text: string;
  /** A short body for a push notification. */
  readonly short: string;
}

export function renderNotification(f: NotificationFacts): RenderedNotification {
  const c = CATALOGUES[f.language];
  const alarm = c.alarm[f.alarm.type];
  const subject = fill(c.subject, { severity: c.severity[f.alarm.severity], alarm, trip: f.trip.id });
  const when = new Intl.DateTimeFormat(c.locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: f.timeZone,
    timeZoneName: "short",
  }).format(f.alarm.raisedAtMs);
  const office = (id: string) => f.officeNames.get(id) ?? id;
  const coordinate = new Intl.NumberFormat(c.locale, { maximumFractionDigits: 5, minimumFractionDigits: 5 });
  const where =
    f.position === undefined
      ? c.labels.unknown
      : `${coordinate.format(f.position[1])}, ${coordinate.format(f.position[0])} (lat, lon)`;
  const declaration = (f.trip.declaration ?? {}) as { containers?: unknown };
  const containers = Array.isArray(declaration.containers)
    ? declaration.containers.filter((x): x is string => typeof x === "string")
    : [];
  const lines = [
    subject,
    "",
    ...(f.step > 0 ? [fill(c.escalated, { step: f.step + 1 }), ""] : []),
    `${c.labels.trip}: ${f.trip.id}`,
    ...(f.trip.reference === undefined ? [] : [`${c.labels.declaration}: ${f.trip.reference}`]),
    `${c.labels.containers}: ${containers.length === 0 ? c.labels.unknown : containers.join(", ")}`,
    `${c.labels.route}: ${office(f.trip.origin)} → ${office(f.trip.destination)}`,
    `${c.labels.where}: ${where}`,
    `${c.labels.raisedAt}: ${when}`,
    ...(f.alarm.evidence === undefined
      ? []
      : [
          // English keeps the evidence's own words (they quote the device); others get the measured facts.
          `${c.labels.reason}: ${
            f.language === "en"
              ? f.alarm.evidence.reason
              : localReason(f.alarm.evidence.measure, f.language, f.timeZone, f.officeNames)
          }`,
        ]),
    "",
    `${c.labels.open}: ${f.link}`,
  ];
  return { subject, text: lines.join("\n"), short: `${c.labels.where}: ${where} · ${when}` };
}
