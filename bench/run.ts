/**
 * `npm run bench [-- NAME ...] [--quick]`: runs the benchmarks (all, or those named), prints their
 * figures and writes them to bench/out/latest.json. Every load is seeded; ratios are against
 * baselines measured in the same run, because absolute times drift on a shared machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { runCorridorBench } from "./corridor.bench.js";
import { runDashboardBench } from "./dashboard.bench.js";
import { runEngineBench } from "./engine.bench.js";
import { runGatewayBench } from "./gateway.bench.js";
import type { BenchResult } from "./result.js";
import { runSoakBench } from "./soak.bench.js";
import { runStoreBench } from "./store.bench.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const selected = args.filter((a) => !a.startsWith("--"));

const BENCHES: Record<string, () => BenchResult | Promise<BenchResult>> = {
  corridor: () => runCorridorBench({ routeVertices: quick ? 2000 : 5500, seed: 42 }),
  dashboard: () => runDashboardBench({ conveyances: 5000, seconds: quick ? 5 : 15, seed: 6 }),
  engine: () =>
    runEngineBench(
      quick
        ? { trips: 100, messagesPerTrip: 500, routeVertices: 2000, seed: 1, rounds: 2 }
        : { trips: 1000, messagesPerTrip: 1000, routeVertices: 5500, seed: 1, rounds: 3 },
    ),
  gateway: () =>
    runGatewayBench(
      quick
        ? {
            devices: 200,
            framesPerDevice: 50,
            window: 4,
            decodeFrames: 50_000,
            latencySeconds: 5,
            latencyFixedRatePerS: 2_000,
            alarmsPerS: 10,
            seed: 11,
          }
        : {
            devices: 1000,
            framesPerDevice: 200,
            window: 8,
            decodeFrames: 200_000,
            latencySeconds: 20,
            latencyFixedRatePerS: 5_000,
            alarmsPerS: 20,
            seed: 11,
          },
    ),
  soak: () =>
    runSoakBench({
      seconds: Number(process.env.SEALWATCH_SOAK_SECONDS ?? (quick ? 20 : 60)),
      devices: Number(process.env.SEALWATCH_SOAK_DEVICES ?? 100),
      ratePerS: Number(process.env.SEALWATCH_SOAK_RATE ?? 1000),
      sampleS: Number(process.env.SEALWATCH_SOAK_SAMPLE_S ?? (quick ? 5 : 10)),
    }),
  store: () =>
    runStoreBench({
      readings: quick ? 20_000 : 200_000,
      batch: 1000,
      devices: quick ? 200 : 2000,
      seed: 7,
      rounds: quick ? 2 : 3,
      postgresAdminUrl: process.env.SEALWATCH_BENCH_POSTGRES_URL,
    }),
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
  const result = await bench();
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
