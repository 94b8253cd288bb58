/**
 * Which zones contain a point: a uniform grid over longitude/latitude cells (about 5.5 km at the
 * equator) lists the zones whose bounding box touches each cell; the candidates of the point's cell
 * get an exact test (polygon ring or great-circle radius). A lookup allocates nothing when the point
 * is in no zone, the common case for a truck on the road. Zones too large for the grid (more than
 * `MAX_CELLS_PER_ZONE` cells) are tested by their bounding box on every lookup.
 */
import { prepareRing, ringContains, type PreparedRing } from "./polygon.js";
import { EARTH_RADIUS_M, haversineM, type LonLat } from "./sphere.js";

export type ZoneShape =
  | { readonly type: "polygon"; readonly ring: readonly LonLat[] }
  | { readonly type: "circle"; readonly center: LonLat; readonly radiusM: number };

type PreparedShape =
  | { readonly type: "polygon"; readonly ring: PreparedRing }
  | { readonly type: "circle"; readonly lon: number; readonly lat: number; readonly radiusM: number };

type Box = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];

const CELL_DEG = 0.05;
const LON_CELLS = Math.ceil(360 / CELL_DEG);
const LAT_CELLS = Math.ceil(180 / CELL_DEG);
const MAX_CELLS_PER_ZONE = 20_000;
const RAD_TO_DEG = 180 / Math.PI;
const NO_ZONES: readonly number[] = Object.freeze([]);

function lonCell(lon: number): number {
  return Math.min(LON_CELLS - 1, Math.max(0, Math.floor((lon + 180) / CELL_DEG)));
}

function latCell(lat: number): number {
  return Math.min(LAT_CELLS - 1, Math.max(0, Math.floor((lat + 90) / CELL_DEG)));
}

export class ZoneIndex {
  private readonly shapes: PreparedShape[];
  /** Zone numbers by cell key, ascending within a cell. */
  private readonly cells = new Map<number, number[]>();
  /** Zones too large for the grid, with their boxes. */
  private readonly large: { zone: number; boxes: Box[] }[] = [];

  /** `shapes[i]` is zone number `i`; results of `zonesAt` are these numbers, ascending. */
  constructor(shapes: readonly ZoneShape[]) {
    this.shapes = shapes.map((shape) =>
      shape.type === "polygon"
        ? { type: "polygon", ring: prepareRing(shape.ring) }
        : { type: "circle", lon: shape.center[0], lat: shape.center[1], radiusM: shape.radiusM },
    );
    this.shapes.forEach((shape, zone) => {
      const boxes = boundingBoxes(shape);
      let cellCount = 0;
      for (const [minLon, minLat, maxLon, maxLat] of boxes) {
        cellCount += (lonCell(maxLon) - lonCell(minLon) + 1) * (latCell(maxLat) - latCell(minLat) + 1);
      }
      if (cellCount > MAX_CELLS_PER_ZONE) {
        this.large.push({ zone, boxes });
        return;
      }
      for (const [minLon, minLat, maxLon, maxLat] of boxes) {
        for (let y = latCell(minLat); y <= latCell(maxLat); y++) {
          for (let x = lonCell(minLon); x <= lonCell(maxLon); x++) {
            const key = y * LON_CELLS + x;
            const list = this.cells.get(key);
            if (list === undefined) this.cells.set(key, [zone]);
            else if (list[list.length - 1] !== zone) list.push(zone);
          }
        }
      }
    });
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

  /** Numbers of the zones that contain `[lon, lat]`, ascending. The result must not be modified. */
  zonesAt(lon: number, lat: number): readonly number[] {
    const candidates = this.cells.get(latCell(lat) * LON_CELLS + lonCell(lon));
    let found: number[] | null = null;
    if (candidates !== undefined) {
      for (const zone of candidates) {
        if (this.contains(zone, lon, lat)) (found ??= []).push(zone);
      }
    }
    for (const { zone, boxes } of this.large) {
      if (!boxes.some((box) => inBox(box, lon, lat))) continue;
      if (this.contains(zone, lon, lat)) {
        found ??= [];
        if (!found.includes(zone)) found.push(zone);
      }
    }
    if (found === null) return NO_ZONES;
    return found.length > 1 ? found.sort((a, b) => a - b) : found;
  }
}

function inBox([minLon, minLat, maxLon, maxLat]: Box, lon: number, lat: number): boolean {
  return (
    lat >= minLat &&
    lat <= maxLat &&
    ((lon >= minLon && lon <= maxLon) ||
      (lon + 360 >= minLon && lon + 360 <= maxLon) ||
      (lon - 360 >= minLon && lon - 360 <= maxLon))
  );
}

/** Bounding boxes within [-180, 180] longitude (a zone across the antimeridian has two). */
function boundingBoxes(shape: PreparedShape): Box[] {
  let minLon: number;
  let maxLon: number;
  let minLat: number;
  let maxLat: number;
  if (shape.type === "polygon") {
    const margin = 1e-9;
    ({ minLon, minLat, maxLon, maxLat } = shape.ring);
    minLon -= margin;
    minLat -= margin;
    maxLon += margin;
    maxLat += margin;
  } else {
    const radiusDeg = (shape.radiusM / EARTH_RADIUS_M) * RAD_TO_DEG * 1.000001 + 1e-9;
    minLat = shape.lat - radiusDeg;
    maxLat = shape.lat + radiusDeg;
    if (minLat <= -90 || maxLat >= 90 || radiusDeg >= 90) {
      // The cap reaches a pole: every longitude.
      return [[-180, Math.max(-90, minLat), 180, Math.min(90, maxLat)]];
    }
    const cosMax = Math.cos((Math.max(Math.abs(minLat), Math.abs(maxLat)) * Math.PI) / 180);
    const lonDeg = Math.min(180, radiusDeg / cosMax);
    minLon = shape.lon - lonDeg;
    maxLon = shape.lon + lonDeg;
  }
  const boxes: Box[] = [[Math.max(-180, minLon), minLat, Math.min(180, maxLon), maxLat]];
  if (maxLon > 180) boxes.push([-180, minLat, maxLon - 360, maxLat]);
  if (minLon < -180) boxes.push([minLon + 360, minLat, 180, maxLat]);
  return boxes;
}
