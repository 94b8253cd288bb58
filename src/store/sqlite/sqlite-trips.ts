/** Trips (with a device index for windowHolding), engine commands, ticks and device commands in SQLite. */
import type { TripState } from "../../core/domain/model.js";
import { StoreError } from "../store-error.js";
import {
  COMMAND_COLUMNS,
  DEVICE_COMMAND_COLUMNS,
  TRIP_COLUMNS,
  commandOrTickFromRow,
  commandParams,
  deviceCommandFromRow,
  deviceCommandParams,
  tripFromRow,
  tripParams,
  type Row,
} from "../rows.js";
import type {
  AuditEntry,
  CommandRecord,
  CommandStore,
  DeviceCommandRecord,
  TickRecord,
  TripRecord,
  TripStore,
} from "../ports.js";
import { appendAuditNow } from "./sqlite-audit.js";
import type { SqliteDb } from "./sqlite-db.js";
import { upsertSql } from "./sqlite-registry.js";

const TRIP_SELECT = `SELECT ${TRIP_COLUMNS.join(", ")} FROM trips`;
type TripStateUpdate = Parameters<TripStore["updateState"]>[0];

export class SqliteTrips implements TripStore {
  constructor(private readonly s: SqliteDb) {}

  insert(trip: TripRecord): Promise<void> {
    return this.s.write(() => {
      if (this.s.stmt("SELECT 1 FROM trips WHERE id = ?").get(trip.id) !== undefined)
        throw new StoreError("STORE_CONFLICT", `${this.s.location}: trip ${trip.id} already exists`);
      this.s
        .stmt(
          `INSERT INTO trips (${TRIP_COLUMNS.join(", ")}) VALUES (${TRIP_COLUMNS.map(() => "?").join(", ")})`,
        )
        .run(tripParams(trip));
      const link = this.s.stmt("INSERT OR IGNORE INTO trip_devices (trip_id, device_id) VALUES (?, ?)");
      for (const device of trip.devices) link.run(trip.id, device);
    });
  }

  updateState(trip: TripStateUpdate, audit: readonly AuditEntry[] = []): Promise<void> {
    return this.s.write(() => {
      const changes = this.s
        .stmt(
          `UPDATE trips SET state = ?, armed_at_ms = ?, in_transit_at_ms = ?, arrived_at_ms = ?, closed_at_ms = ?,
             cancelled_at_ms = ?, arm_seq = ?, updated_at_ms = ? WHERE id = ?`,
        )
        .run(
          trip.state,
          trip.armedAtMs ?? null,
          trip.inTransitAtMs ?? null,
          trip.arrivedAtMs ?? null,
          trip.closedAtMs ?? null,
          trip.cancelledAtMs ?? null,
          trip.armSeq ?? null,
          trip.updatedAtMs,
          trip.id,
        ).changes;
      if (changes === 0)
        throw new StoreError("UNKNOWN_REFERENCE", `${this.s.location}: trip ${trip.id} does not exist`);
      appendAuditNow(this.s, audit);
    });
  }

  get(id: string): Promise<TripRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`${TRIP_SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row === undefined ? undefined : tripFromRow(row);
    });
  }

  list(
    filter: {
      states?: readonly TripState[];
      companyId?: string;
      office?: string;
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<TripRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.states !== undefined) {
      where.push(`state IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(filter.states));
    }
    if (filter.companyId !== undefined) {
      where.push("company_id = ?");
      params.push(filter.companyId);
    }
    if (filter.office !== undefined) {
      where.push(
        "(origin = ? OR destination = ? OR EXISTS (SELECT 1 FROM json_each(trips.checkpoints) WHERE value = ?))",
      );
      params.push(filter.office, filter.office, filter.office);
    }
    params.push(filter.limit ?? -1, filter.offset ?? 0);
    const sql = `${TRIP_SELECT} ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at_ms DESC, id LIMIT ? OFFSET ?`;
    return this.s.read(() => (this.s.stmt(sql).all(...params) as Row[]).map(tripFromRow));
  }

  windowHolding(deviceId: string, atMs: number): Promise<TripRecord | undefined> {
    return this.s.read(() => {
      const row = this.s
        .stmt(
          `${TRIP_SELECT} WHERE id IN (SELECT trip_id FROM trip_devices WHERE device_id = ?)
             AND state NOT IN ('declared', 'cancelled') AND armed_at_ms <= ?
             AND (closed_at_ms IS NULL OR ? < closed_at_ms)
           ORDER BY armed_at_ms DESC, id LIMIT 1`,
        )
        .get(deviceId, atMs, atMs) as Row | undefined;
      return row === undefined ? undefined : tripFromRow(row);
    });
  }
}

const bindBool = (v: boolean): number => (v ? 1 : 0);

export class SqliteCommands implements CommandStore {
  constructor(private readonly s: SqliteDb) {}

  append(command: CommandRecord): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(
          `INSERT INTO commands (${COMMAND_COLUMNS.join(", ")}) VALUES (${COMMAND_COLUMNS.map(() => "?").join(", ")})`,
        )
        .run(commandParams(command, bindBool));
    });
  }

  appendTick(tick: TickRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt("INSERT INTO ticks (seq, at_ms) VALUES (?, ?)").run(tick.seq, tick.atMs);
    });
  }

  forTrip(tripId: string): Promise<CommandRecord[]> {
    return this.s.read(
      () =>
        (
          this.s
            .stmt(`SELECT ${COMMAND_COLUMNS.join(", ")} FROM commands WHERE trip_id = ? ORDER BY seq`)
            .all(tripId) as Row[]
        ).map(commandOrTickFromRow) as CommandRecord[],
    );
  }

  maxSeq(): Promise<number> {
    return this.s.read(
      () =>
        (
          this.s
            .stmt(
              "SELECT max(m) AS m FROM (SELECT max(seq) AS m FROM commands UNION ALL SELECT max(seq) FROM ticks)",
            )
            .get() as { m: number | null }
        ).m ?? 0,
    );
  }

  afterSeq(afterSeq: number): Promise<(CommandRecord | TickRecord)[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${COMMAND_COLUMNS.join(", ")} FROM commands WHERE seq > @after
             UNION ALL
             SELECT seq, NULL, NULL, at_ms, NULL, NULL, NULL, NULL, NULL FROM ticks WHERE seq > @after
             ORDER BY seq`,
          )
          .all({ after: afterSeq }) as Row[]
      ).map(commandOrTickFromRow),
    );
  }

  putDeviceCommand(command: DeviceCommandRecord): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(upsertSql("device_commands", DEVICE_COMMAND_COLUMNS, ["id"]))
        .run(deviceCommandParams(command));
    });
  }

  pendingDeviceCommands(deviceId: string): Promise<DeviceCommandRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT ${DEVICE_COMMAND_COLUMNS.join(", ")} FROM device_commands
             WHERE device_id = ? AND status = 'queued' ORDER BY created_at_ms, id`,
          )
          .all(deviceId) as Row[]
      ).map(deviceCommandFromRow),
    );
  }
}
