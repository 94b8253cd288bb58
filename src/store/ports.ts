/**
 * The store port: everything Sealwatch keeps durably. Two implementations pass one contract suite:
 * SQLite (embedded default, a file under ./data/) and PostgreSQL (production, chosen by DATABASE_URL).
 *
 * Times are epoch milliseconds. Positions are `[lon, lat]` in every name. Every method may reject
 * with a `StoreError` (database down, full, read-only, corrupted); nothing is reported durable that
 * is not committed.
 */
import type {
  Alarm,
  AlarmType,
  DeviceClass,
  RuleOverrides,
  Severity,
  TripState,
  ZoneKind,
} from "../core/domain/model.js";
import type { AlarmEvidence } from "../core/evidence/alarm-evidence.js";
import type { LonLat } from "../core/geo/sphere.js";
import type { ZoneShape } from "../core/geo/zone-index.js";
import type { AeoStatus } from "../core/risk/record.js";
import type { FederationStore } from "./federation-ports.js";
import type { OutboxStore, SubscriptionStore } from "./outbox-ports.js";
import type { InspectionStore } from "./inspection-ports.js";
import type { NotifyStore } from "./notify-ports.js";

// ---------------------------------------------------------------- readings (the durable input log)

/**
 * One reading or passive read as it enters the durable log. `seq` is the global arrival order of
 * engine inputs (readings, commands and clock ticks share it), assigned by the engine host.
 */
export interface ReadingRecord {
  readonly seq: number;
  /** Registry id of the device. */
  readonly deviceId: string;
  readonly kind: "message" | "read";
  /** Event time. */
  readonly atMs: number;
  /** Arrival time at Sealwatch. */
  readonly receivedAtMs: number;
  readonly lon?: number;
  readonly lat?: number;
  readonly speedKmh?: number;
  readonly courseDeg?: number;
  readonly valid?: boolean;
  readonly altitudeM?: number;
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  /** Passive reads: the office zone id and the seal status. */
  readonly office?: string;
  readonly readStatus?: "intact" | "broken";
  /** Protocol the reading came in by: "jt701", "teltonika", "mqtt", "http", "epcis", "scenario"... */
  readonly protocol: string;
  /** The frame or message exactly as received, kept as evidence. */
  readonly raw: Uint8Array;
  /** Vendor details (lock-status flags, IO elements) as JSON. */
  readonly vendor?: unknown;
  /**
   * Deduplication key: SHA-256 hex of `deviceId`, `atMs` and the canonical content (every field but
   * `seq`, `receivedAtMs`, `raw` and `protocol`). The same reading delivered twice is stored once.
   */
  readonly dedupKey: string;
}

export type AppendOutcome = "stored" | "duplicate";

export interface ReadingStore {
  /**
   * Appends a batch in one transaction (group commit). Resolves once the batch is durable, with one
   * outcome per reading, in order; a reading whose `dedupKey` is already stored is a "duplicate".
   */
  append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]>;
  /** Readings of a device with `atMs` in [fromMs, toMs), by event time. */
  forDevice(deviceId: string, fromMs: number, toMs: number): Promise<ReadingRecord[]>;
  /** The latest reading of a device by event time, if any. */
  latest(deviceId: string): Promise<ReadingRecord | undefined>;
  /** Readings with `seq` greater than `afterSeq`, in seq order, at most `limit` (recovery). */
  afterSeq(afterSeq: number, limit: number): Promise<ReadingRecord[]>;
  /** Marks readings the engine rejected, so that recovery skips them. */
  markRejected(seqs: readonly number[], reason: string): Promise<void>;
  /** The largest seq stored (0 when empty). */
  maxSeq(): Promise<number>;
  /** The latest accepted reading of a device before `beforeMs` (event time) that carries `what`. */
  latestBefore(deviceId: string, beforeMs: number, what: "seal" | "fix"): Promise<ReadingRecord | undefined>;
  /** The largest `receivedAtMs` of the device's accepted messages with seq greater than `afterSeq`. */
  lastReceivedAfterSeq(deviceId: string, afterSeq: number): Promise<number | undefined>;
}

// ---------------------------------------------------------------- registry: devices and zones

export type DeviceLifecycle = "in_stock" | "assigned" | "in_use" | "maintenance" | "retired";

