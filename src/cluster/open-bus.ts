/** Opening the bus from the configuration (and a `--bus` flag), the same way in every process. */
import type { Config } from "../config/schema.js";
import { NatsBus } from "./nats-bus.js";

export function openBus(config: Config, url: string, name: string): Promise<NatsBus> {
  return NatsBus.open({
    url,
    name,
    partitions: config.busPartitions,
    leaseTtlMs: config.busLeaseTtlMs,
    retentionMs: config.busRetentionS * 1000,
    namespace: config.busNamespace,
  });
}
