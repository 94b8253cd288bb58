/** The SQLite schema, one migration per version (applied in order by `SqliteStore.migrate`). */
import { checkMigrations, type Migration } from "../migration.js";

/** Written to the file header (`PRAGMA application_id`) so that a Sealwatch file is recognizable. */
export const SQLITE_APPLICATION_ID = 0x5345414c; // "SEAL"

export const SQLITE_MIGRATIONS: readonly Migration[] = checkMigrations([
  {
    version: 1,
    name: "initial schema",
    sql: `
PRAGMA application_id = ${SQLITE_APPLICATION_ID};

CREATE TABLE readings (
  seq INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'read')),
  at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  lon REAL, lat REAL, speed_kmh REAL, course_deg REAL, valid INTEGER, altitude_m REAL,
  seal TEXT, tamper INTEGER, battery_pct REAL, office TEXT, read_status TEXT,
  protocol TEXT NOT NULL,
  raw BLOB NOT NULL,
  vendor TEXT,
  dedup_key BLOB NOT NULL,
  rejected TEXT
) STRICT;
-- One index for deduplication, a trip's track and a device's latest reading: the dedup key already
-- determines device_id and at_ms, so this is as unique as dedup_key alone, and a device's readings
-- arrive roughly in time order, so inserts land near the end of the device's range.
CREATE UNIQUE INDEX readings_device_at_key ON readings (device_id, at_ms, dedup_key);

CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  class TEXT NOT NULL,
  vendor TEXT NOT NULL,
  model TEXT NOT NULL,
  protocol TEXT NOT NULL,
  identifiers TEXT NOT NULL,
  report_interval_s REAL,
  lifecycle TEXT NOT NULL,
  company_id TEXT,
  settings TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_company ON devices (company_id);

CREATE TABLE device_identifiers (
  identifier TEXT PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX device_identifiers_device ON device_identifiers (device_id);

CREATE TABLE device_keys (
  device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  key_id TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  sealed_key BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL,
  retired_at_ms INTEGER,
  last_counter INTEGER NOT NULL,
  PRIMARY KEY (device_id, key_id)
) STRICT;

CREATE TABLE zones (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT,
  shape TEXT NOT NULL,
  office_code TEXT,
  un_locode TEXT,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE trips (
  id TEXT PRIMARY KEY,
  reference TEXT,
  origin TEXT NOT NULL,
  destination TEXT NOT NULL,
  route TEXT NOT NULL,
  devices TEXT NOT NULL,
  deadline_ms INTEGER NOT NULL,
  checkpoints TEXT,
  rules TEXT,
  declaration TEXT,
  company_id TEXT,
  state TEXT NOT NULL,
  armed_at_ms INTEGER,
  in_transit_at_ms INTEGER,
  arrived_at_ms INTEGER,
  closed_at_ms INTEGER,
  cancelled_at_ms INTEGER,
  arm_seq INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX trips_state ON trips (state, created_at_ms);
CREATE INDEX trips_company ON trips (company_id, created_at_ms);

CREATE TABLE trip_devices (
  trip_id TEXT NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  PRIMARY KEY (trip_id, device_id)
) STRICT;
CREATE INDEX trip_devices_device ON trip_devices (device_id);

CREATE TABLE commands (
  seq INTEGER PRIMARY KEY,
  trip_id TEXT NOT NULL,
  command TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  force INTEGER,
  reason TEXT,
  actor TEXT NOT NULL,
  outcome TEXT NOT NULL,
  refusal TEXT
) STRICT;
CREATE INDEX commands_trip ON commands (trip_id, seq);

CREATE TABLE ticks (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE device_commands (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  trip_id TEXT,
  command TEXT NOT NULL,
  payload TEXT,
  status TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  sent_at_ms INTEGER,
  acknowledged_at_ms INTEGER,
  error TEXT
) STRICT;
CREATE INDEX device_commands_pending ON device_commands (device_id, created_at_ms) WHERE status = 'queued';

CREATE TABLE alarms (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  trip TEXT NOT NULL,
  device TEXT,
  started_at_ms INTEGER NOT NULL,
  zone TEXT,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  cleared_at_ms INTEGER,
  retracted INTEGER NOT NULL,
  workflow TEXT NOT NULL,
  assignee TEXT,
  outcome TEXT,
  raised_at_ms INTEGER NOT NULL,
  acknowledged_at_ms INTEGER,
  resolved_at_ms INTEGER,
  escalated_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX alarms_trip ON alarms (trip, started_at_ms);
CREATE INDEX alarms_open_queue ON alarms (severity_rank, raised_at_ms)
  WHERE retracted = 0 AND workflow <> 'resolved';

CREATE TABLE alarm_actions (
  id TEXT PRIMARY KEY,
  alarm_id TEXT NOT NULL REFERENCES alarms (id),
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  details TEXT
) STRICT;
CREATE INDEX alarm_actions_alarm ON alarm_actions (alarm_id, at_ms);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  details TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, seq);

CREATE TABLE companies (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  country TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  company_id TEXT,
  offices TEXT,
  disabled INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  company_id TEXT,
  offices TEXT,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;

CREATE TABLE engine_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 2,
    name: "federation: instance keys, partners, partner nonces",
    sql: `
CREATE TABLE instance_keys (
  kid TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
  created_at_ms INTEGER NOT NULL,
  sealed_private_key BLOB NOT NULL,
  doc TEXT NOT NULL
) STRICT;
-- At most one key signs.
CREATE UNIQUE INDEX instance_keys_one_active ON instance_keys (status) WHERE status = 'active';

CREATE TABLE partners (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  updated_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
) STRICT;

CREATE TABLE partner_nonces (
  partner_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (partner_id, nonce)
) STRICT;
CREATE INDEX partner_nonces_expiry ON partner_nonces (expires_at_ms);
`,
  },
  {
    version: 3,
    name: "outbox and webhook subscriptions",
    sql: `
-- AUTOINCREMENT: ids are never reused after a purge (they order messages and page the admin view).
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  destination TEXT NOT NULL,
  ordering_key TEXT,
  company_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'discarded')),
  attempts INTEGER NOT NULL,
  next_attempt_at_ms INTEGER NOT NULL,
  leased_until_ms INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  payload TEXT NOT NULL,
  last_attempt_at_ms INTEGER,
  last_error TEXT,
  last_status_code INTEGER,
  delivered_at_ms INTEGER,
  dead_at_ms INTEGER,
  discarded_by TEXT
) STRICT;
-- Claiming: the due pending messages; the head check: earlier undelivered ones of the same key.
CREATE INDEX outbox_due ON outbox (next_attempt_at_ms, id) WHERE status = 'pending';
CREATE INDEX outbox_key ON outbox (destination, ordering_key, id) WHERE status IN ('pending', 'dead');
CREATE INDEX outbox_status ON outbox (status, id);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  company_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
  created_at_ms INTEGER NOT NULL,
  sealed_secret BLOB,
  doc TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 4,
    name: "risk: inspections at destination, companies' AEO status",
    sql: `
CREATE TABLE inspections (
  trip_id TEXT PRIMARY KEY,
  office TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('green', 'yellow', 'red')),
  fixed_at_ms INTEGER NOT NULL,
  released_at_ms INTEGER,
  updated_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE INDEX inspections_fixed ON inspections (fixed_at_ms);
CREATE INDEX inspections_office ON inspections (office, fixed_at_ms);

ALTER TABLE companies ADD COLUMN aeo TEXT;
`,
  },
  {
    version: 5,
    name: "alarm evidence: why, where and on which readings",
    sql: `
ALTER TABLE alarms ADD COLUMN evidence TEXT;
`,
  },
  {
    version: 6,
    name: "notifications: rules, on-call rosters, users' notification profiles",
    sql: `
CREATE TABLE notification_rules (
  id TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE TABLE on_call_rosters (
  office TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
) STRICT;
CREATE TABLE notification_profiles (
  user_id TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 7,
    name: "federation: trip handovers in both directions",
    sql: `
CREATE TABLE handovers (
  id TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
  partner_id TEXT NOT NULL,
  trip_id TEXT NOT NULL,
  partner_trip_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('sending', 'receipted', 'refused', 'recognised', 'not-recognised')),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (direction, partner_id, id)
) STRICT;
CREATE INDEX handovers_trip ON handovers (trip_id);
CREATE UNIQUE INDEX handovers_incoming_trip ON handovers (partner_id, partner_trip_id) WHERE direction = 'incoming';
CREATE UNIQUE INDEX handovers_outgoing_trip ON handovers (trip_id) WHERE direction = 'outgoing';
`,
  },
]);
