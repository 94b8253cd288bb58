/**
 * Checks a schema cannot express: identifiers by their check digits and formats (src/core/identifiers),
 * coordinate ranges, times. Each failure is a 400 naming the field and why.
 */
import { SealwatchError } from "../core/errors.js";
import type { LonLat } from "../core/geo/sphere.js";
import { validateIdentifier, type IdentifierKind } from "../core/identifiers/index.js";
import { parseTimeMs } from "../core/time/rfc3339.js";

const LABELS: Readonly<Record<IdentifierKind, string>> = {
  containerNumber: "ISO 6346 container number",
  mrn: "MRN",
  customsOffice: "customs office reference number",
  unLocode: "UN/LOCODE",
  sealIdentifier: "seal identifier",
  imoNumber: "IMO number",
  epcUrn: "EPC URN",
};

/** The normalized identifier, or INVALID_IDENTIFIER naming `field`. */
export function checkIdentifier(kind: IdentifierKind, field: string, value: string): string {
  const result = validateIdentifier(kind, value);
  if (!result.ok)
    throw new SealwatchError(
      "INVALID_IDENTIFIER",
      `${field}: "${value}" is not a valid ${LABELS[kind]}: ${result.reason}`,
    );
  return result.value;
}

export function invalid(field: string, reason: string): SealwatchError {
  return new SealwatchError("INVALID_DEFINITION", `${field}: ${reason}`);
}

export function checkPosition(field: string, position: readonly number[]): LonLat {
  const [lon, lat] = position as [number, number];
  if (!Number.isFinite(lon) || lon < -180 || lon > 180)
    throw invalid(field, `longitude ${lon} is outside [-180, 180] (GeoJSON positions are [lon, lat])`);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90)
    throw invalid(field, `latitude ${lat} is outside [-90, 90] (GeoJSON positions are [lon, lat])`);
  return [lon, lat];
}

export function checkPositions(field: string, positions: readonly (readonly number[])[]): LonLat[] {
  return positions.map((p, i) => checkPosition(`${field}[${i}]`, p));
}

export function checkTime(field: string, text: string): number {
  const ms = parseTimeMs(text);
  if (ms === undefined)
    throw invalid(field, `"${text}" is not an RFC 3339 time such as 2025-06-10T08:00:00Z`);
  return ms;
}
