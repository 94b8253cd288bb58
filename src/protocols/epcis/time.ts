/**
 * EPCIS times to epoch milliseconds. The schema's `date-time` (ajv-formats) is RFC 3339 with the
 * liberties Ajv allows: `T`, `t` or a space between date and time, `Z` or `z`, offsets `±hh`,
 * `±hhmm` or `±hh:mm`, any number of fraction digits (kept to the millisecond by truncation) and
 * a leap second (read as 23:59:59.999 of that minute).
 */
import { daysFromCivil } from "../../core/time/rfc3339.js";

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** The `eventTimeZoneOffset` pattern of the schema. */
export const TIME_ZONE_OFFSET = /^([+-])(0\d|1[0-3]):([0-5]\d)$|^([+-])14:00$/;

/** Minutes east of UTC of an `eventTimeZoneOffset` such as "+03:00", or undefined when malformed. */
export function offsetMinutes(offset: string): number | undefined {
  if (!TIME_ZONE_OFFSET.test(offset)) return undefined;
  const sign = offset.startsWith("-") ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch milliseconds of an EPCIS date-time. A time that carries no offset of its own (the schema
 * does not allow that, but older gateways send it) is read in `fallbackOffset`, the event's
 * `eventTimeZoneOffset`; without either, undefined.
 */
export function parseEpcisTimeMs(text: string, fallbackOffset?: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMin: number;
  if (m[8] !== undefined) offsetMin = 0;
  else if (m[9] !== undefined) {
    const offHour = Number(m[10]);
    const offMinute = Number(m[11] ?? "0");
    if (offHour > 23 || offMinute > 59) return undefined;
    offsetMin = (m[9] === "-" ? -1 : 1) * (offHour * 60 + offMinute);
  } else {
    const fallback = fallbackOffset === undefined ? undefined : offsetMinutes(fallbackOffset);
    if (fallback === undefined) return undefined;
    offsetMin = fallback;
  }
  const leap = second === 60;
  if (leap && !((hour * 60 + minute - offsetMin + 1440) % 1440 === 1439)) return undefined;
  const millis = leap ? 999 : Number((m[7] ?? "").slice(0, 3).padEnd(3, "0"));
  const days = daysFromCivil(year, month, day);
  return (days * 1440 + hour * 60 + minute - offsetMin) * 60_000 + (leap ? 59 : second) * 1000 + millis;
}
