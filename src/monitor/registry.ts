/**
 * Registry changes (zones, devices, declared trips) reach the engine, the store and the audit chain
 * together. Each change is checked against the engine before anything is written, so that a refused
 * definition leaves both untouched; a store failure after the engine accepted a new trip takes the
 * trip back out of the engine.
 */
import { SealwatchError } from "../core/errors.js";
import type { MonitoringEngine } from "../core/engine/engine.js";
import type { DeviceRecord, Store, TripRecord, ZoneRecord } from "../store/ports.js";
import { deviceOf, tripSpecOf, zoneOf } from "./records.js";
import type { TripMemory } from "./ports.js";

/** What an audit record of a registry change says beyond the default action. */
export interface RegistryChangeNote {
  /** e.g. "device.lifecycle"; defaults to "<subject>.create" or "<subject>.update". */
  readonly action?: string;
  readonly details?: unknown;
}

export class RegistryWriter {
  constructor(
    private readonly engine: MonitoringEngine,
    private readonly store: Store,
    private readonly recovery: TripMemory,
  ) {}

  async defineZone(
    zone: ZoneRecord,
    actor: string,
    note: RegistryChangeNote = {},
  ): Promise<"created" | "updated"> {
    const existed = this.engine.hasZone(zone.id);
    await this.store.zones.put(zone);
    if (existed) this.engine.updateZone(zoneOf(zone));
    else this.engine.addZone(zoneOf(zone));
    await this.store.audit.append({
      atMs: zone.updatedAtMs,
      actor,
      action: note.action ?? (existed ? "zone.update" : "zone.create"),
      subjectType: "zone",
      subjectId: zone.id,
      details: note.details ?? {
        kind: zone.kind,
        ...(zone.name === undefined ? {} : { name: zone.name }),
        ...(zone.officeCode === undefined ? {} : { officeCode: zone.officeCode }),
        ...(zone.unLocode === undefined ? {} : { unLocode: zone.unLocode }),
        shape: zone.shape,
      },
    });
    return existed ? "updated" : "created";
  }

  async putDevice(
    device: DeviceRecord,
    actor: string,
    note: RegistryChangeNote = {},
  ): Promise<"created" | "updated"> {
    const existing = await this.store.devices.get(device.id);
    if (existing !== undefined && existing.class !== device.class) {
      throw new SealwatchError(
        "INVALID_DEFINITION",
        `device "${device.id}" is ${existing.class}; its class cannot change`,
      );
    }
    await this.store.devices.put(device);
    if (this.engine.hasDevice(device.id)) this.engine.updateDevice(deviceOf(device));
    else this.engine.addDevice(deviceOf(device), { historyInStore: true });
    await this.store.audit.append({
      atMs: device.updatedAtMs,
      actor,
      action: note.action ?? (existing === undefined ? "device.create" : "device.update"),
      subjectType: "device",
      subjectId: device.id,
      details: note.details ?? {
        class: device.class,
        vendor: device.vendor,
        model: device.model,
        protocol: device.protocol,
        identifiers: device.identifiers,
        lifecycle: device.lifecycle,
        ...(device.companyId === undefined ? {} : { companyId: device.companyId }),
        ...(device.reportIntervalS === undefined ? {} : { reportIntervalS: device.reportIntervalS }),
      },
    });
    return existing === undefined ? "created" : "updated";
  }

  async declareTrip(trip: TripRecord, actor: string): Promise<TripRecord> {
    if (trip.state !== "declared")
      throw new SealwatchError("INVALID_DEFINITION", `a new trip is declared, not ${trip.state}`);
    // The engine checks the offices, devices and route; it throws before anything is stored. The id
    // is checked after them, so that whether an id is taken (perhaps by a trip the caller may not
    // see) shows only to a declaration that is otherwise valid.
    this.engine.declareTrip(tripSpecOf(trip));
    if ((await this.store.trips.get(trip.id)) !== undefined) {
      this.engine.evictTrip(trip.id);
      throw new SealwatchError("DUPLICATE_ID", `trip "${trip.id}" already exists`);
    }
    try {
      await this.store.trips.insert(trip);
    } catch (error) {
      this.engine.evictTrip(trip.id);
      throw error;
    }
    this.recovery.remember(trip);
    await this.store.audit.append({
      atMs: trip.createdAtMs,
      actor,
      action: "trip.declare",
      subjectType: "trip",
      subjectId: trip.id,
      details: {
        ...(trip.reference === undefined ? {} : { reference: trip.reference }),
        origin: trip.origin,
        destination: trip.destination,
        ...(trip.checkpoints === undefined ? {} : { checkpoints: trip.checkpoints }),
        devices: trip.devices,
        deadlineMs: trip.deadlineMs,
        route: trip.route,
        ...(trip.rules === undefined ? {} : { rules: trip.rules }),
        ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
        ...(trip.declaration === undefined ? {} : { declaration: trip.declaration }),
      },
    });
    return trip;
  }
}
