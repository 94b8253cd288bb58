/**
 * Point-in-polygon for zone rings whose edges are straight lines in longitude/latitude, as the
 * monitoring contract defines them. A point on the boundary is inside.
 *
 * A ring that crosses the antimeridian is unwrapped first: each vertex's longitude is shifted by
 * ±360° to lie within 180° of the previous one, so an edge always takes the short way round. The
 * query point is then tested at its own longitude and shifted by ±360°.
 */
import { wrapLonDelta, type LonLat } from "./sphere.js";

/** A prepared polygon ring: unwrapped vertex coordinates and their bounding box. */
export interface PreparedRing {
  /** Interleaved lon, lat of each vertex, without a repeated closing vertex. */
  readonly coords: Float64Array;
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export function prepareRing(ring: readonly LonLat[]): PreparedRing {
  let points = ring.slice();
  if (points.length > 1) {
    const first = points[0]!;
    const last = points[points.length - 1]!;
    if (first[0] === last[0] && first[1] === last[1]) points = points.slice(0, -1);
  }
  const coords = new Float64Array(points.length * 2);
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  let previousLon = 0;
  points.forEach(([lon, lat], i) => {
    const unwrapped = i === 0 ? lon : previousLon + wrapLonDelta(lon - previousLon);
    previousLon = unwrapped;
    coords[i * 2] = unwrapped;
    coords[i * 2 + 1] = lat;
    minLon = Math.min(minLon, unwrapped);
    maxLon = Math.max(maxLon, unwrapped);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  });
  return { coords, minLon, minLat, maxLon, maxLat };
}

/** Tolerance, in degrees, for a point to count as lying on an edge (about a tenth of a millimetre). */
const ON_EDGE_EPSILON_DEG = 1e-9;

function containsUnwrapped(ring: PreparedRing, lon: number, lat: number): boolean {
  if (lon < ring.minLon - ON_EDGE_EPSILON_DEG || lon > ring.maxLon + ON_EDGE_EPSILON_DEG) return false;
  if (lat < ring.minLat - ON_EDGE_EPSILON_DEG || lat > ring.maxLat + ON_EDGE_EPSILON_DEG) return false;
  const c = ring.coords;
  const n = c.length / 2;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = c[i * 2]!;
    const yi = c[i * 2 + 1]!;
    const xj = c[j * 2]!;
    const yj = c[j * 2 + 1]!;
    if (onSegment(lon, lat, xj, yj, xi, yi)) return true;
    if (yi > lat !== yj > lat) {
      const crossLon = xj + ((lat - yj) * (xi - xj)) / (yi - yj);
      if (lon < crossLon) inside = !inside;
    }
  }
  return inside;
}

function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  if (px < Math.min(ax, bx) - ON_EDGE_EPSILON_DEG || px > Math.max(ax, bx) + ON_EDGE_EPSILON_DEG)
    return false;
  if (py < Math.min(ay, by) - ON_EDGE_EPSILON_DEG || py > Math.max(ay, by) + ON_EDGE_EPSILON_DEG)
    return false;
  const dx = bx - ax;
  const dy = by - ay;
  const length = Math.hypot(dx, dy);
  if (length === 0) return Math.hypot(px - ax, py - ay) <= ON_EDGE_EPSILON_DEG;
  const cross = (px - ax) * dy - (py - ay) * dx;
  return Math.abs(cross) / length <= ON_EDGE_EPSILON_DEG;
}

/** Whether `[lon, lat]` lies inside the ring or on its boundary. */
export function ringContains(ring: PreparedRing, lon: number, lat: number): boolean {
  if (containsUnwrapped(ring, lon, lat)) return true;
  if (ring.maxLon > 180 && containsUnwrapped(ring, lon + 360, lat)) return true;
  if (ring.minLon < -180 && containsUnwrapped(ring, lon - 360, lat)) return true;
  return false;
}