export interface DeviceRecord {
  readonly id: string;
  readonly class: DeviceClass;
  readonly vendor: string;
  readonly model: string;
  /** How the device talks: "jt701", "teltonika", "mqtt", "http", "epcis". */
  readonly protocol: string;
  /** Identifiers the device presents (IMEI, lock id, EPC): each maps to this device. */
  readonly identifiers: readonly string[];
  readonly reportIntervalS?: number;
  readonly lifecycle: DeviceLifecycle;
  /** Owning company (trader, carrier or seal operator) for tenancy, if any. */
  readonly companyId?: string;
  /** Teltonika IO mapping or other per-model settings, as JSON. */
  readonly settings?: unknown;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

/** A device key for message authentication (HMAC-SHA256) or encryption (AES-256-GCM), sealed at rest. */
export interface DeviceKeyRecord {
  readonly deviceId: string;
  readonly keyId: string;
  readonly algorithm: "hmac-sha256" | "aes-256-gcm";
  /** The key, encrypted with the store's master key (AES-256-GCM): never stored in clear. */
  readonly sealedKey: Uint8Array;
  readonly createdAtMs: number;
  /** Set when rotated out; old keys verify until then. */
  readonly retiredAtMs?: number;
  /** Highest message counter accepted with this device (replay protection). */
  readonly lastCounter: number;
}

export interface DeviceStore {
  put(device: DeviceRecord): Promise<void>;
  get(id: string): Promise<DeviceRecord | undefined>;
  byIdentifier(identifier: string): Promise<DeviceRecord | undefined>;
  list(filter?: { companyId?: string; lifecycle?: DeviceLifecycle }): Promise<DeviceRecord[]>;
  putKey(key: DeviceKeyRecord): Promise<void>;
  keys(deviceId: string): Promise<DeviceKeyRecord[]>;
  /** Raises the replay counter if `counter` is higher; returns whether it was (atomic). */
  advanceCounter(deviceId: string, keyId: string, counter: number): Promise<boolean>;
}

export interface ZoneRecord {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly name?: string;
  readonly shape: ZoneShape;
  /** Customs office reference number (e.g. "DE004058") for office zones. */
  readonly officeCode?: string;
  /** UN/LOCODE of the place, if known. */
  readonly unLocode?: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface ZoneStore {
  put(zone: ZoneRecord): Promise<void>;
  get(id: string): Promise<ZoneRecord | undefined>;
  list(): Promise<ZoneRecord[]>;
  delete(id: string): Promise<boolean>;
}

// ---------------------------------------------------------------- trips and commands

export interface TripRecord {
  readonly id: string;
  /** The declaration reference (MRN). */
  readonly reference?: string;
  readonly origin: string;
  readonly destination: string;
  readonly route: readonly LonLat[];
  readonly devices: readonly string[];
  readonly deadlineMs: number;
  readonly checkpoints?: readonly string[];
  readonly rules?: RuleOverrides;
  /** Declaration details the engine does not read: containers, conveyance, carrier, goods... */
  readonly declaration?: unknown;
  /** Company (trader or carrier) the trip belongs to, for tenancy. */
  readonly companyId?: string;
  readonly state: TripState;
  readonly armedAtMs?: number;
  readonly inTransitAtMs?: number;
  readonly arrivedAtMs?: number;
  readonly closedAtMs?: number;
  readonly cancelledAtMs?: number;
  /** Seq of the accepted arm command (signal loss counts messages received after it). */
  readonly armSeq?: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface TripStore {
  /** Inserts a new trip; rejects with StoreError code "conflict" if the id exists. */
  insert(trip: TripRecord): Promise<void>;
  /**
   * Replaces the state fields (state, transition times, armSeq, updatedAtMs); `audit` (the
   * transition's record) is chained in the same transaction, so the change and its record are
   * both stored or neither is.
   */
  updateState(
    trip: Pick<
      TripRecord,
      | "id"
      | "state"
      | "armedAtMs"
      | "inTransitAtMs"
      | "arrivedAtMs"
      | "closedAtMs"
      | "cancelledAtMs"
      | "armSeq"
      | "updatedAtMs"
    >,
    audit?: readonly AuditEntry[],
  ): Promise<void>;
  get(id: string): Promise<TripRecord | undefined>;
  list(filter?: {
    states?: readonly TripState[];
    companyId?: string;
    office?: string;
    limit?: number;
    offset?: number;
  }): Promise<TripRecord[]>;
  /** Trips (any state but declared/cancelled) of `deviceId` whose window [armed, closed) holds `atMs`. */
  windowHolding(deviceId: string, atMs: number): Promise<TripRecord | undefined>;
}

/** A trip command as an engine input (arm, disarm, cancel), with who gave it and what happened. */
export interface CommandRecord {
  readonly seq: number;
  readonly tripId: string;
  readonly command: "arm" | "disarm" | "cancel";
  readonly atMs: number;
  readonly force?: boolean;
  readonly reason?: string;
  /** User or system that gave the command. */
  readonly actor: string;
  readonly outcome: "accepted" | "refused";
  readonly refusal?: string;
}

/** A clock tick that changed something (raised signal_loss or overdue): kept so that recovery replays it. */
export interface TickRecord {
  readonly seq: number;
  readonly atMs: number;
}

/** A command sent to a device (e.g. the JT701 remote unlock), queued while the device is offline. */
export interface DeviceCommandRecord {
  readonly id: string;
  readonly deviceId: string;
  readonly tripId?: string;
  readonly command: string;
  readonly payload?: unknown;
  readonly status: "queued" | "sent" | "acknowledged" | "failed";
  readonly actor: string;
  readonly createdAtMs: number;
  readonly sentAtMs?: number;
  readonly acknowledgedAtMs?: number;
  readonly error?: string;
}

export interface CommandStore {
  append(command: CommandRecord): Promise<void>;
  appendTick(tick: TickRecord): Promise<void>;
  forTrip(tripId: string): Promise<CommandRecord[]>;
  /** Commands and ticks with seq greater than `afterSeq`, in seq order (recovery). */
  afterSeq(afterSeq: number): Promise<(CommandRecord | TickRecord)[]>;
  /** The largest seq of any stored command or tick (0 when none). */
  maxSeq(): Promise<number>;
  putDeviceCommand(command: DeviceCommandRecord): Promise<void>;
  pendingDeviceCommands(deviceId: string): Promise<DeviceCommandRecord[]>;
}

// ---------------------------------------------------------------- alarms and their handling

export type AlarmWorkflow = "open" | "acknowledged" | "resolved";
export type AlarmOutcome = "confirmed_breach" | "false_alarm" | "technical_fault";

export interface AlarmRecord extends Alarm {
  /** Stable id derived from the alarm identity (see `alarmKey`). */
  readonly id: string;
  /** Set when later data showed the alarm never happened. */
  readonly retracted: boolean;
  readonly workflow: AlarmWorkflow;
  readonly assignee?: string;
  readonly outcome?: AlarmOutcome;
  /** Engine clock when the alarm was first raised (for response-time targets). */
  readonly raisedAtMs: number;
  readonly acknowledgedAtMs?: number;
  readonly resolvedAtMs?: number;
  readonly escalatedAtMs?: number;
  readonly updatedAtMs: number;
  /** Why, where and on which readings (see docs/evidence.md); absent on alarms stored before 0.2. */
  readonly evidence?: AlarmEvidence;
}

export type AlarmActionKind = "acknowledge" | "assign" | "comment" | "resolve" | "escalate" | "report";

export interface AlarmActionRecord {
  readonly id: string;
  readonly alarmId: string;
  readonly action: AlarmActionKind;
  readonly actor: string;
  readonly atMs: number;
  readonly details?: unknown;
}

export interface AlarmFilter {
  readonly workflow?: readonly AlarmWorkflow[];
  readonly types?: readonly AlarmType[];
  readonly severities?: readonly Severity[];
  readonly tripIds?: readonly string[];
  readonly includeRetracted?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

export interface AlarmStore {
  /** Inserts or updates by id (engine changes: raised, cleared, retracted, un-retracted). */
  upsert(alarm: AlarmRecord): Promise<void>;
  /**
   * `upsert` of several alarms in one transaction (one durable commit), in order, with `audit` (their
   * records) chained in the same transaction: the alarms and their records are stored together or not
   * at all.
   */
  upsertMany(alarms: readonly AlarmRecord[], audit?: readonly AuditEntry[]): Promise<void>;
  get(id: string): Promise<AlarmRecord | undefined>;
  list(filter?: AlarmFilter): Promise<AlarmRecord[]>;
  /** Alarms of a trip (retracted included), for recovery and the trip timeline. */
  forTrip(tripId: string): Promise<AlarmRecord[]>;
  /** Applies a workflow action and records it, in one transaction. */
  act(
    action: AlarmActionRecord,
    update: Partial<
      Pick<
        AlarmRecord,
        "workflow" | "assignee" | "outcome" | "acknowledgedAtMs" | "resolvedAtMs" | "escalatedAtMs"
      >
    >,
  ): Promise<void>;
  actions(alarmId: string): Promise<AlarmActionRecord[]>;
}

// ---------------------------------------------------------------- the audit chain

export interface AuditEntry {
  readonly atMs: number;
  /** User id, API key id, "engine" or "system". */
  readonly actor: string;
  /** e.g. "trip.declare", "trip.arm", "alarm.acknowledge", "device.update", "config.change". */
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly details?: unknown;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  /** Hex SHA-256 of the previous record (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex SHA-256 over prevHash and the canonical encoding of this record. */
  readonly hash: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly records: number; readonly head?: { seq: number; hash: string } }
  | { readonly ok: false; readonly records: number; readonly firstBroken: number; readonly problem: string };

export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Appends several entries, chained in order, in one transaction (all or none). */
  appendMany(entries: readonly AuditEntry[]): Promise<AuditRecord[]>;
  list(filter?: {
    subjectType?: string;
    subjectId?: string;
    afterSeq?: number;
    limit?: number;
  }): Promise<AuditRecord[]>;
  head(): Promise<AuditRecord | undefined>;
  verify(): Promise<AuditVerification>;
}

// ---------------------------------------------------------------- people, companies and access

/** Every role, in one place: the policy, the API schemas and the tests take them from here. */
export const ROLES = [
  "admin",
  "supervisor",
  "officer",
  "operator",
  "trader",
  "gateway",
  "instructor",
] as const;
export type Role = (typeof ROLES)[number];

export interface CompanyRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: "trader" | "carrier" | "operator";
  /** ISO 3166-1 alpha-2. */
  readonly country?: string;
  readonly createdAtMs: number;
  /**
   * Authorised economic operator status, if certified: AEOC (customs simplifications), AEOS
   * (security and safety) or AEOF (both). The risk rules credit it (docs/risk.md).
   */
  readonly aeo?: AeoStatus;
}

export interface UserRecord {
  readonly id: string;
  /** Unique, case-insensitive login name. */
  readonly username: string;
  readonly displayName: string;
  /** scrypt hash in the form "scrypt$N$r$p$salt$hash" (base64 parts). */
  readonly passwordHash: string;
  readonly role: Role;
  /** For traders and carriers: the company whose trips they see. */
  readonly companyId?: string;
  /** For officers: the office zone ids they act at. */
  readonly offices?: readonly string[];
  readonly disabled: boolean;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface SessionRecord {
  /** SHA-256 hex of the bearer token (the token itself is never stored). */
  readonly tokenHash: string;
  readonly userId: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly revokedAtMs?: number;
}

export interface ApiKeyRecord {
  readonly id: string;
  /** SHA-256 hex of the secret part. */
  readonly secretHash: string;
  readonly name: string;
  readonly role: Role;
  readonly companyId?: string;
  readonly offices?: readonly string[];
  readonly createdAtMs: number;
  readonly revokedAtMs?: number;
}

export interface AccessStore {
  putCompany(company: CompanyRecord): Promise<void>;
  company(id: string): Promise<CompanyRecord | undefined>;
  companies(): Promise<CompanyRecord[]>;
  putUser(user: UserRecord): Promise<void>;
  user(id: string): Promise<UserRecord | undefined>;
  userByName(username: string): Promise<UserRecord | undefined>;
  users(): Promise<UserRecord[]>;
  putSession(session: SessionRecord): Promise<void>;
  session(tokenHash: string): Promise<SessionRecord | undefined>;
  revokeSession(tokenHash: string, atMs: number): Promise<void>;
  /** Revokes every live session of a user (a password change, disabling), but `exceptTokenHash`. */
  revokeUserSessions(userId: string, atMs: number, exceptTokenHash?: string): Promise<void>;
  putApiKey(key: ApiKeyRecord): Promise<void>;
  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  apiKeys(): Promise<ApiKeyRecord[]>;
}

// ---------------------------------------------------------------- engine bookkeeping

export interface EngineStateStore {
  /** Small key/value facts the engine host keeps: the clock, the last applied seq. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

// ---------------------------------------------------------------- the whole store

export interface MigrationStatus {
  readonly current: number;
  readonly latest: number;
  readonly applied: readonly { version: number; name: string; appliedAtMs: number }[];
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Where the data lives, without secrets (file path or host/database). */
  readonly location: string;
  readonly readings: ReadingStore;
  readonly devices: DeviceStore;
  readonly zones: ZoneStore;
  readonly trips: TripStore;
  readonly commands: CommandStore;
  readonly alarms: AlarmStore;
  readonly audit: AuditLog;
  readonly access: AccessStore;
  readonly engineState: EngineStateStore;
  /** This instance's signing keys and the partner administrations (see federation-ports.ts). */
  readonly federation: FederationStore;
  /** Messages waiting to leave (webhooks, partner messages), delivered at least once (see outbox-ports.ts). */
  readonly outbox: OutboxStore;
  /** Partner systems' webhook subscriptions. */
  readonly subscriptions: SubscriptionStore;
  /** Per trip: the risk recommendation fixed at arrival, the officer's decision, the outcome (inspection-ports.ts). */
  readonly inspections: InspectionStore;
  /** Notification rules, on-call rosters, users' notification profiles (notify-ports.ts). */
  readonly notify: NotifyStore;
  /** Applies pending migrations (called at start). */
  migrate(): Promise<MigrationStatus>;
  /**
   * Makes this process the one writer that numbers engine inputs itself (the single-node engine:
   * `serve`, `gateway` without a bus). Rejects with STORE_LOCKED naming the database while another
   * process is that writer. PostgreSQL: a session-level advisory lock held until `close`. SQLite:
   * the lock file taken at open already makes the opening process the only writer.
   */
  claimWriter(): Promise<void>;
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
}
