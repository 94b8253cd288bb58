/**
 * Distance from a point to a route polyline whose segments are great-circle arcs, on the contract's
 * sphere, behind a hierarchy of spherical caps over runs of consecutive segments.
 *
 * Why this shape: a road route densified from a map has tens of thousands of vertices, but it is
 * spatially coherent along its own order. Grouping consecutive segments into leaves of eight and
 * leaves into parents of eight gives a packed tree for the price of ~1/7 of a node per segment
 * (a per-segment R-tree costs far more memory for a thousand live routes). Caps (a centre unit vector
 * and an angular radius) rather than lon/lat boxes keep the test exact across the antimeridian and
 * near the poles.
 *
 * Segment distances are computed in the gnomonic projection centred on the query point: great
 * circles project to straight lines and the distance from the centre to a projected point is
 * tan(angle), so the planar point-to-segment distance gives the exact spherical distance.
 */
import { EARTH_RADIUS_M, writeUnitVector, type LonLat } from "./sphere.js";

const LEAF_SEGMENTS = 8;
const FAN_OUT = 8;
/** A vertex this close to 90° or more away cannot be projected; such segments take the exact 3-D path. */
const MIN_PROJECTABLE_COS = 0.05;
/** Segments tried around a device's last match before searching the tree. */
const HINT_BEHIND = 3;
const HINT_AHEAD = 24;

/** Remembers the segment a device matched last, so the next fix usually needs no tree search. */
export interface RouteHint {
  segment: number;
}

export class RouteIndex {
  /** Number of vertices of the route. */
  readonly vertexCount: number;
  private readonly segmentCount: number;
  private readonly xyz: Float64Array;
  /** Per node: centre x, y, z and angular radius in radians. */
  private readonly nodes: Float64Array;
  /** Start node index of each level; level 0 holds the leaves, the last level holds the root(s). */
  private readonly levelStart: number[];
  private readonly levelCount: number[];
  /** Scratch vector for the query point and its tangent basis. */
  private readonly basis = new Float64Array(9);

  constructor(route: readonly LonLat[]) {
    if (route.length === 0) throw new RangeError("a route needs at least one vertex");
    this.vertexCount = route.length;
    this.segmentCount = Math.max(1, route.length - 1);
    this.xyz = new Float64Array(route.length * 3);
    route.forEach(([lon, lat], i) => writeUnitVector(lon, lat, this.xyz, i * 3));

    const leafCount = Math.ceil(this.segmentCount / LEAF_SEGMENTS);
    const counts = [leafCount];
    while (counts[counts.length - 1]! > 1) counts.push(Math.ceil(counts[counts.length - 1]! / FAN_OUT));
    this.levelCount = counts;
    this.levelStart = [];
    let total = 0;
    for (const count of counts) {
      this.levelStart.push(total);
      total += count;
    }
    this.nodes = new Float64Array(total * 4);
    for (let leaf = 0; leaf < leafCount; leaf++) {
      const first = leaf * LEAF_SEGMENTS;
      const lastVertex = Math.min(first + LEAF_SEGMENTS, this.vertexCount - 1);
      this.buildCapOverVertices(leaf, first, lastVertex);
    }
    for (let level = 1; level < counts.length; level++) {
      for (let i = 0; i < counts[level]!; i++) this.buildCapOverChildren(level, i);
    }
  }

  private buildCapOverVertices(node: number, firstVertex: number, lastVertex: number): void {
    const { xyz } = this;
    let cx = 0;
    let cy = 0;
    let cz = 0;
    for (let v = firstVertex; v <= lastVertex; v++) {
      cx += xyz[v * 3]!;
      cy += xyz[v * 3 + 1]!;
      cz += xyz[v * 3 + 2]!;
    }
    const norm = Math.hypot(cx, cy, cz);
    if (norm < 1e-12) {
      // Vertices that cancel out (antipodal pairs): a cap that covers everything.
      this.setNode(node, 1, 0, 0, Math.PI);
      return;
    }
    cx /= norm;
    cy /= norm;
    cz /= norm;
    let radius = 0;
    for (let v = firstVertex; v <= lastVertex; v++) {
      radius = Math.max(radius, angleBetween(cx, cy, cz, xyz[v * 3]!, xyz[v * 3 + 1]!, xyz[v * 3 + 2]!));
    }
    // A cap of 90° or more is not convex: the arcs between its vertices may leave it.
    this.setNode(node, cx, cy, cz, radius >= Math.PI / 2 ? Math.PI : radius * (1 + 1e-9) + 1e-12);
  }

