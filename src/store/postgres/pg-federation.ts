/** This instance's signing keys, the partner administrations, their nonces and handovers, in PostgreSQL. */
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
import type { PgDb } from "./pg-db.js";
import { placeholders, upsertSql } from "./pg-sql.js";

export class PgFederation implements FederationStore {
  constructor(private readonly db: PgDb) {}

  putInstanceKeys(keys: readonly InstanceKeyRecord[]): Promise<void> {
    return this.db.transaction(async (c) => {
      for (const key of keys)
        await this.db.query(
          upsertSql("instance_keys", INSTANCE_KEY_COLUMNS, ["kid"]),
          instanceKeyParams(key),
          c,
        );
    });
  }

  async instanceKeys(): Promise<InstanceKeyRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${INSTANCE_KEY_COLUMNS.join(", ")} FROM instance_keys ORDER BY created_at_ms, kid COLLATE "C"`,
    );
    return rows.map(instanceKeyFromRow);
  }

  async putPartner(partner: PartnerRecord): Promise<void> {
    await this.db.query(upsertSql("partners", PARTNER_COLUMNS, ["id"]), partnerParams(partner));
  }

  async partner(id: string): Promise<PartnerRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${PARTNER_COLUMNS.join(", ")} FROM partners WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : partnerFromRow(rows[0]);
  }

  async partners(): Promise<PartnerRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${PARTNER_COLUMNS.join(", ")} FROM partners ORDER BY id COLLATE "C"`,
    );
    return rows.map(partnerFromRow);
  }

  async useNonce(partnerId: string, nonce: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    await this.db.query("DELETE FROM partner_nonces WHERE expires_at_ms <= $1", [nowMs]);
    const { rows } = await this.db.query(
      `INSERT INTO partner_nonces (partner_id, nonce, expires_at_ms) VALUES ($1, $2, $3)
       ON CONFLICT (partner_id, nonce) DO NOTHING RETURNING 1 AS stored`,
      [partnerId, nonce, expiresAtMs],
    );
    return rows.length === 1;
  }

  async insertHandover(handover: HandoverRecord): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO handovers (${HANDOVER_COLUMNS.join(", ")}) VALUES (${placeholders(HANDOVER_COLUMNS.length)})
       ON CONFLICT DO NOTHING RETURNING 1 AS stored`,
      handoverParams(handover),
    );
    return rows.length === 1;
  }

  async updateHandover(handover: HandoverRecord): Promise<void> {
    await this.db.query(
      upsertSql("handovers", HANDOVER_COLUMNS, ["direction", "partner_id", "id"]),
      handoverParams(handover),
    );
  }

  async handover(
    direction: HandoverDirection,
    partnerId: string,
    id: string,
  ): Promise<HandoverRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${HANDOVER_COLUMNS.join(", ")} FROM handovers WHERE direction = $1 AND partner_id = $2 AND id = $3`,
      [direction, partnerId, id],
    );
    return rows[0] === undefined ? undefined : handoverFromRow(rows[0]);
  }

  async handovers(filter: HandoverFilter = {}): Promise<HandoverRecord[]> {
    const { sql, params } = handoverQuery(filter, (n) => `$${n}`);
    const { rows } = await this.db.query<Row>(sql, params);
    return rows.map(handoverFromRow);
  }
}
