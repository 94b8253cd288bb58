/**
 * The route table: which partition a device's readings go to. Kept in JetStream KV (written when a
 * trip is declared, see partitioning.ts) and followed by every gateway through a watch, so a
 * declaration reaches every gateway within a round trip.
 */
import type { KV } from "nats";
import { deviceOfRouteKey, devicePartition, routeKey, tripPartition } from "./partitioning.js";

export interface Route {
  readonly partition: number;
  readonly tripId: string;
}

export class RouteTable {
  private readonly routes = new Map<string, number>();
  private stopWatch: (() => void) | undefined;

  constructor(
    private readonly kv: KV,
    readonly partitions: number,
  ) {}

  /** Loads the table and follows changes; resolves once the current entries are in. */
  async follow(): Promise<void> {
    let initialized!: () => void;
    const ready = new Promise<void>((resolve) => (initialized = resolve));
    const watch = await this.kv.watch({ key: "d.>", initializedFn: () => initialized() });
    this.stopWatch = () => watch.stop();
    void (async () => {
      for await (const entry of watch) {
        const deviceId = deviceOfRouteKey(entry.key);
        if (deviceId === undefined) continue;
        if (entry.operation !== "PUT") this.routes.delete(deviceId);
        else {
          const route = parseRoute(entry.string());
          if (route !== undefined && route.partition < this.partitions)
            this.routes.set(deviceId, route.partition);
        }
      }
    })();
    await ready;
  }

  /** The partition of `deviceId`'s readings now. */
  partitionOf(deviceId: string): number {
    return this.routes.get(deviceId) ?? devicePartition(deviceId, this.partitions);
  }

  /** Routes every device of a newly declared trip to the trip's partition. */
  async routeTrip(tripId: string, devices: readonly string[]): Promise<number> {
    const partition = tripPartition(tripId, this.partitions);
    const value = JSON.stringify({ partition, tripId } satisfies Route);
    for (const deviceId of devices) {
      await this.kv.put(routeKey(deviceId), value);
      this.routes.set(deviceId, partition);
    }
    return partition;
  }

  /** The route stored for `deviceId` (read from KV, not the cache). */
  async stored(deviceId: string): Promise<Route | undefined> {
    const entry = await this.kv.get(routeKey(deviceId));
    return entry === null || entry.operation !== "PUT" ? undefined : parseRoute(entry.string());
  }

  stop(): void {
    this.stopWatch?.();
  }
}

function parseRoute(text: string): Route | undefined {
  try {
    const value = JSON.parse(text) as Partial<Route>;
    if (
      typeof value.partition === "number" &&
      Number.isInteger(value.partition) &&
      value.partition >= 0 &&
      typeof value.tripId === "string"
    )
      return { partition: value.partition, tripId: value.tripId };
  } catch {
    // A damaged entry routes nowhere special: the device's own partition.
  }
  return undefined;
}
