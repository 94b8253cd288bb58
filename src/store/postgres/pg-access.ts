/** Companies, users, sessions and API keys, and the engine's small key/value facts, in PostgreSQL. */
import { StoreError } from "../store-error.js";
import {
  API_KEY_COLUMNS,
  USER_COLUMNS,
  apiKeyFromRow,
  apiKeyParams,
  companyFromRow,
  companyParams,
  sessionFromRow,
  sessionParams,
  userFromRow,
  userParams,
  type Row,
} from "../rows.js";
import { usernameKey } from "../../core/identity/username.js";
import type {
  AccessStore,
  ApiKeyRecord,
  CompanyRecord,
  EngineStateStore,
  SessionRecord,
  UserRecord,
} from "../ports.js";
import type { PgDb } from "./pg-db.js";
import { upsertSql } from "./pg-sql.js";

const COMPANY_COLUMNS = ["id", "name", "kind", "country", "created_at_ms", "aeo"];
const SESSION_COLUMNS = ["token_hash", "user_id", "created_at_ms", "expires_at_ms", "revoked_at_ms"];
const bindBool = (v: boolean): boolean => v;

export class PgAccess implements AccessStore {
  constructor(private readonly db: PgDb) {}

  async putCompany(company: CompanyRecord): Promise<void> {
    await this.db.query(upsertSql("companies", COMPANY_COLUMNS, ["id"]), companyParams(company));
  }

  company(id: string): Promise<CompanyRecord | undefined> {
    return this.getOne(
      `SELECT ${COMPANY_COLUMNS.join(", ")} FROM companies WHERE id = $1`,
      id,
      companyFromRow,
    );
  }

  companies(): Promise<CompanyRecord[]> {
    return this.getAll(
      `SELECT ${COMPANY_COLUMNS.join(", ")} FROM companies ORDER BY id COLLATE "C"`,
      companyFromRow,
    );
  }

  async putUser(user: UserRecord): Promise<void> {
    try {
      await this.db.query(upsertSql("users", USER_COLUMNS, ["id"]), userParams(user, bindBool));
    } catch (error) {
      if (error instanceof StoreError && error.code === "STORE_CONFLICT")
        throw new StoreError(
          "STORE_CONFLICT",
          `${this.db.location}: username ${user.username} is already taken`,
          error,
        );
      throw error;
    }
  }

  user(id: string): Promise<UserRecord | undefined> {
    return this.getOne(`SELECT ${USER_COLUMNS.join(", ")} FROM users WHERE id = $1`, id, userFromRow);
  }

  userByName(username: string): Promise<UserRecord | undefined> {
    return this.getOne(
      `SELECT ${USER_COLUMNS.join(", ")} FROM users WHERE username_key = $1`,
      usernameKey(username),
      userFromRow,
    );
  }

  users(): Promise<UserRecord[]> {
    return this.getAll(
      `SELECT ${USER_COLUMNS.join(", ")} FROM users ORDER BY username_key COLLATE "C"`,
      userFromRow,
    );
  }

  async putSession(session: SessionRecord): Promise<void> {
    await this.db.query(upsertSql("sessions", SESSION_COLUMNS, ["token_hash"]), sessionParams(session));
  }

  session(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.getOne(
      `SELECT ${SESSION_COLUMNS.join(", ")} FROM sessions WHERE token_hash = $1`,
      tokenHash,
      sessionFromRow,
    );
  }

  async revokeSession(tokenHash: string, atMs: number): Promise<void> {
    await this.db.query(
      "UPDATE sessions SET revoked_at_ms = $2 WHERE token_hash = $1 AND revoked_at_ms IS NULL",
      [tokenHash, atMs],
    );
  }

  async revokeUserSessions(userId: string, atMs: number, exceptTokenHash?: string): Promise<void> {
    await this.db.query(
      "UPDATE sessions SET revoked_at_ms = $2 WHERE user_id = $1 AND revoked_at_ms IS NULL AND token_hash <> $3",
      [userId, atMs, exceptTokenHash ?? ""],
    );
  }

  async putApiKey(key: ApiKeyRecord): Promise<void> {
    await this.db.query(upsertSql("api_keys", API_KEY_COLUMNS, ["id"]), apiKeyParams(key));
  }

  apiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.getOne(`SELECT ${API_KEY_COLUMNS.join(", ")} FROM api_keys WHERE id = $1`, id, apiKeyFromRow);
  }

  apiKeys(): Promise<ApiKeyRecord[]> {
    return this.getAll(
      `SELECT ${API_KEY_COLUMNS.join(", ")} FROM api_keys ORDER BY id COLLATE "C"`,
      apiKeyFromRow,
    );
  }

  private async getOne<T>(sql: string, key: string, map: (row: Row) => T): Promise<T | undefined> {
    const { rows } = await this.db.query<Row>(sql, [key]);
    return rows[0] === undefined ? undefined : map(rows[0]);
  }

  private async getAll<T>(sql: string, map: (row: Row) => T): Promise<T[]> {
    const { rows } = await this.db.query<Row>(sql);
    return rows.map(map);
  }
}

export class PgEngineState implements EngineStateStore {
  constructor(private readonly db: PgDb) {}

  async get(key: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ value: string }>("SELECT value FROM engine_state WHERE key = $1", [
      key,
    ]);
    return rows[0]?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.query(
      "INSERT INTO engine_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [key, value],
    );
  }
}
