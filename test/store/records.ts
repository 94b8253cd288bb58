/** Builders of store records for the tests and the benchmark. */
import { withDedupKey } from "../../src/store/dedup-key.js";
import type {
  AlarmRecord,
  DeviceRecord,
  ReadingRecord,
  TripRecord,
  UserRecord,
  ZoneRecord,
} from "../../src/store/ports.js";

/** `value` without its undefined members (a store gives absent fields back absent). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** 2025-03-01T00:00:00Z: a fixed instant, so that tests do not depend on the clock. */
export const T0 = Date.UTC(2025, 2, 1);

export function reading(
  seq: number,
  overrides: Partial<Omit<ReadingRecord, "dedupKey">> = {},
): ReadingRecord {
  return withDedupKey(
    defined({
      seq,
      deviceId: "dev-1",
      kind: "message",
      atMs: T0 + seq * 60_000,
      receivedAtMs: T0 + seq * 60_000 + 1500,
      lon: 8.5 + seq / 1000,
      lat: 47.3 + seq / 2000,
      speedKmh: 62.5,
      courseDeg: 181,
      valid: true,
      seal: "closed",
      batteryPct: 88,
      protocol: "jt701",
      raw: Uint8Array.from([0x24, seq & 0xff, 0x0d, 0x0a]),
      ...overrides,
    }),
  );
}

export function device(id: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return defined({
    id,
    class: "active",
    vendor: "jointech",
    model: "JT701",
    protocol: "jt701",
    identifiers: [`imei-${id}`],
    lifecycle: "in_stock",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  });
}

export function zone(id: string, overrides: Partial<ZoneRecord> = {}): ZoneRecord {
  return defined({
    id,
    kind: "office",
    name: `Office ${id}`,
    shape: { type: "circle", center: [8.54, 47.37], radiusM: 500 },
    officeCode: "CH001234",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  });
}

export function trip(id: string, overrides: Partial<TripRecord> = {}): TripRecord {
  return defined({
    id,
    reference: "25CH000000000001A1",
    origin: "office-a",
    destination: "office-b",
    route: [
      [8.54, 47.37],
      [9.0, 47.5],
    ],
    devices: ["dev-1"],
    deadlineMs: T0 + 86_400_000,
    state: "declared",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  });
}

export function alarm(id: string, overrides: Partial<AlarmRecord> = {}): AlarmRecord {
  return defined({
    id,
    type: "tamper",
    trip: "trip-1",
    device: "dev-1",
    startedAtMs: T0 + 1000,
    severity: "critical",
    clearedAtMs: null,
    retracted: false,
    workflow: "open",
    raisedAtMs: T0 + 2000,
    updatedAtMs: T0 + 2000,
    ...overrides,
  });
}

export function user(id: string, username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return defined({
    id,
    username,
    displayName: `User ${id}`,
    passwordHash: "scrypt$16384$8$1$c2FsdA==$aGFzaA==",
    role: "officer",
    disabled: false,
    createdAtMs: T0,
    updatedAtMs: T0,
    ...overrides,
  });
}