  private buildCapOverChildren(level: number, index: number): void {
    const childLevel = level - 1;
    const firstChild = index * FAN_OUT;
    const lastChild = Math.min(firstChild + FAN_OUT, this.levelCount[childLevel]!) - 1;
    const { nodes } = this;
    let cx = 0;
    let cy = 0;
    let cz = 0;
    for (let c = firstChild; c <= lastChild; c++) {
      const o = (this.levelStart[childLevel]! + c) * 4;
      cx += nodes[o]!;
      cy += nodes[o + 1]!;
      cz += nodes[o + 2]!;
    }
    const norm = Math.hypot(cx, cy, cz);
    const node = this.levelStart[level]! + index;
    if (norm < 1e-12) {
      this.setNode(node, 1, 0, 0, Math.PI);
      return;
    }
    cx /= norm;
    cy /= norm;
    cz /= norm;
    let radius = 0;
    for (let c = firstChild; c <= lastChild; c++) {
      const o = (this.levelStart[childLevel]! + c) * 4;
      const r = angleBetween(cx, cy, cz, nodes[o]!, nodes[o + 1]!, nodes[o + 2]!) + nodes[o + 3]!;
      radius = Math.max(radius, r);
    }
    this.setNode(node, cx, cy, cz, Math.min(Math.PI, radius * (1 + 1e-9) + 1e-12));
  }

  private setNode(node: number, x: number, y: number, z: number, radius: number): void {
    const o = node * 4;
    this.nodes[o] = x;
    this.nodes[o + 1] = y;
    this.nodes[o + 2] = z;
    this.nodes[o + 3] = radius;
  }

  /** Sets the query point and its east/north tangent basis. */
  private setQuery(lon: number, lat: number): void {
    const phi = (lat * Math.PI) / 180;
    const lambda = (lon * Math.PI) / 180;
    const sinPhi = Math.sin(phi);
    const cosPhi = Math.cos(phi);
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const b = this.basis;
    b[0] = cosPhi * cosLambda; // p
    b[1] = cosPhi * sinLambda;
    b[2] = sinPhi;
    b[3] = -sinLambda; // east
    b[4] = cosLambda;
    b[5] = 0;
    b[6] = -sinPhi * cosLambda; // north
    b[7] = -sinPhi * sinLambda;
    b[8] = cosPhi;
  }

  /**
   * Squared distance, in the gnomonic projection centred on the query point, from the centre to
   * segment `s` (tan² of the exact angular distance); -1 when a vertex lies too far round the
   * sphere to be projected, and `segmentArcAngle` must answer instead.
   */
  private projectedDistanceSquared(s: number): number {
    const { xyz, basis: b } = this;
    const a = s * 3;
    const e = Math.min(s + 1, this.vertexCount - 1) * 3;
    const ax = xyz[a]!;
    const ay = xyz[a + 1]!;
    const az = xyz[a + 2]!;
    const bx = xyz[e]!;
    const by = xyz[e + 1]!;
    const bz = xyz[e + 2]!;
    const wa = ax * b[0]! + ay * b[1]! + az * b[2]!;
    const wb = bx * b[0]! + by * b[1]! + bz * b[2]!;
    if (wa < MIN_PROJECTABLE_COS || wb < MIN_PROJECTABLE_COS) return -1;
    const xa = (ax * b[3]! + ay * b[4]! + az * b[5]!) / wa;
    const ya = (ax * b[6]! + ay * b[7]! + az * b[8]!) / wa;
    const xb = (bx * b[3]! + by * b[4]! + bz * b[5]!) / wb;
    const yb = (bx * b[6]! + by * b[7]! + bz * b[8]!) / wb;
    return planarDistanceSquared(xa, ya, xb, yb);
  }

