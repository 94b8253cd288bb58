/**
 * The corridor check against turf's pointToLineDistance on the same route and points (issue 2):
 * the engine's per-fix check (isWithinM with the device's segment hint), the exact distance
 * (distanceM), and turf, as ratios measured in one run.
 */
import { pointToLineDistance } from "@turf/point-to-line-distance";
import { RouteIndex } from "../src/core/geo/route-index.js";
import type { LonLat } from "../src/core/geo/sphere.js";
import type { BenchResult } from "./result.js";
import { bestOfMs } from "./support/measure.js";
import { Rng } from "../src/sim/rng.js";
import { destination, syntheticRoute } from "./support/routes.js";

export function runCorridorBench(options: { routeVertices: number; seed: number }): BenchResult {
  const rng = new Rng(options.seed);
  const route = syntheticRoute(rng, [36.0, -1.0], options.routeVertices, 300);
  const index = new RouteIndex(route);
  const line = { type: "LineString" as const, coordinates: route.map((p) => [p[0], p[1]]) };
  // A truck's fixes: walking the route in order, 0–3 km off it.
  const points: LonLat[] = [];
  for (let i = 0; i < 2000; i++) {
    const u = (i / 2000) * (route.length - 1);
    const base = route[Math.floor(u)]!;
    points.push(destination(base, rng.between(0, 3000), rng.between(0, 360)));
  }
  const turfPoints = points.filter((_, i) => i % 20 === 0);

  let sink = 0;
  const turfMs = bestOfMs(2, () => {
    for (const p of turfPoints) sink += pointToLineDistance([p[0], p[1]], line, { units: "meters" });
  });
  const turfPerPointUs = (turfMs * 1000) / turfPoints.length;
  const distanceMs = bestOfMs(3, () => {
    for (const p of points) sink += index.distanceM(p[0], p[1]);
  });
  const distancePerPointUs = (distanceMs * 1000) / points.length;
  const hint = { segment: 0 };
  const withinMs = bestOfMs(5, () => {
    hint.segment = 0;
    for (const p of points) sink += index.isWithinM(p[0], p[1], 1000, hint) ? 1 : 0;
  });
  const withinPerPointUs = (withinMs * 1000) / points.length;
  const noHintMs = bestOfMs(3, () => {
    for (const p of points) sink += index.isWithinM(p[0], p[1], 1000) ? 1 : 0;
  });
  const noHintPerPointUs = (noHintMs * 1000) / points.length;
  if (Number.isNaN(sink)) throw new Error("unreachable");

  const lines = [
    `route of ${route.length} vertices, ${points.length} fixes 0–3 km off it (turf on every 20th: ${turfPoints.length})`,
    `turf pointToLineDistance: ${turfPerPointUs.toFixed(1)} µs per fix`,
    `RouteIndex.distanceM (exact distance): ${distancePerPointUs.toFixed(2)} µs per fix, ${(turfPerPointUs / distancePerPointUs).toFixed(0)}x faster than turf`,
    `RouteIndex.isWithinM without hint: ${noHintPerPointUs.toFixed(2)} µs per fix, ${(turfPerPointUs / noHintPerPointUs).toFixed(0)}x faster than turf`,
    `RouteIndex.isWithinM with the device's hint (the engine's check): ${withinPerPointUs.toFixed(3)} µs per fix, ${(turfPerPointUs / withinPerPointUs).toFixed(0)}x faster than turf`,
  ];
  return {
    name: "corridor",
    lines,
    figures: {
      turfPerFixUs: turfPerPointUs,
      distancePerFixUs: distancePerPointUs,
      withinPerFixUs: withinPerPointUs,
      distanceSpeedup: turfPerPointUs / distancePerPointUs,
      withinNoHintSpeedup: turfPerPointUs / noHintPerPointUs,
      withinSpeedup: turfPerPointUs / withinPerPointUs,
    },
  };
}
