/**
 * The SQLite store's parts on one connection, and the list of their methods that write. Once the
 * store runs its writer thread (writer-worker.ts), every one of those methods runs there, on the
 * thread's own connection and in the order they were called, so that the main thread never waits
 * for SQLite's write lock or a commit's fsync: a device acknowledgement or the engine is never held
 * up by a write in progress. Reads stay on the main thread's connection (WAL: readers do not wait
 * for the writer) and see a write as soon as its promise has resolved.
 */
import { StoreError, type StoreErrorCode } from "../store-error.js";
import { SqliteAccess, SqliteEngineState } from "./sqlite-access.js";
import { SqliteAlarms } from "./sqlite-alarms.js";
import { SqliteAudit } from "./sqlite-audit.js";
import type { SqliteDb } from "./sqlite-db.js";
import { SqliteReadings } from "./sqlite-readings.js";
import { SqliteDevices, SqliteZones } from "./sqlite-registry.js";
import type { SqliteStore } from "./sqlite-store.js";
import { SqliteCommands, SqliteTrips } from "./sqlite-trips.js";
import { SqliteFederation } from "./sqlite-federation.js";
import { SqliteOutbox, SqliteSubscriptions } from "./sqlite-outbox.js";
import { SqliteInspections } from "./sqlite-inspections.js";
import { SqliteNotify } from "./sqlite-notify.js";

/** The parts, as the store exposes them. */
export type SqliteSubStores = Pick<
  SqliteStore,
  | "readings"
  | "devices"
  | "zones"
  | "trips"
  | "commands"
  | "alarms"
  | "audit"
  | "access"
  | "engineState"
  | "federation"
  | "outbox"
  | "subscriptions"
  | "inspections"
  | "notify"
>;

export function subStores(s: SqliteDb): SqliteSubStores {
  return {
    readings: new SqliteReadings(s),
    devices: new SqliteDevices(s),
    zones: new SqliteZones(s),
    trips: new SqliteTrips(s),
    commands: new SqliteCommands(s),
    alarms: new SqliteAlarms(s),
    audit: new SqliteAudit(s),
    access: new SqliteAccess(s),
    engineState: new SqliteEngineState(s),
    federation: new SqliteFederation(s),
    outbox: new SqliteOutbox(s),
    subscriptions: new SqliteSubscriptions(s),
    inspections: new SqliteInspections(s),
    notify: new SqliteNotify(s),
  };
}

type MethodsOf<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * Every method that writes, per part (readings.append has its own path: see SqliteReadings.remote).
 * A write method missing here would still work, on the main thread's connection, contending for the
 * lock with the writer thread; the store's tests check that the list is complete.
 */
export const WRITE_METHODS: {
  readonly [P in keyof SqliteSubStores]: readonly MethodsOf<SqliteSubStores[P]>[];
} = {
  readings: ["markRejected"],
  devices: ["put", "putKey", "advanceCounter"],
  zones: ["put", "delete"],
  trips: ["insert", "updateState"],
  commands: ["append", "appendTick", "putDeviceCommand"],
  alarms: ["upsertMany", "act"],
  audit: ["appendMany"],
  access: ["putCompany", "putUser", "putSession", "revokeSession", "revokeUserSessions", "putApiKey"],
  engineState: ["set"],
  federation: ["putInstanceKeys", "putPartner", "useNonce", "insertHandover", "updateHandover"],
  outbox: ["enqueue", "claim", "settle", "redeliver", "discard", "purge"],
  subscriptions: ["put"],
  inspections: ["put", "fix"],
  notify: ["put", "remove"],
};

/** "part.method", as posted to the writer thread. */
export type WriteOp = `${string}.${string}`;

/** A write as the main thread posts it. */
export interface WriteRequest {
  readonly id: number;
  readonly op: WriteOp;
  readonly args: readonly unknown[];
}

/** What the writer thread answers: the method's result, or its error's code and message. */
export type WriteReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { readonly code: StoreErrorCode; readonly message: string } };

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

function methodOf(stores: SqliteSubStores, part: string, method: string): AnyMethod | undefined {
  const allowed = (WRITE_METHODS as Record<string, readonly string[] | undefined>)[part];
  if (allowed?.includes(method) !== true) return undefined;
  const target = (stores as unknown as Record<string, Record<string, unknown>>)[part]!;
  const fn = target[method];
  return typeof fn === "function" ? (fn as AnyMethod).bind(target) : undefined;
}

/** Runs a posted write on this thread's parts (the writer thread's side). */
export function runWrite(stores: SqliteSubStores, op: string, args: readonly unknown[]): Promise<unknown> {
  const dot = op.indexOf(".");
  const method = dot < 0 ? undefined : methodOf(stores, op.slice(0, dot), op.slice(dot + 1));
  if (method === undefined)
    return Promise.reject(new StoreError("STORE_FAILED", `the writer thread has no write operation ${op}`));
  return method(...args);
}

/**
 * Makes every write method of `stores` post its call through `call` instead of running here.
 * Returns the function that undoes it (the methods run on this thread's connection again).
 */
export function forwardWrites(
  stores: SqliteSubStores,
  call: (op: WriteOp, args: readonly unknown[]) => Promise<unknown>,
): () => void {
  const undo: (() => void)[] = [];
  for (const [part, methods] of Object.entries(WRITE_METHODS) as [string, readonly string[]][]) {
    const target = (stores as unknown as Record<string, Record<string, unknown>>)[part]!;
    for (const method of methods) {
      const op: WriteOp = `${part}.${method}`;
      target[method] = (...args: unknown[]) => call(op, args);
      undo.push(() => delete target[method]);
    }
  }
  return () => {
    for (const restore of undo) restore();
  };
}
