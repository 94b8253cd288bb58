/** Devices (with their identifiers and keys) and zones in SQLite. */
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
import type { SqliteDb } from "./sqlite-db.js";

/** `INSERT ... ON CONFLICT (key) DO UPDATE` setting every other column. */
export function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const updates = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
    ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
}

export class SqliteDevices implements DeviceStore {
  constructor(private readonly s: SqliteDb) {}

  put(device: DeviceRecord): Promise<void> {
    return this.s.write(() => {
      for (const identifier of device.identifiers) {
        const owner = this.s
          .stmt("SELECT device_id FROM device_identifiers WHERE identifier = ?")
          .get(identifier) as { device_id: string } | undefined;
        if (owner !== undefined && owner.device_id !== device.id)
          throw new StoreError(
            "STORE_CONFLICT",
            `${this.s.location}: identifier ${identifier} already belongs to device ${owner.device_id}`,
          );
      }
      this.s.stmt(upsertSql("devices", DEVICE_COLUMNS, ["id"])).run(deviceParams(device));
      this.s.stmt("DELETE FROM device_identifiers WHERE device_id = ?").run(device.id);
      const insert = this.s.stmt(
        "INSERT OR IGNORE INTO device_identifiers (identifier, device_id) VALUES (?, ?)",
      );
      for (const identifier of device.identifiers) insert.run(identifier, device.id);
    });
  }

  get(id: string): Promise<DeviceRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`SELECT ${DEVICE_COLUMNS.join(", ")} FROM devices WHERE id = ?`).get(id) as
        Row | undefined;
      return row === undefined ? undefined : deviceFromRow(row);
    });
  }

  byIdentifier(identifier: string): Promise<DeviceRecord | undefined> {
    return this.s.read(() => {
      const row = this.s
        .stmt(
          `SELECT ${DEVICE_COLUMNS.map((c) => `d.${c}`).join(", ")} FROM device_identifiers i
           JOIN devices d ON d.id = i.device_id WHERE i.identifier = ?`,
        )
        .get(identifier) as Row | undefined;
      return row === undefined ? undefined : deviceFromRow(row);
    });
  }

  list(filter: { companyId?: string; lifecycle?: DeviceLifecycle } = {}): Promise<DeviceRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${DEVICE_COLUMNS.join(", ")} FROM devices
             WHERE (@company IS NULL OR company_id = @company) AND (@lifecycle IS NULL OR lifecycle = @lifecycle) ORDER BY id`,
          )
          .all({ company: filter.companyId ?? null, lifecycle: filter.lifecycle ?? null }) as Row[]
      ).map(deviceFromRow),
    );
  }

  putKey(key: DeviceKeyRecord): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(
          `INSERT INTO device_keys (${DEVICE_KEY_COLUMNS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (device_id, key_id) DO UPDATE SET algorithm = excluded.algorithm,
             sealed_key = excluded.sealed_key, created_at_ms = excluded.created_at_ms,
             retired_at_ms = excluded.retired_at_ms, last_counter = max(last_counter, excluded.last_counter)`,
        )
        .run(deviceKeyParams(key));
    });
  }

  keys(deviceId: string): Promise<DeviceKeyRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${DEVICE_KEY_COLUMNS.join(", ")} FROM device_keys WHERE device_id = ? ORDER BY created_at_ms, key_id`,
          )
          .all(deviceId) as Row[]
      ).map(deviceKeyFromRow),
    );
  }

  advanceCounter(deviceId: string, keyId: string, counter: number): Promise<boolean> {
    return this.s.write(
      () =>
        this.s
          .stmt(
            "UPDATE device_keys SET last_counter = ? WHERE device_id = ? AND key_id = ? AND last_counter < ?",
          )
          .run(counter, deviceId, keyId, counter).changes === 1,
    );
  }
}

export class SqliteZones implements ZoneStore {
  constructor(private readonly s: SqliteDb) {}

  put(zone: ZoneRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("zones", ZONE_COLUMNS, ["id"])).run(zoneParams(zone));
    });
  }

  get(id: string): Promise<ZoneRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`SELECT ${ZONE_COLUMNS.join(", ")} FROM zones WHERE id = ?`).get(id) as
        Row | undefined;
      return row === undefined ? undefined : zoneFromRow(row);
    });
  }

  list(): Promise<ZoneRecord[]> {
    return this.s.read(() =>
      (this.s.stmt(`SELECT ${ZONE_COLUMNS.join(", ")} FROM zones ORDER BY id`).all() as Row[]).map(
        zoneFromRow,
      ),
    );
  }

  delete(id: string): Promise<boolean> {
    return this.s.write(() => this.s.stmt("DELETE FROM zones WHERE id = ?").run(id).changes === 1);
  }
}
