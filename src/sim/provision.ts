/**
 * Puts what the simulated fleet needs into a server, through its API and idempotently: the
 * companies, the corridors' offices and rest areas, a registry entry for every device (with the
 * Teltonika IO mapping of the trackers), and a fresh signing key for each MQTT and HTTP device
 * (the API shows a key's secret once, so every run issues new ones; the old ones are retired).
 */
import { DEMO_ZONES } from "../demo/corridors.js";
import type { ApiClient } from "./api-client.js";
import { SIM_COMPANIES, SIM_REPORT_INTERVAL_S, type VehiclePlan } from "./fleet.js";
import type { DeviceKeyMaterial } from "./links/json-reading.js";
import { TELTONIKA_SEAL_IO } from "./links/teltonika-link.js";

interface Listed<T> {
  readonly items: T[];
}

interface DeviceView {
  readonly id: string;
  readonly lifecycle: string;
  readonly activeTripId?: string;
}

/** The zones of the demo corridors as GeoJSON Features (the body of PUT /zones/:id). */
export function zoneFeatures() {
  return DEMO_ZONES.map((zone) => ({
    type: "Feature" as const,
    id: zone.id,
    geometry: { type: "Polygon" as const, coordinates: [zone.ring.map(([lon, lat]) => [lon, lat])] },
    properties: { kind: zone.kind, name: zone.name },
  }));
}

/** Companies and zones (needs an administrator: companies.write and zones.write). */
export async function provisionReferenceData(admin: ApiClient): Promise<void> {
  const companies = await admin.get<Listed<{ id: string }>>("/companies");
  const known = new Set(companies.items.map((c) => c.id));
  for (const company of SIM_COMPANIES) {
    if (!known.has(company.id)) await admin.post("/companies", company);
  }
  for (const feature of zoneFeatures()) await admin.put(`/zones/${feature.id}`, feature);
}

function deviceBody(vehicle: VehiclePlan) {
  return {
    class: "active",
    vendor: vehicle.vendor,
    model: vehicle.model,
    protocol: vehicle.transport,
    identifiers: [vehicle.identifier],
    reportIntervalS: SIM_REPORT_INTERVAL_S,
    companyId: vehicle.companyId,
    ...(vehicle.transport === "teltonika" ? { settings: { teltonikaIo: TELTONIKA_SEAL_IO } } : {}),
  };
}

/**
 * Registers the fleet's devices (or updates them), and returns the signing keys of the MQTT and
 * HTTP devices by device id (needs devices.write and devices.keys).
 */
export async function provisionDevices(
  admin: ApiClient,
  vehicles: readonly VehiclePlan[],
): Promise<Map<string, DeviceKeyMaterial>> {
  const existing = new Map((await admin.get<Listed<DeviceView>>("/devices")).items.map((d) => [d.id, d]));
  const keys = new Map<string, DeviceKeyMaterial>();
  for (const vehicle of vehicles) {
    const body = deviceBody(vehicle);
    if (existing.has(vehicle.deviceId)) await admin.put(`/devices/${vehicle.deviceId}`, body);
    else await admin.post("/devices", { id: vehicle.deviceId, ...body });
    if (vehicle.transport === "mqtt" || vehicle.transport === "http") {
      const issued = await admin.post<{ key: { keyId: string }; secret: string }>(
        `/devices/${vehicle.deviceId}/keys`,
        {
          algorithm: "hmac-sha256",
        },
      );
      keys.set(vehicle.deviceId, { keyId: issued.key.keyId, secret: Buffer.from(issued.secret, "base64") });
    }
  }
  return keys;
}

/** An API key for the HTTP ingest (gateway role); the token is shown once. */
export async function issueIngestKey(admin: ApiClient, name: string): Promise<string> {
  const issued = await admin.post<{ token: string }>("/api-keys", { name, role: "gateway" });
  return issued.token;
}

/**
 * Ends what a previous run left open on the fleet's devices, so that they can be armed again:
 * declared trips are cancelled, trips under way are disarmed (by force, with a reason).
 */
export async function releaseDevices(
  client: ApiClient,
  vehicles: readonly VehiclePlan[],
  warn: (message: string) => void,
): Promise<number> {
  const ours = new Set(vehicles.map((v) => v.deviceId));
  const open: { id: string; state: string }[] = [];
  for (const state of ["declared", "armed", "in_transit", "arrived"] as const) {
    for (let offset = 0; ; offset += 200) {
      const page = await client.get<{ items: { id: string; devices: string[]; state: string }[] }>(
        `/trips?state=${state}&limit=200&offset=${offset}`,
      );
      for (const trip of page.items) if (trip.devices.some((d) => ours.has(d))) open.push(trip);
      if (page.items.length < 200) break;
    }
  }
  let released = 0;
  for (const trip of open) {
    try {
      if (trip.state === "declared") await client.post(`/trips/${trip.id}/cancel`, {});
      else
        await client.post(`/trips/${trip.id}/disarm`, {
          ...(trip.state === "arrived"
            ? {}
            : { force: true, reason: "simulator restarted: trip ended early" }),
        });
      released++;
    } catch (error) {
      warn(`could not release trip ${trip.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return released;
}
