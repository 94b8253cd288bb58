/**
 * `npm run bench [-- NAME ...] [--quick]`: runs the benchmarks (all, or those named), prints their
 * figures and writes them to bench/out/latest.json. Every load is seeded; ratios are against
 * baselines measured in the same run, because absolute times drift on a shared machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { runCorridorBench } from "./corridor.bench.js";
import { runEngineBench } from "./engine.bench.js";
import type { BenchResult } from "./result.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const selected = args.filter((a) => !a.startsWith("--"));

const BENCHES: Record<string, () => BenchResult> = {
  corridor: () => runCorridorBench({ routeVertices: quick ? 2000 : 5500, seed: 42 }),
  engine: () =>
    runEngineBench(
      quick
        ? { trips: 100, messagesPerTrip: 500, routeVertices: 2000, seed: 1 }
        : { trips: 1000, messagesPerTrip: 1000, routeVertices: 5500, seed: 1 },
    ),
};

const names = selected.length > 0 ? selected : Object.keys(BENCHES);
const results: BenchResult[] = [];
for (const name of names) {
  const bench = BENCHES[name];
  if (bench === undefined) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(", ")}`);
    process.exit(2);
  }
  console.log(`\n## ${name}`);
  const result = bench();
  for (const line of result.lines) console.log(`  ${line}`);
  results.push(result);
}
mkdirSync("bench/out", { recursive: true });
writeFileSync(
  "bench/out/latest.json",
  JSON.stringify(
    { node: process.version, quick, results: results.map((r) => ({ name: r.name, figures: r.figures })) },
    null,
    2,
  ),
);
