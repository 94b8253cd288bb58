/**
 * Checks a zone polygon before it enters the system, so the engine never decides inside/outside on
 * a shape that means nothing. Rings are GeoJSON (RFC 7946): `[lon, lat]` positions, the first
 * repeated last. A ring must be closed, have at least 4 positions, finite coordinates in range, no
 * position repeated by the next one, non-zero area, and must not cross or touch itself; a hole must
 * lie inside the exterior ring without crossing it.
 *
 * Winding: RFC 7946 says the exterior ring is counter-clockwise and holes clockwise, but also that
 * parsers SHOULD NOT reject polygons that do not follow this. A ring wound the other way is
 * accepted and reversed (normalised); the checked polygon is returned in RFC 7946 order.
 *
 * The self-intersection test compares every pair of edges (O(n²)); `MAX_POLYGON_POSITIONS` bounds it.
 * Edges are straight lines in longitude/latitude; a ring across the antimeridian is unwrapped as in
 * polygon.ts.
 */
import { prepareRing, ringContains } from "./polygon.js";
import { wrapLonDelta, type LonLat } from "./sphere.js";

/** The most positions a zone polygon may have, all rings together (bounds the O(n²) check). */
export const MAX_POLYGON_POSITIONS = 4_000;

/** An area at or below this, in square degrees (about 0.01 m² at the equator), counts as zero. */
export const ZERO_AREA_DEG2 = 1e-12;

export type PolygonCheck =
  { readonly ok: true; readonly rings: LonLat[][] } | { readonly ok: false; readonly reason: string };

type Ring = readonly (readonly number[])[];

/** Checks `rings` (exterior first, then holes); on success, the rings wound as RFC 7946 says. */
export function checkPolygon(rings: readonly Ring[]): PolygonCheck {
  if (rings.length === 0) return fail("a polygon needs an exterior ring");
  const total = rings.reduce((sum, ring) => sum + ring.length, 0);
  if (total > MAX_POLYGON_POSITIONS)
    return fail(`a zone polygon has at most ${MAX_POLYGON_POSITIONS} positions, this one has ${total}`);
  const checked: LonLat[][] = [];
  const unwrapped: number[][] = [];
  for (let r = 0; r < rings.length; r++) {
    const ring = checkRing(rings[r]!, r);
    if (typeof ring === "string") return fail(ring);
    const coords = unwrap(ring, r === 0 ? ring[0]![0] : unwrapped[0]![0]!);
    const problem = selfIntersection(coords, r) ?? zeroArea(coords, r) ?? turnBack(coords, r);
    if (problem !== undefined) return fail(problem);
    if (r > 0) {
      const outside = holeProblem(coords, unwrapped[0]!, checked[0]!, ring, r);
      if (outside !== undefined) return fail(outside);
    }
    const counterClockwise = signedArea(coords) > 0;
    checked.push(counterClockwise === (r === 0) ? ring : ring.slice().reverse());
    unwrapped.push(coords);
  }
  return { ok: true, rings: checked };
}

function fail(reason: string): PolygonCheck {
  return { ok: false, reason };
}

function checkRing(ring: Ring, r: number): LonLat[] | string {
  if (ring.length < 4)
    return `ring ${r} has ${ring.length} positions; a closed ring needs at least 4 (3 corners and the first repeated last)`;
  const positions: LonLat[] = [];
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i] as [number, number];
    if (!Number.isFinite(lon) || lon < -180 || lon > 180)
      return `ring ${r} position ${i}: longitude ${lon} is outside [-180, 180] (positions are [lon, lat])`;
    if (!Number.isFinite(lat) || lat < -90 || lat > 90)
      return `ring ${r} position ${i}: latitude ${lat} is outside [-90, 90] (positions are [lon, lat])`;
    positions.push([lon, lat]);
  }
  const first = positions[0]!;
  const last = positions[positions.length - 1]!;
  if (!samePosition(first, last))
    return `ring ${r} is not closed: position 0 [${first.join(", ")}] differs from the last, position ${positions.length - 1} [${last.join(", ")}]`;
  for (let i = 0; i + 1 < positions.length; i++) {
    if (samePosition(positions[i]!, positions[i + 1]!))
      return `ring ${r} repeats position ${i} at position ${i + 1}`;
  }
  return positions;
}

