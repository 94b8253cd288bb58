/**
 * Walking a declared route: the position at a given distance along it, its heading there, and a
 * point offset sideways from it (how a simulated truck leaves its corridor). Distances are
 * great-circle metres; the sideways offset uses a local flat approximation, ample for a few km.
 */
import { DEG_TO_RAD, EARTH_RADIUS_M, haversineM, type LonLat } from "../core/geo/sphere.js";

export interface RoutePoint {
  readonly lon: number;
  readonly lat: number;
  /** Heading of the segment at that point, degrees clockwise from north, in [0, 360). */
  readonly courseDeg: number;
}

export class RouteWalk {
  /** Cumulative distance at each vertex. */
  private readonly cumulativeM: Float64Array;

  constructor(readonly route: readonly LonLat[]) {
    if (route.length < 2) throw new Error("a route needs at least two vertices");
    this.cumulativeM = new Float64Array(route.length);
    for (let i = 1; i < route.length; i++) {
      const [lon1, lat1] = route[i - 1]!;
      const [lon2, lat2] = route[i]!;
      this.cumulativeM[i] = this.cumulativeM[i - 1]! + haversineM(lon1, lat1, lon2, lat2);
    }
  }

  get lengthM(): number {
    return this.cumulativeM[this.cumulativeM.length - 1]!;
  }

  /** The point `fraction` (clamped to [0, 1]) of the way along the route. */
  at(fraction: number): RoutePoint {
    const target = Math.min(1, Math.max(0, fraction)) * this.lengthM;
    let lo = 0;
    let hi = this.cumulativeM.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeM[mid]! <= target) lo = mid;
      else hi = mid;
    }
    const segmentM = this.cumulativeM[hi]! - this.cumulativeM[lo]!;
    const t = segmentM === 0 ? 0 : (target - this.cumulativeM[lo]!) / segmentM;
    const [lon1, lat1] = this.route[lo]!;
    const [lon2, lat2] = this.route[hi]!;
    return {
      lon: lon1 + (lon2 - lon1) * t,
      lat: lat1 + (lat2 - lat1) * t,
      courseDeg: bearingDeg(lon1, lat1, lon2, lat2),
    };
  }
}

/** Initial great-circle bearing from one point to another, degrees in [0, 360). */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * DEG_TO_RAD;
  const phi2 = lat2 * DEG_TO_RAD;
  const dLambda = (lon2 - lon1) * DEG_TO_RAD;
  const y = Math.sin(dLambda) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda);
  const deg = Math.atan2(y, x) / DEG_TO_RAD;
  return ((deg % 360) + 360) % 360;
}

/** The point `distanceM` from `point` towards `courseDeg` (flat approximation, for short distances). */
export function offsetPoint(
  lon: number,
  lat: number,
  courseDeg: number,
  distanceM: number,
): [number, number] {
  const angle = courseDeg * DEG_TO_RAD;
  const dLat = (distanceM * Math.cos(angle)) / EARTH_RADIUS_M / DEG_TO_RAD;
  const dLon = (distanceM * Math.sin(angle)) / (EARTH_RADIUS_M * Math.cos(lat * DEG_TO_RAD)) / DEG_TO_RAD;
  return [lon + dLon, lat + dLat];
}
