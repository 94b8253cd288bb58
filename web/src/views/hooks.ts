/** Data the views share: zones, the people alarms can be assigned to, the open alarms. */
import { useEffect, useState, useSyncExternalStore } from "react";
import { api } from "../api/client.js";
import type { Alarm, Company, Role, User, ZoneFeature } from "../api/types.js";
import type { FleetStore } from "../live/fleet-store.js";

let zonesPromise: Promise<ZoneFeature[]> | undefined;

/** Every zone (offices, rest areas, restricted zones), loaded once per page. */
export function useZones(): ZoneFeature[] | undefined {
  const [zones, setZones] = useState<ZoneFeature[] | undefined>();
  useEffect(() => {
    zonesPromise ??= api<{ features: ZoneFeature[] }>("/zones").then((c) => c.features);
    zonesPromise.then(setZones, () => {
      zonesPromise = undefined;
    });
  }, []);
  return zones;
}

/** A zone's name, or its id while zones load. */
export function zoneName(zones: readonly ZoneFeature[] | undefined, id: string): string {
  return zones?.find((z) => z.id === id)?.properties.name ?? id;
}

let companiesPromise: Promise<Company[]> | undefined;

/** The companies, for their names (staff read them; for a trader the list stays empty). */
export function useCompanies(role: Role): Company[] {
  const [companies, setCompanies] = useState<Company[]>([]);
  useEffect(() => {
    if (role === "trader" || role === "gateway") return;
    companiesPromise ??= api<{ items: Company[] }>("/companies").then((r) => r.items);
    companiesPromise.then(setCompanies, () => {
      companiesPromise = undefined;
    });
  }, [role]);
  return companies;
}

/** A company's name and id ("Northwind Trading Ltd (northwind-trading)"), or its id alone. */
export function companyName(companies: readonly Company[], id: string | undefined): string {
  if (id === undefined) return "—";
  const name = companies.find((c) => c.id === id)?.name;
  return name === undefined ? id : `${name} (${id})`;
}

const HANDLERS: readonly Role[] = ["admin", "supervisor", "officer", "operator"];

/** Users an alarm may be assigned to (staff only; traders get none). */
export function useAssignees(role: Role): User[] {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    if (!HANDLERS.includes(role)) return;
    void api<{ items: User[] }>("/users").then(
      (r) => setUsers(r.items.filter((u) => !u.disabled && HANDLERS.includes(u.role))),
      () => setUsers([]),
    );
  }, [role]);
  return users;
}

/** The open (not resolved) alarms, re-read when an alarm changes. */
export function useOpenAlarms(store: FleetStore): Alarm[] {
  return useSyncExternalStore(
    (listener) => store.onAlarmsChange(listener),
    () => snapshotOf(store),
  );
}

const snapshots = new WeakMap<FleetStore, { size: number; version: Map<string, string>; list: Alarm[] }>();

function snapshotOf(store: FleetStore): Alarm[] {
  const previous = snapshots.get(store);
  const alarms = store.openAlarms;
  if (previous !== undefined && previous.size === alarms.size) {
    let same = true;
    for (const [id, alarm] of alarms)
      if (previous.version.get(id) !== alarm.updatedAt) {
        same = false;
        break;
      }
    if (same) return previous.list;
  }
  const list = [...alarms.values()];
  snapshots.set(store, { size: alarms.size, version: new Map(list.map((a) => [a.id, a.updatedAt])), list });
  return list;
}

/** Whether the role may arm, disarm and cancel trips. */
export function commandsTrips(role: Role): boolean {
  return role === "admin" || role === "supervisor" || role === "officer";
}

/** Whether the role handles alarms (acknowledge, assign, resolve). */
export function handlesAlarms(role: Role): boolean {
  return HANDLERS.includes(role);
}