  /** Exact angle from the query point to segment `s` without projection (the slow path). */
  private segmentArcAngle(s: number): number {
    const { xyz, basis: b } = this;
    const a = s * 3;
    const e = Math.min(s + 1, this.vertexCount - 1) * 3;
    return arcAngle(
      b[0]!,
      b[1]!,
      b[2]!,
      xyz[a]!,
      xyz[a + 1]!,
      xyz[a + 2]!,
      xyz[e]!,
      xyz[e + 1]!,
      xyz[e + 2]!,
    );
  }

  /** Angular distance (radians) from the current query point to segment `s`, exact on the sphere. */
  private segmentAngle(s: number): number {
    const squared = this.projectedDistanceSquared(s);
    return squared < 0 ? this.segmentArcAngle(s) : Math.atan(Math.sqrt(squared));
  }

  /** Whether segment `s` lies within `limitRad` (whose tan² is `tanLimitSquared`) of the query point. */
  private segmentWithin(s: number, tanLimitSquared: number, limitRad: number): boolean {
    const squared = this.projectedDistanceSquared(s);
    return squared < 0 ? this.segmentArcAngle(s) <= limitRad : squared <= tanLimitSquared;
  }

  /** Whether a node's cap can hold a point within `limitRad` of the query point. */
  private nodeWithin(node: number, limitRad: number): boolean {
    const o = node * 4;
    const reach = this.nodes[o + 3]! + limitRad;
    if (reach >= Math.PI) return true;
    const b = this.basis;
    const cosAngle = this.nodes[o]! * b[0]! + this.nodes[o + 1]! * b[1]! + this.nodes[o + 2]! * b[2]!;
    return cosAngle >= Math.cos(reach);
  }

  /**
   * Whether the route passes within `limitM` metres of `[lon, lat]` (boundary included).
   * `hint` carries the segment matched last for this device; it is read and updated.
   */
  isWithinM(lon: number, lat: number, limitM: number, hint?: RouteHint): boolean {
    this.setQuery(lon, lat);
    const limitRad = limitM / EARTH_RADIUS_M;
    if (limitRad >= Math.PI / 2) return this.distanceM(lon, lat) <= limitM;
    const tanLimitSquared = Math.tan(limitRad) ** 2;
    if (hint !== undefined) {
      // Vehicles move forward along the route: look a little back and further ahead first.
      const from = Math.max(0, hint.segment - HINT_BEHIND);
      const to = Math.min(this.segmentCount - 1, hint.segment + HINT_AHEAD);
      for (let s = from; s <= to; s++) {
        if (this.segmentWithin(s, tanLimitSquared, limitRad)) {
          hint.segment = s;
          return true;
        }
      }
    }
    const found = this.searchWithin(limitRad, tanLimitSquared);
    if (found >= 0 && hint !== undefined) hint.segment = found;
    return found >= 0;
  }

  /** Depth-first search for any segment within the limit; returns its index or -1. */
  private searchWithin(limitRad: number, tanLimitSquared: number): number {
    const top = this.levelCount.length - 1;
    const stack: number[] = [];
    for (let i = this.levelCount[top]! - 1; i >= 0; i--) stack.push(top * 1_000_000_000 + i);
    // Each stack entry packs (level, index); routes never approach a billion nodes per level.
    while (stack.length > 0) {
      const packed = stack.pop()!;
      const level = Math.floor(packed / 1_000_000_000);
      const index = packed - level * 1_000_000_000;
      if (!this.nodeWithin(this.levelStart[level]! + index, limitRad)) continue;
      if (level === 0) {
        const first = index * LEAF_SEGMENTS;
        const last = Math.min(first + LEAF_SEGMENTS, this.segmentCount) - 1;
        for (let s = first; s <= last; s++) {
          if (this.segmentWithin(s, tanLimitSquared, limitRad)) return s;
        }
      } else {
        const firstChild = index * FAN_OUT;
        const lastChild = Math.min(firstChild + FAN_OUT, this.levelCount[level - 1]!) - 1;
        for (let c = lastChild; c >= firstChild; c--) stack.push((level - 1) * 1_000_000_000 + c);
      }
    }
    return -1;
  }

