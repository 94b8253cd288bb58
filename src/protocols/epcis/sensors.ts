/**
 * What an event's `sensorElementList` says: whether any report raises ALARM_CONDITION, which
 * devices reported, and the latest GNSS fix. EPCIS has no location measurement type, so a fix is a
 * pair of `Angle` reports with `component` latitude and longitude in decimal degrees (`uom` DD),
 * in WGS 84 (the CRS84 or EPSG:4326 reference systems, or none named), as in GS1's
 * SensorDataExample14.
 */
import { isRecord, own, ownNumber, ownRecord, ownRecords, ownString, type JsonRecord } from "./json.js";
import { ALARM_CONDITION } from "./vocabulary.js";
import { parseEpcisTimeMs } from "./time.js";

export interface SensorFix {
  readonly lon: number;
  readonly lat: number;
  readonly altitudeM?: number;
  readonly speedKmh?: number;
  /** The report's or element's own time; undefined means the event time. */
  readonly atMs?: number;
}

export interface SensorSummary {
  readonly alarm: boolean;
  /** `deviceID`s of sensorMetadata and sensorReports, in order, without repeats. */
  readonly deviceIds: readonly string[];
  readonly fix?: SensorFix;
}

const WGS84 = new Set([
  "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
  "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
  "urn:ogc:def:crs:OGC:1.3:CRS84",
  "http://www.opengis.net/def/crs/EPSG/0/4326",
  "https://www.opengis.net/def/crs/EPSG/0/4326",
  "urn:ogc:def:crs:EPSG::4326",
]);

function isType(report: JsonRecord, name: string): boolean {
  const type = ownString(report, "type");
  return type === name || type === `gs1:${name}`;
}

/** A coordinate report of the given component, if it is in degrees of WGS 84. */
function degrees(report: JsonRecord, component: "latitude" | "longitude"): number | undefined {
  if (!isType(report, "Angle") || ownString(report, "component") !== component) return undefined;
  const uom = own(report, "uom");
  const crs = own(report, "coordinateReferenceSystem");
  if (uom !== undefined && uom !== "DD") return undefined;
  if (crs !== undefined && !(typeof crs === "string" && WGS84.has(crs))) return undefined;
  return ownNumber(report, "value");
}

function speedKmh(report: JsonRecord): number | undefined {
  if (!isType(report, "Speed")) return undefined;
  const value = ownNumber(report, "value");
  if (value === undefined || value < 0) return undefined;
  switch (own(report, "uom")) {
    case "KMH":
      return value;
    case "MTS":
      return value * 3.6;
    default:
      return undefined;
  }
}

function altitudeM(report: JsonRecord): number | undefined {
  if (!(isType(report, "Length") || isType(report, "Altitude"))) return undefined;
  if (own(report, "component") !== "altitude" && !isType(report, "Altitude")) return undefined;
  return own(report, "uom") === "MTR" ? ownNumber(report, "value") : undefined;
}

function timeOf(record: JsonRecord | undefined, offset: string | undefined): number | undefined {
  const text = record === undefined ? undefined : ownString(record, "time");
  return text === undefined ? undefined : parseEpcisTimeMs(text, offset);
}

/** Reads an event's sensor elements. The latest fix wins; a fix without a time counts as the event time. */
export function summariseSensors(
  event: JsonRecord,
  eventTimeMs: number,
  offset: string | undefined,
): SensorSummary {
  let alarm = false;
  const deviceIds = new Set<string>();
  let fix: SensorFix | undefined;
  for (const element of ownRecords(event, "sensorElementList")) {
    const metadata = ownRecord(element, "sensorMetadata");
    const metadataDevice = metadata === undefined ? undefined : ownString(metadata, "deviceID");
    if (metadataDevice !== undefined) deviceIds.add(metadataDevice);
    const elementTimeMs = timeOf(metadata, offset);
    let lat: number | undefined;
    let lon: number | undefined;
    let latTimeMs: number | undefined;
    let speed: number | undefined;
    let altitude: number | undefined;
    const reports = own(element, "sensorReport");
    for (const report of Array.isArray(reports) ? reports : []) {
      if (!isRecord(report)) continue;
      if (own(report, "exception") === ALARM_CONDITION) alarm = true;
      const reportDevice = ownString(report, "deviceID");
      if (reportDevice !== undefined) deviceIds.add(reportDevice);
      const latitude = degrees(report, "latitude");
      if (latitude !== undefined && lat === undefined) {
        lat = latitude;
        latTimeMs = timeOf(report, offset);
      }
      lon ??= degrees(report, "longitude");
      speed ??= speedKmh(report);
      altitude ??= altitudeM(report);
    }
    if (lat === undefined || lon === undefined || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    const atMs = latTimeMs ?? elementTimeMs;
    if (fix !== undefined && (atMs ?? eventTimeMs) < (fix.atMs ?? eventTimeMs)) continue;
    fix = {
      lon,
      lat,
      ...(altitude === undefined ? {} : { altitudeM: altitude }),
      ...(speed === undefined ? {} : { speedKmh: speed }),
      ...(atMs === undefined ? {} : { atMs }),
    };
  }
  return fix === undefined ? { alarm, deviceIds: [...deviceIds] } : { alarm, deviceIds: [...deviceIds], fix };
}
