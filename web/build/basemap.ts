/**
 * The offline basemap, made at build time from Natural Earth data (the world-atlas package): the
 * world's countries at 1:50m (fills, borders, labels), and, around the four corridors only, land
 * and borders at 1:10m for the closer zooms. TopoJSON is turned into GeoJSON files that MapLibre
 * loads from the dashboard's own server, so the map needs no internet.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { feature, mesh } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";

type Position = [number, number];
type Ring = Position[];
interface Geometry {
  type: string;
  coordinates: unknown;
}
interface Feature {
  type: "Feature";
  id?: string | number;
  properties: Record<string, unknown> | null;
  geometry: Geometry;
}

/** Areas drawn at 1:10m: [west, south, east, north] around each corridor. */
export const DETAIL_AREAS: readonly (readonly [number, number, number, number])[] = [
  [99.0, 11.5, 104.5, 19.0], // Thailand: Laem Chabang to Nong Khai
  [113.6, 22.05, 114.5, 22.65], // Hong Kong: airport to Lok Ma Chau
  [33.0, -5.5, 41.0, 2.0], // Kenya: Mombasa to Malaba and Nairobi
  [16.0, 47.3, 23.0, 50.0], // Slovakia: Dobra to Bratislava
];

const require = createRequire(import.meta.url);

function topology(name: string): Topology {
  return JSON.parse(readFileSync(require.resolve(`world-atlas/${name}.json`), "utf8")) as Topology;
}

function round(position: Position, digits: number): Position {
  const f = 10 ** digits;
  return [Math.round(position[0] * f) / f, Math.round(position[1] * f) / f];
}

/** Sutherland–Hodgman: the part of a closed ring inside an axis-aligned box. */
export function clipRing(ring: Ring, box: readonly [number, number, number, number]): Ring {
  const [west, south, east, north] = box;
  const edges: ((p: Position) => boolean)[] = [
    (p) => p[0] >= west,
    (p) => p[0] <= east,
    (p) => p[1] >= south,
    (p) => p[1] <= north,
  ];
  const cross = (a: Position, b: Position, edge: number): Position => {
    const value = [west, east, south, north][edge]!;
    if (edge < 2) {
      const t = (value - a[0]) / (b[0] - a[0]);
      return [value, a[1] + t * (b[1] - a[1])];
    }
    const t = (value - a[1]) / (b[1] - a[1]);
    return [a[0] + t * (b[0] - a[0]), value];
  };
  let output = ring;
  edges.forEach((inside, edge) => {
    const input = output;
    output = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i]!;
      const previous = input[(i + input.length - 1) % input.length]!;
      if (inside(current)) {
        if (!inside(previous)) output.push(cross(previous, current, edge));
        output.push(current);
      } else if (inside(previous)) {
        output.push(cross(previous, current, edge));
      }
    }
  });
  if (output.length > 0) output.push(output[0]!);
  return output.length >= 4 ? output : [];
}

function clipLine(line: Position[], box: readonly [number, number, number, number]): Position[][] {
  const [west, south, east, north] = box;
  const inside = (p: Position) => p[0] >= west && p[0] <= east && p[1] >= south && p[1] <= north;
  const parts: Position[][] = [];
  let current: Position[] = [];
  for (const p of line) {
    if (inside(p)) current.push(p);
    else if (current.length > 0) {
      current.push(p);
      parts.push(current);
      current = [];
    }
  }
  if (current.length > 1) parts.push(current);
  return parts;
}

function polygonsOf(geometry: Geometry): Ring[][] {
  if (geometry.type === "Polygon") return [geometry.coordinates as Ring[]];
  if (geometry.type === "MultiPolygon") return geometry.coordinates as Ring[][];
  return [];
}

function linesOf(geometry: Geometry): Position[][] {
  if (geometry.type === "LineString") return [geometry.coordinates as Position[]];
  if (geometry.type === "MultiLineString") return geometry.coordinates as Position[][];
  return [];
}

function collection(features: Feature[]): string {
  return JSON.stringify({ type: "FeatureCollection", features });
}

