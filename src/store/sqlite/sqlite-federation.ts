/** This instance's signing keys, the partner administrations, their nonces and handovers, in SQLite. */
import type {
  FederationStore,
  HandoverDirection,
  HandoverFilter,
  HandoverRecord,
  InstanceKeyRecord,
  PartnerRecord,
} from "../federation-ports.js";
import {
  HANDOVER_COLUMNS,
  INSTANCE_KEY_COLUMNS,
  handoverFromRow,
  handoverParams,
  handoverQuery,
  PARTNER_COLUMNS,
  instanceKeyFromRow,
  instanceKeyParams,
  partnerFromRow,
  partnerParams,
} from "../federation-rows.js";
import type { Row } from "../rows.js";
import type { SqliteDb } from "./sqlite-db.js";
import { upsertSql } from "./sqlite-registry.js";

export class SqliteFederation implements FederationStore {
  constructor(private readonly s: SqliteDb) {}

  putInstanceKeys(keys: readonly InstanceKeyRecord[]): Promise<void> {
    return this.s.write(() => {
      const upsert = this.s.stmt(upsertSql("instance_keys", INSTANCE_KEY_COLUMNS, ["kid"]));
      for (const key of keys) upsert.run(instanceKeyParams(key));
    });
  }

  instanceKeys(): Promise<InstanceKeyRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(`SELECT ${INSTANCE_KEY_COLUMNS.join(", ")} FROM instance_keys ORDER BY created_at_ms, kid`)
          .all() as Row[]
      ).map(instanceKeyFromRow),
    );
  }

  putPartner(partner: PartnerRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("partners", PARTNER_COLUMNS, ["id"])).run(partnerParams(partner));
    });
  }

  partner(id: string): Promise<PartnerRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`SELECT ${PARTNER_COLUMNS.join(", ")} FROM partners WHERE id = ?`).get(id) as
        Row | undefined;
      return row === undefined ? undefined : partnerFromRow(row);
    });
  }

  partners(): Promise<PartnerRecord[]> {
    return this.s.read(() =>
      (this.s.stmt(`SELECT ${PARTNER_COLUMNS.join(", ")} FROM partners ORDER BY id`).all() as Row[]).map(
        partnerFromRow,
      ),
    );
  }

  useNonce(partnerId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    return this.s.write(() => {
      this.s.stmt("DELETE FROM partner_nonces WHERE expires_at_ms <= ?").run(nowMs);
      const result = this.s
        .stmt("INSERT OR IGNORE INTO partner_nonces (partner_id, nonce, expires_at_ms) VALUES (?, ?, ?)")
        .run(partnerId, nonce, expiresAtMs);
      return result.changes === 1;
    });
  }

  insertHandover(handover: HandoverRecord): Promise<boolean> {
    return this.s.write(() => {
      const result = this.s
        .stmt(
          `INSERT OR IGNORE INTO handovers (${HANDOVER_COLUMNS.join(", ")}) VALUES (${HANDOVER_COLUMNS.map(() => "?").join(", ")})`,
        )
        .run(handoverParams(handover));
      return result.changes === 1;
    });
  }

  updateHandover(handover: HandoverRecord): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(upsertSql("handovers", HANDOVER_COLUMNS, ["direction", "partner_id", "id"]))
        .run(handoverParams(handover));
    });
  }

  handover(direction: HandoverDirection, partnerId: string, id: string): Promise<HandoverRecord | undefined> {
    return this.s.read(() => {
      const row = this.s
        .stmt(
          `SELECT ${HANDOVER_COLUMNS.join(", ")} FROM handovers WHERE direction = ? AND partner_id = ? AND id = ?`,
        )
        .get(direction, partnerId, id) as Row | undefined;
      return row === undefined ? undefined : handoverFromRow(row);
    });
  }

  handovers(filter: HandoverFilter = {}): Promise<HandoverRecord[]> {
    const { sql, params } = handoverQuery(filter, () => "?");
    return this.s.read(() => (this.s.stmt(sql).all(...params) as Row[]).map(handoverFromRow));
  }
}
