/** Devices (with their identifiers and keys) and zones in PostgreSQL. */
import { StoreError } from "../store-error.js";
import {
  DEVICE_COLUMNS,
  DEVICE_KEY_COLUMNS,
  ZONE_COLUMNS,
  deviceFromRow,
  deviceKeyFromRow,
  deviceKeyParams,
  deviceParams,
  zoneFromRow,
  zoneParams,
  type Row,
} from "../rows.js";
import type {
  DeviceKeyRecord,
  DeviceLifecycle,
  DeviceRecord,
  DeviceStore,
  ZoneRecord,
  ZoneStore,
} from "../ports.js";
import type { PgDb } from "./pg-db.js";
import { placeholders, upsertSql } from "./pg-sql.js";

export class PgDevices implements DeviceStore {
  constructor(private readonly db: PgDb) {}

  put(device: DeviceRecord): Promise<void> {
    return this.db.transaction(async (c) => {
      // Lock the identifiers' owners so that two puts cannot both claim one identifier.
      const { rows } = await this.db.query<{ identifier: string; device_id: string }>(
        "SELECT identifier, device_id FROM device_identifiers WHERE identifier = ANY($1::text[]) FOR UPDATE",
        [device.identifiers],
        c,
      );
      const taken = rows.find((r) => r.device_id !== device.id);
      if (taken !== undefined)
        throw new StoreError(
          "STORE_CONFLICT",
          `${this.db.location}: identifier ${taken.identifier} already belongs to device ${taken.device_id}`,
        );
      await this.db.query(upsertSql("devices", DEVICE_COLUMNS, ["id"]), deviceParams(device), c);
      await this.db.query("DELETE FROM device_identifiers WHERE device_id = $1", [device.id], c);
      await this.db.query(
        `INSERT INTO device_identifiers (identifier, device_id) SELECT DISTINCT unnest($1::text[]), $2::text`,
        [device.identifiers, device.id],
        c,
      );
    });
  }

  async get(id: string): Promise<DeviceRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${DEVICE_COLUMNS.join(", ")} FROM devices WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : deviceFromRow(rows[0]);
  }

  async byIdentifier(identifier: string): Promise<DeviceRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${DEVICE_COLUMNS.map((c) => `d.${c}`).join(", ")} FROM device_identifiers i
       JOIN devices d ON d.id = i.device_id WHERE i.identifier = $1`,
      [identifier],
    );
    return rows[0] === undefined ? undefined : deviceFromRow(rows[0]);
  }

  async list(filter: { companyId?: string; lifecycle?: DeviceLifecycle } = {}): Promise<DeviceRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${DEVICE_COLUMNS.join(", ")} FROM devices
       WHERE ($1::text IS NULL OR company_id = $1) AND ($2::text IS NULL OR lifecycle = $2) ORDER BY id COLLATE "C"`,
      [filter.companyId ?? null, filter.lifecycle ?? null],
    );
    return rows.map(deviceFromRow);
  }

  async putKey(key: DeviceKeyRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO device_keys (${DEVICE_KEY_COLUMNS.join(", ")}) VALUES (${placeholders(DEVICE_KEY_COLUMNS.length)})
       ON CONFLICT (device_id, key_id) DO UPDATE SET algorithm = excluded.algorithm,
         sealed_key = excluded.sealed_key, created_at_ms = excluded.created_at_ms,
         retired_at_ms = excluded.retired_at_ms,
         last_counter = greatest(device_keys.last_counter, excluded.last_counter)`,
      deviceKeyParams(key),
    );
  }

  async keys(deviceId: string): Promise<DeviceKeyRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${DEVICE_KEY_COLUMNS.join(", ")} FROM device_keys WHERE device_id = $1 ORDER BY created_at_ms, key_id COLLATE "C"`,
      [deviceId],
    );
    return rows.map(deviceKeyFromRow);
  }

  async advanceCounter(deviceId: string, keyId: string, counter: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "UPDATE device_keys SET last_counter = $3 WHERE device_id = $1 AND key_id = $2 AND last_counter < $3",
      [deviceId, keyId, counter],
    );
    return rowCount === 1;
  }
}

export class PgZones implements ZoneStore {
  constructor(private readonly db: PgDb) {}

  async put(zone: ZoneRecord): Promise<void> {
    await this.db.query(upsertSql("zones", ZONE_COLUMNS, ["id"]), zoneParams(zone));
  }

  async get(id: string): Promise<ZoneRecord | undefined> {
    const { rows } = await this.db.query<Row>(`SELECT ${ZONE_COLUMNS.join(", ")} FROM zones WHERE id = $1`, [
      id,
    ]);
    return rows[0] === undefined ? undefined : zoneFromRow(rows[0]);
  }

  async list(): Promise<ZoneRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${ZONE_COLUMNS.join(", ")} FROM zones ORDER BY id COLLATE "C"`,
    );
    return rows.map(zoneFromRow);
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM zones WHERE id = $1", [id]);
    return rowCount === 1;
  }
}