/** A point well inside the largest polygon of a country (the centroid of its outer ring's area). */
function labelPoint(geometry: Geometry): Position | undefined {
  let best: { area: number; point: Position } | undefined;
  for (const polygon of polygonsOf(geometry)) {
    const ring = polygon[0];
    if (ring === undefined) continue;
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i]!;
      const [x1, y1] = ring[i + 1]!;
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (area === 0) continue;
    const point: Position = [cx / (3 * area), cy / (3 * area)];
    if (best === undefined || Math.abs(area) > best.area) best = { area: Math.abs(area), point };
  }
  return best?.point;
}

/** The basemap files, by file name (under basemap/). */
export function buildBasemap(): Map<string, string> {
  const files = new Map<string, string>();
  const world = topology("countries-50m");
  const countries = world.objects.countries as GeometryCollection;
  const countryFeatures = (feature(world, countries) as unknown as { features: Feature[] }).features;
  files.set(
    "countries-50m.geojson",
    collection(
      countryFeatures.map((f) => ({
        type: "Feature",
        properties: { name: (f.properties?.name as string | undefined) ?? "" },
        geometry: { type: f.geometry.type, coordinates: mapCoordinates(f.geometry.coordinates, 3) },
      })),
    ),
  );
  const borders = mesh(world, countries, (a, b) => a !== b) as unknown as Geometry;
  files.set(
    "borders-50m.geojson",
    collection([
      {
        type: "Feature",
        properties: {},
        geometry: { type: borders.type, coordinates: mapCoordinates(borders.coordinates, 3) },
      },
    ]),
  );
  const labels: Feature[] = [];
  for (const f of countryFeatures) {
    const point = labelPoint(f.geometry);
    if (point !== undefined && typeof f.properties?.name === "string")
      labels.push({
        type: "Feature",
        properties: { name: f.properties.name },
        geometry: { type: "Point", coordinates: round(point, 3) },
      });
  }
  files.set("country-labels.geojson", collection(labels));

  const land10 = topology("land-10m");
  const landGeometry = (
    feature(land10, land10.objects.land as GeometryCollection) as unknown as { features: Feature[] }
  ).features;
  const detailLand: Feature[] = [];
  for (const box of DETAIL_AREAS) {
    const polygons: Ring[][] = [];
    for (const f of landGeometry)
      for (const [outer, ...holes] of polygonsOf(f.geometry)) {
        // A polygon whose outer ring lies outside the box is dropped, holes and all.
        const shell = outer === undefined ? [] : clipRing(outer, box);
        if (shell.length === 0) continue;
        polygons.push([shell, ...holes.map((ring) => clipRing(ring, box)).filter((ring) => ring.length > 0)]);
      }
    detailLand.push({
      type: "Feature",
      properties: {},
      geometry: {
        type: "MultiPolygon",
        coordinates: polygons.map((p) => p.map((r) => r.map((pt) => round(pt, 4)))),
      },
    });
  }
  files.set("land-10m-detail.geojson", collection(detailLand));
  files.set(
    "detail-areas.geojson",
    collection(
      DETAIL_AREAS.map(([w, s, e, n]) => ({
        type: "Feature",
        properties: {},
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [w, s],
              [e, s],
              [e, n],
              [w, n],
              [w, s],
            ],
          ],
        },
      })),
    ),
  );

  const countries10 = topology("countries-10m");
  const borders10 = mesh(
    countries10,
    countries10.objects.countries as GeometryCollection,
    (a, b) => a !== b,
  ) as unknown as Geometry;
  const detailBorders: Position[][] = [];
  for (const box of DETAIL_AREAS)
    for (const line of linesOf(borders10)) detailBorders.push(...clipLine(line, box));
  files.set(
    "borders-10m-detail.geojson",
    collection([
      {
        type: "Feature",
        properties: {},
        geometry: {
          type: "MultiLineString",
          coordinates: detailBorders.map((l) => l.map((p) => round(p, 4))),
        },
      },
    ]),
  );
  return files;
}

function mapCoordinates(value: unknown, digits: number): unknown {
  if (Array.isArray(value) && typeof value[0] === "number") return round(value as Position, digits);
  return (value as unknown[]).map((v) => mapCoordinates(v, digits));
}
