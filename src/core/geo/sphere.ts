/**
 * The monitoring contract measures distances on a sphere of radius 6,371,008.8 m (the mean Earth
 * radius). Points are `[lon, lat]` in degrees; internally, unit vectors in an Earth-centred frame.
 */

/** Mean Earth radius in metres, the sphere of the monitoring contract. */
export const EARTH_RADIUS_M = 6_371_008.8;

export const DEG_TO_RAD = Math.PI / 180;

/** A position as `[lon, lat]` in degrees. */
export type LonLat = readonly [lon: number, lat: number];

/** Great-circle distance in metres between two `[lon, lat]` points (haversine). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * DEG_TO_RAD;
  const phi2 = lat2 * DEG_TO_RAD;
  const dPhi = phi2 - phi1;
  const dLambda = (lon2 - lon1) * DEG_TO_RAD;
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Writes the unit vector of `[lon, lat]` into `out` at `offset` (x toward lon 0, z toward the north pole). */
export function writeUnitVector(lon: number, lat: number, out: Float64Array, offset: number): void {
  const phi = lat * DEG_TO_RAD;
  const lambda = lon * DEG_TO_RAD;
  const cosPhi = Math.cos(phi);
  out[offset] = cosPhi * Math.cos(lambda);
  out[offset + 1] = cosPhi * Math.sin(lambda);
  out[offset + 2] = Math.sin(phi);
}

/** Wraps a longitude difference into [-180, 180). */
export function wrapLonDelta(deltaDeg: number): number {
  return ((((deltaDeg + 180) % 360) + 360) % 360) - 180;
}
