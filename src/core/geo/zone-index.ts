/**
 * Which zones contain a point: a packed Hilbert R-tree (flatbush) over the zones' bounding boxes,
 * then an exact test (polygon ring or great-circle radius) on the candidates.
 */
import Flatbush from "flatbush";
import { prepareRing, ringContains, type PreparedRing } from "./polygon.js";
import { EARTH_RADIUS_M, haversineM, type LonLat } from "./sphere.js";

export type ZoneShape =
  | { readonly type: "polygon"; readonly ring: readonly LonLat[] }
  | { readonly type: "circle"; readonly center: LonLat; readonly radiusM: number };

type PreparedShape =
  | { readonly type: "polygon"; readonly ring: PreparedRing }
  | { readonly type: "circle"; readonly lon: number; readonly lat: number; readonly radiusM: number };

const RAD_TO_DEG = 180 / Math.PI;

export class ZoneIndex {
  private readonly shapes: PreparedShape[];
  /** Which shape each index item belongs to (a shape crossing the antimeridian has two items). */
  private readonly itemShape: number[] = [];
  private readonly tree: Flatbush | null;

  /** `shapes[i]` is zone number `i`; results of `zonesAt` are these numbers, ascending. */
  constructor(shapes: readonly ZoneShape[]) {
    this.shapes = shapes.map((shape) =>
      shape.type === "polygon"
        ? { type: "polygon", ring: prepareRing(shape.ring) }
        : { type: "circle", lon: shape.center[0], lat: shape.center[1], radiusM: shape.radiusM },
    );
    const boxes: [number, number, number, number, number][] = [];
    this.shapes.forEach((shape, i) => {
      for (const box of boundingBoxes(shape)) boxes.push([...box, i]);
    });
    if (boxes.length === 0) {
      this.tree = null;
      return;
    }
    const tree = new Flatbush(boxes.length);
    for (const [minX, minY, maxX, maxY, shape] of boxes) {
      tree.add(minX, minY, maxX, maxY);
      this.itemShape.push(shape);
    }
    tree.finish();
    this.tree = tree;
  }

  get size(): number {
    return this.shapes.length;
  }

  /** Whether zone number `zone` contains `[lon, lat]` (boundary included). */
  contains(zone: number, lon: number, lat: number): boolean {
    const shape = this.shapes[zone];
    if (shape === undefined) return false;
    if (shape.type === "polygon") return ringContains(shape.ring, lon, lat);
    return haversineM(shape.lon, shape.lat, lon, lat) <= shape.radiusM;
  }

  /** Numbers of the zones that contain `[lon, lat]`, ascending. */
  zonesAt(lon: number, lat: number): number[] {
    if (this.tree === null) return [];
    const candidates = this.tree.search(lon, lat, lon, lat);
    const found: number[] = [];
    for (const item of candidates) {
      const zone = this.itemShape[item]!;
      if (!found.includes(zone) && this.contains(zone, lon, lat)) found.push(zone);
    }
    return found.length > 1 ? found.sort((a, b) => a - b) : found;
  }
}

function boundingBoxes(shape: PreparedShape): [number, number, number, number][] {
  if (shape.type === "polygon") {
    const { minLon, minLat, maxLon, maxLat } = shape.ring;
    const margin = 1e-9;
    const box: [number, number, number, number] = [
      minLon - margin,
      minLat - margin,
      maxLon + margin,
      maxLat + margin,
    ];
    const boxes = [box];
    if (maxLon > 180) boxes.push([minLon - 360 - margin, box[1], maxLon - 360 + margin, box[3]]);
    if (minLon < -180) boxes.push([minLon + 360 - margin, box[1], maxLon + 360 + margin, box[3]]);
    return boxes;
  }
  const radiusDeg = (shape.radiusM / EARTH_RADIUS_M) * RAD_TO_DEG * 1.000001 + 1e-9;
  const minLat = shape.lat - radiusDeg;
  const maxLat = shape.lat + radiusDeg;
  if (minLat <= -90 || maxLat >= 90 || radiusDeg >= 90) {
    // The cap reaches a pole: every longitude.
    return [[-180, Math.max(-90, minLat), 180, Math.min(90, maxLat)]];
  }
  const cosMax = Math.cos((Math.max(Math.abs(minLat), Math.abs(maxLat)) * Math.PI) / 180);
  const lonDeg = Math.min(180, radiusDeg / cosMax);
  const minLon = shape.lon - lonDeg;
  const maxLon = shape.lon + lonDeg;
  const boxes: [number, number, number, number][] = [[minLon, minLat, maxLon, maxLat]];
  if (maxLon > 180) boxes.push([minLon - 360, minLat, maxLon - 360, maxLat]);
  if (minLon < -180) boxes.push([minLon + 360, minLat, maxLon + 360, maxLat]);
  return boxes;
}
