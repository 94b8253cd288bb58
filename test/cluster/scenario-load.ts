/** The public scenarios as a load for the cluster tests: published as gateways and APIs would. */
import type { InputFeed } from "../../src/cluster/input-feed.js";
import { tripPartition } from "../../src/cluster/partitioning.js";
import { parseInput } from "../../src/scenario/input.js";
import type { Scenario } from "../../src/scenario/scenario.js";
import { incomingOfScenarioInput } from "../../src/scenario/stored-replay.js";

/** The partitions holding a scenario's trips. */
export function ownPartitions(scenario: Scenario, partitions: number): number[] {
  return [...new Set(scenario.trips.map((t) => tripPartition(t.id, partitions)))];
}

/** Publishes a scenario's inputs in order, as gateways and API processes would. */
export async function publishScenario(
  feed: InputFeed,
  scenario: Scenario,
  partitions: number[],
): Promise<void> {
  for (const trip of scenario.trips) await feed.registry("trip", trip.id, trip.devices);
  const devices = new Set(scenario.devices.map((d) => d.id));
  for (const raw of scenario.inputs) {
    const parsed = parseInput(raw);
    if (!parsed.ok) continue; // refused at the edge (a gateway or the API), never published
    const input = parsed.input;
    switch (input.type) {
      case "message":
      case "read":
        if (devices.has(input.device)) await feed.reading(incomingOfScenarioInput(input, raw as object));
        break;
      case "command":
        await feed.command({
          tripId: input.trip,
          command: input.command,
          atMs: input.atMs,
          actor: "scenario",
          ...(input.force === undefined ? {} : { force: input.force }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
        });
        break;
      case "tick":
        await feed.tick(input.atMs, partitions);
        break;
    }
  }
}

/** The output's alarms, retractions and trips, limited to `trips`. */
export function comparable(output: object, trips: ReadonlySet<string>): object {
  const { alarms, retracted, trips: states } = output as Record<string, { trip?: string; id?: string }[]>;
  const mine = (list: { trip?: string; id?: string }[] | undefined) =>
    (list ?? []).filter((x) => trips.has(x.trip ?? x.id ?? ""));
  return { alarms: mine(alarms), retracted: mine(retracted), trips: mine(states) };
}

/** The smallest partition count from 16 on at which no two scenarios share a partition. */
export function disjointPartitions(scenarios: readonly Scenario[]): number {
  for (let partitions = 16; partitions <= 128; partitions++) {
    const owner = new Map<number, number>();
    const clash = scenarios.some((s, i) =>
      s.trips.some((t) => {
        const p = tripPartition(t.id, partitions);
        if ((owner.get(p) ?? i) !== i) return true;
        owner.set(p, i);
        return false;
      }),
    );
    if (!clash) return partitions;
  }
  throw new Error("no partition count up to 128 keeps the scenarios apart");
}
