/**
 * How the partitioned log is cut. Everything one engine worker must see in one order lands in one
 * partition: a trip's commands and the readings of every device on it.
 *
 * The key is the trip. A trip's partition is a hash of its id; when a trip is declared, each of its
 * devices is routed to the trip's partition (the route table, in JetStream KV) and stays there until
 * the device is declared on another trip, so late data for a closed trip still reaches the worker
 * that holds it. A device on no trip yet goes to the partition of its own id. Hashing by device
 * alone would split a trip with an e-lock and two RFID seals over three workers, none of which could
 * decide an opening or an arrival; hashing by trip alone would leave no home for a device's data
 * before its first declaration.
 */

/** FNV-1a over the UTF-16 code units of `key` (stable across processes and versions). */
export function fnv1a32(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The partition of `key` among `partitions`. */
export function partitionOfKey(key: string, partitions: number): number {
  return fnv1a32(key) % partitions;
}

/** The partition holding trip `tripId` (its commands, and its devices' readings once declared). */
export function tripPartition(tripId: string, partitions: number): number {
  return partitionOfKey(`trip:${tripId}`, partitions);
}

/** The partition of a device that is on no trip. */
export function devicePartition(deviceId: string, partitions: number): number {
  return partitionOfKey(`device:${deviceId}`, partitions);
}

/** Names on the bus, one place; `namespace` keeps clusters sharing one NATS apart. */
export function busNames(namespace: string) {
  const upper = namespace.toUpperCase();
  return {
    /** The partitioned input log: readings, commands, ticks, registry notes. */
    inputStream: `${upper}_IN`,
    inputSubject: (partition: number | "*"): string => `${namespace}.in.${partition}`,
    /** Messages a worker could not read, with the reason, kept for an operator. */
    deadLetterStream: `${upper}_DLQ`,
    deadLetterSubject: (partition: number | "*"): string => `${namespace}.dlq.${partition}`,
    /** What the engine decided, for API processes (the cursor is the stream sequence). */
    liveStream: `${upper}_LIVE`,
    liveSubject: `${namespace}.live`,
    /** Partition leases and worker membership (entries expire after the lease time). */
    leaseBucket: `${namespace}_leases`,
    /** Device → partition routes, and the cluster's fixed facts (the partition count). */
    routeBucket: `${namespace}_routes`,
    /**
     * The durable consumer of a partition for one holding of its lease: a new owner makes its own
     * (starting where the last one's acknowledgements end), so that a late acknowledgement from a
     * previous owner can never land on a message the new owner has not applied.
     */
    consumerName: (partition: number, session: string): string => `engine-p${partition}-${session}`,
    consumerPrefix: (partition: number): string => `engine-p${partition}-`,
  } as const;
}

export type BusNames = ReturnType<typeof busNames>;

/** A namespace is a NATS token that also makes valid stream and bucket names. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9_]{0,30}$/;

/** A device id as a KV key (KV keys allow only [-/_=.a-zA-Z0-9]): base64url of its UTF-8. */
export function routeKey(deviceId: string): string {
  return `d.${Buffer.from(deviceId, "utf8").toString("base64url")}`;
}

/** The device id of a route key (undefined for other keys). */
export function deviceOfRouteKey(key: string): string | undefined {
  return key.startsWith("d.") ? Buffer.from(key.slice(2), "base64url").toString("utf8") : undefined;
}
