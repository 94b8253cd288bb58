/**
 * Synthetic road-like routes: a smooth random walk with ~150 m between vertices, the density of a
 * route densified from a road map. Seeded, so every run measures the same shapes.
 */
import { EARTH_RADIUS_M, type LonLat } from "../../src/core/geo/sphere.js";
import type { Rng } from "../../src/sim/rng.js";

export function destination([lon, lat]: LonLat, distanceM: number, bearingDeg: number): LonLat {
  const delta = distanceM / EARTH_RADIUS_M;
  const theta = (bearingDeg * Math.PI) / 180;
  const phi1 = (lat * Math.PI) / 180;
  const lambda1 = (lon * Math.PI) / 180;
  const phi2 = Math.asin(
    Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta),
  );
  const lambda2 =
    lambda1 +
    Math.atan2(
      Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
      Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2),
    );
  return [(((((lambda2 * 180) / Math.PI + 540) % 360) + 360) % 360) - 180, (phi2 * 180) / Math.PI];
}

/** A road-like polyline of `vertices` vertices starting at `start`, heading roughly `bearingDeg`. */
export function syntheticRoute(
  rng: Rng,
  start: LonLat,
  vertices: number,
  bearingDeg: number,
  spacingM = 150,
): LonLat[] {
  const route: LonLat[] = [start];
  let heading = bearingDeg;
  let turnRate = 0;
  for (let i = 1; i < vertices; i++) {
    turnRate = turnRate * 0.9 + rng.between(-1.5, 1.5);
    heading += turnRate;
    // Keep the general direction: pull the heading back toward the corridor's bearing.
    heading += (bearingDeg - heading) * 0.02;
    route.push(destination(route[i - 1]!, spacingM * rng.between(0.6, 1.4), heading));
  }
  return route;
}