  /** Smallest angle (radians) to any segment among nodes that pass `limitRad`, or Infinity. */
  private nearestWithin(limitRad: number): number {
    const top = this.levelCount.length - 1;
    let best = Infinity;
    const visit = (level: number, index: number): void => {
      if (!this.nodeWithin(this.levelStart[level]! + index, Math.min(limitRad, best))) return;
      if (level === 0) {
        const first = index * LEAF_SEGMENTS;
        const last = Math.min(first + LEAF_SEGMENTS, this.segmentCount) - 1;
        for (let s = first; s <= last; s++) best = Math.min(best, this.segmentAngle(s));
        return;
      }
      const firstChild = index * FAN_OUT;
      const lastChild = Math.min(firstChild + FAN_OUT, this.levelCount[level - 1]!) - 1;
      for (let c = firstChild; c <= lastChild; c++) visit(level - 1, c);
    };
    for (let i = 0; i < this.levelCount[top]!; i++) visit(top, i);
    return best;
  }

  /** Great-circle distance in metres from `[lon, lat]` to the nearest point of the route. */
  distanceM(lon: number, lat: number): number {
    this.setQuery(lon, lat);
    let limitRad = 1000 / EARTH_RADIUS_M;
    for (;;) {
      const angle = this.nearestWithin(limitRad);
      if (angle <= limitRad || limitRad >= Math.PI) return angle * EARTH_RADIUS_M;
      limitRad = Math.min(Math.PI, limitRad * 8);
    }
  }
}

function planarDistanceSquared(xa: number, ya: number, xb: number, yb: number): number {
  const dx = xb - xa;
  const dy = yb - ya;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared > 0 ? -(xa * dx + ya * dy) / lengthSquared : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = xa + t * dx;
  const qy = ya + t * dy;
  return qx * qx + qy * qy;
}

function angleBetween(ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const cx = ay * bz - az * by;
  const cy = az * bx - ax * bz;
  const cz = ax * by - ay * bx;
  return Math.atan2(Math.hypot(cx, cy, cz), ax * bx + ay * by + az * bz);
}

/** Exact angle from p to the shorter great-circle arc a→b, without projection (the slow path). */
function arcAngle(
  px: number,
  py: number,
  pz: number,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
): number {
  let nx = ay * bz - az * by;
  let ny = az * bx - ax * bz;
  let nz = ax * by - ay * bx;
  const norm = Math.hypot(nx, ny, nz);
  const toA = angleBetween(px, py, pz, ax, ay, az);
  const toB = angleBetween(px, py, pz, bx, by, bz);
  if (norm < 1e-15) return Math.min(toA, toB);
  nx /= norm;
  ny /= norm;
  nz /= norm;
  const s = px * nx + py * ny + pz * nz;
  const fx = px - s * nx;
  const fy = py - s * ny;
  const fz = pz - s * nz;
  // f lies on the arc when a→f and f→b both turn the same way as a→b.
  const afx = ay * fz - az * fy;
  const afy = az * fx - ax * fz;
  const afz = ax * fy - ay * fx;
  const fbx = fy * bz - fz * by;
  const fby = fz * bx - fx * bz;
  const fbz = fx * by - fy * bx;
  const onArc = afx * nx + afy * ny + afz * nz >= 0 && fbx * nx + fby * ny + fbz * nz >= 0;
  return onArc ? Math.asin(Math.min(1, Math.abs(s))) : Math.min(toA, toB);
}