function samePosition(a: LonLat, b: LonLat): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Interleaved lon, lat of every position (closing one included), longitudes unwrapped near `referenceLon`. */
function unwrap(ring: readonly LonLat[], referenceLon: number): number[] {
  const coords: number[] = [];
  let previous = referenceLon;
  for (const [lon, lat] of ring) {
    previous += wrapLonDelta(lon - previous);
    coords.push(previous, lat);
  }
  return coords;
}

function signedArea(c: readonly number[]): number {
  let twice = 0;
  for (let i = 0; i + 3 < c.length; i += 2) twice += c[i]! * c[i + 3]! - c[i + 2]! * c[i + 1]!;
  return twice / 2;
}

function zeroArea(c: readonly number[], r: number): string | undefined {
  if (Math.abs(signedArea(c)) > ZERO_AREA_DEG2) return undefined;
  return `ring ${r} has zero area (its positions are collinear or it folds onto itself)`;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** Whether edge a→b and edge c→d share any point (touching and overlapping count). */
function edgesMeet(c1: readonly number[], i: number, c2: readonly number[], j: number): boolean {
  const [ax, ay, bx, by] = [c1[i * 2]!, c1[i * 2 + 1]!, c1[i * 2 + 2]!, c1[i * 2 + 3]!];
  const [cx, cy, dx, dy] = [c2[j * 2]!, c2[j * 2 + 1]!, c2[j * 2 + 2]!, c2[j * 2 + 3]!];
  if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) return false;
  if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) return false;
  const d1 = Math.sign(cross(cx, cy, dx, dy, ax, ay));
  const d2 = Math.sign(cross(cx, cy, dx, dy, bx, by));
  const d3 = Math.sign(cross(ax, ay, bx, by, cx, cy));
  const d4 = Math.sign(cross(ax, ay, bx, by, dx, dy));
  // With the bounding boxes overlapping, collinear edges (all signs 0) overlap too.
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

function edges(c: readonly number[]): number {
  return c.length / 2 - 1;
}

/** Two edges that are not neighbours along the ring and meet. */
function selfIntersection(c: readonly number[], r: number): string | undefined {
  const n = edges(c);
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // neighbours through the closing position
      if (edgesMeet(c, i, c, j))
        return `ring ${r} crosses itself between positions ${i}–${i + 1} and ${j}–${j + 1}`;
    }
  }
  return undefined;
}

/** Neighbouring edges that double back along each other (a spike of no width). */
function turnBack(c: readonly number[], r: number): string | undefined {
  const n = edges(c);
  for (let k = 0; k < n; k++) {
    const prev = (k + n - 1) % n;
    const [px, py, vx, vy] = [c[prev * 2]!, c[prev * 2 + 1]!, c[k * 2]!, c[k * 2 + 1]!];
    const [nx, ny] = [c[k * 2 + 2]!, c[k * 2 + 3]!];
    const collinear = cross(px, py, vx, vy, nx, ny) === 0;
    const back = (vx - px) * (nx - vx) + (vy - py) * (ny - vy) < 0;
    if (collinear && back) return `ring ${r} turns back on itself at position ${k}`;
  }
  return undefined;
}

function holeProblem(
  hole: readonly number[],
  exterior: readonly number[],
  exteriorRing: readonly LonLat[],
  holeRing: readonly LonLat[],
  r: number,
): string | undefined {
  for (let i = 0; i < edges(hole); i++) {
    for (let j = 0; j < edges(exterior); j++) {
      if (edgesMeet(hole, i, exterior, j))
        return `ring ${r} (a hole) meets the exterior ring between its positions ${i}–${i + 1} and the exterior's ${j}–${j + 1}`;
    }
  }
  const [lon, lat] = holeRing[0]!;
  if (!ringContains(prepareRing(exteriorRing), lon, lat))
    return `ring ${r} (a hole) lies outside the exterior ring (its position 0 [${lon}, ${lat}] is outside)`;
  return undefined;
}
