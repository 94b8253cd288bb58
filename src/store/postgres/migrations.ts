/**
 * The PostgreSQL schema, one migration per version, applied in order under an advisory lock by
 * `PostgresStore.migrate`. Readings are range-partitioned by event time (`at_ms`); the partitions
 * themselves are created by `Partitions` (ahead of time and on demand), plus a DEFAULT partition for
 * far-off device clocks.
 */
import { checkMigrations, type Migration } from "../migration.js";

export const PG_MIGRATIONS: readonly Migration[] = checkMigrations([
  {
    version: 1,
    name: "initial schema",
    sql: `
CREATE TABLE readings (
  seq bigint NOT NULL,
  device_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('message', 'read')),
  at_ms bigint NOT NULL,
  received_at_ms bigint NOT NULL,
  lon double precision, lat double precision, speed_kmh double precision, course_deg double precision,
  valid boolean, altitude_m double precision,
  seal text, tamper boolean, battery_pct double precision, office text, read_status text,
  protocol text NOT NULL,
  raw bytea NOT NULL,
  vendor text,
  dedup_key bytea NOT NULL,
  rejected text
) PARTITION BY RANGE (at_ms);
-- One index for deduplication, a trip's track and a device's latest reading. A unique index of a
-- partitioned table must hold the partition key (at_ms); the dedup key already determines device_id
-- and at_ms, so this is as unique as dedup_key alone, and a device's readings arrive roughly in time
-- order, so inserts land near the end of the device's range instead of at random.
CREATE UNIQUE INDEX readings_device_at_key ON readings (device_id, at_ms, dedup_key);
-- Recovery (afterSeq) and markRejected.
CREATE INDEX readings_seq ON readings (seq);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

CREATE TABLE reading_exports (
  id bigserial PRIMARY KEY,
  partition_name text NOT NULL,
  from_ms bigint NOT NULL,
  to_ms bigint NOT NULL,
  rows bigint NOT NULL,
  file text NOT NULL,
  sha256 text NOT NULL,
  bytes bigint NOT NULL,
  exported_at_ms bigint NOT NULL,
  dropped_at_ms bigint
);
CREATE INDEX reading_exports_partition ON reading_exports (partition_name, id);

CREATE TABLE devices (
  id text PRIMARY KEY,
  class text NOT NULL,
  vendor text NOT NULL,
  model text NOT NULL,
  protocol text NOT NULL,
  identifiers text NOT NULL,
  report_interval_s double precision,
  lifecycle text NOT NULL,
  company_id text,
  settings text,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE INDEX devices_company ON devices (company_id);

CREATE TABLE device_identifiers (
  identifier text PRIMARY KEY,
  device_id text NOT NULL REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX device_identifiers_device ON device_identifiers (device_id);

CREATE TABLE device_keys (
  device_id text NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  key_id text NOT NULL,
  algorithm text NOT NULL,
  sealed_key bytea NOT NULL,
  created_at_ms bigint NOT NULL,
  retired_at_ms bigint,
  last_counter bigint NOT NULL,
  PRIMARY KEY (device_id, key_id)
);

CREATE TABLE zones (
  id text PRIMARY KEY,
  kind text NOT NULL,
  name text,
  shape text NOT NULL,
  office_code text,
  un_locode text,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);

CREATE TABLE trips (
  id text PRIMARY KEY,
  reference text,
  origin text NOT NULL,
  destination text NOT NULL,
  route text NOT NULL,
  devices text NOT NULL,
  deadline_ms bigint NOT NULL,
  checkpoints text,
  rules text,
  declaration text,
  company_id text,
  state text NOT NULL,
  armed_at_ms bigint,
  in_transit_at_ms bigint,
  arrived_at_ms bigint,
  closed_at_ms bigint,
  cancelled_at_ms bigint,
  arm_seq bigint,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE INDEX trips_state ON trips (state, created_at_ms);
CREATE INDEX trips_company ON trips (company_id, created_at_ms);

CREATE TABLE trip_devices (
  trip_id text NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
  device_id text NOT NULL,
  PRIMARY KEY (trip_id, device_id)
);
CREATE INDEX trip_devices_device ON trip_devices (device_id);

CREATE TABLE commands (
  seq bigint PRIMARY KEY,
  trip_id text NOT NULL,
  command text NOT NULL,
  at_ms bigint NOT NULL,
  force boolean,
  reason text,
  actor text NOT NULL,
  outcome text NOT NULL,
  refusal text
);
CREATE INDEX commands_trip ON commands (trip_id, seq);

CREATE TABLE ticks (
  seq bigint PRIMARY KEY,
  at_ms bigint NOT NULL
);

CREATE TABLE device_commands (
  id text PRIMARY KEY,
  device_id text NOT NULL,
  trip_id text,
  command text NOT NULL,
  payload text,
  status text NOT NULL,
  actor text NOT NULL,
  created_at_ms bigint NOT NULL,
  sent_at_ms bigint,
  acknowledged_at_ms bigint,
  error text
);
CREATE INDEX device_commands_pending ON device_commands (device_id, created_at_ms) WHERE status = 'queued';

CREATE TABLE alarms (
  id text PRIMARY KEY,
  type text NOT NULL,
  trip text NOT NULL,
  device text,
  started_at_ms bigint NOT NULL,
  zone text,
  severity text NOT NULL,
  severity_rank smallint NOT NULL,
  cleared_at_ms bigint,
  retracted boolean NOT NULL,
  workflow text NOT NULL,
  assignee text,
  outcome text,
  raised_at_ms bigint NOT NULL,
  acknowledged_at_ms bigint,
  resolved_at_ms bigint,
  escalated_at_ms bigint,
  updated_at_ms bigint NOT NULL
);
CREATE INDEX alarms_trip ON alarms (trip, started_at_ms);
-- The open-alarm queue: most severe first, then oldest.
CREATE INDEX alarms_open_queue ON alarms (severity_rank, raised_at_ms) WHERE NOT retracted AND workflow <> 'resolved';

CREATE TABLE alarm_actions (
  ord bigserial UNIQUE,
  id text PRIMARY KEY,
  alarm_id text NOT NULL REFERENCES alarms (id),
  action text NOT NULL,
  actor text NOT NULL,
  at_ms bigint NOT NULL,
  details text
);
CREATE INDEX alarm_actions_alarm ON alarm_actions (alarm_id, at_ms, ord);

CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  at_ms bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  details text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, seq);

CREATE TABLE companies (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  country text,
  created_at_ms bigint NOT NULL
);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL,
  username_key text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL,
  company_id text,
  offices text,
  disabled boolean NOT NULL,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  revoked_at_ms bigint
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  secret_hash text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  company_id text,
  offices text,
  created_at_ms bigint NOT NULL,
  revoked_at_ms bigint
);

CREATE TABLE engine_state (
  key text PRIMARY KEY,
  value text NOT NULL
);
`,
  },
  {
    version: 2,
    name: "federation: instance keys, partners, partner nonces",
    sql: `
CREATE TABLE instance_keys (
  kid text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('active', 'retired', 'revoked')),
  created_at_ms bigint NOT NULL,
  sealed_private_key bytea NOT NULL,
  doc text NOT NULL
);
-- At most one key signs.
CREATE UNIQUE INDEX instance_keys_one_active ON instance_keys (status) WHERE status = 'active';

CREATE TABLE partners (
  id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  updated_at_ms bigint NOT NULL,
  doc text NOT NULL
);

CREATE TABLE partner_nonces (
  partner_id text NOT NULL,
  nonce text NOT NULL,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (partner_id, nonce)
);
CREATE INDEX partner_nonces_expiry ON partner_nonces (expires_at_ms);
`,
  },
  {
    version: 3,
    name: "outbox and webhook subscriptions",
    sql: `
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  destination text NOT NULL,
  ordering_key text,
  company_id text,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead', 'discarded')),
  attempts bigint NOT NULL,
  next_attempt_at_ms bigint NOT NULL,
  leased_until_ms bigint NOT NULL,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  payload text NOT NULL,
  last_attempt_at_ms bigint,
  last_error text,
  last_status_code bigint,
  delivered_at_ms bigint,
  dead_at_ms bigint,
  discarded_by text
);
-- Claiming: the due pending messages; the head check: earlier undelivered ones of the same key.
CREATE INDEX outbox_due ON outbox (next_attempt_at_ms, id) WHERE status = 'pending';
CREATE INDEX outbox_key ON outbox (destination, ordering_key, id) WHERE status IN ('pending', 'dead');
CREATE INDEX outbox_status ON outbox (status, id);

CREATE TABLE subscriptions (
  id text PRIMARY KEY,
  owner_id text NOT NULL,
  company_id text,
  status text NOT NULL CHECK (status IN ('active', 'deleted')),
  created_at_ms bigint NOT NULL,
  sealed_secret bytea,
  doc text NOT NULL
);
`,
  },
  {
    version: 4,
    name: "risk: inspections at destination, companies' AEO status",
    sql: `
CREATE TABLE inspections (
  trip_id text PRIMARY KEY,
  office text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('green', 'yellow', 'red')),
  fixed_at_ms bigint NOT NULL,
  released_at_ms bigint,
  updated_at_ms bigint NOT NULL,
  doc text NOT NULL
);
CREATE INDEX inspections_fixed ON inspections (fixed_at_ms);
CREATE INDEX inspections_office ON inspections (office, fixed_at_ms);

ALTER TABLE companies ADD COLUMN aeo text;
`,
  },
  {
    version: 5,
    name: "alarm evidence: why, where and on which readings",
    sql: `
ALTER TABLE alarms ADD COLUMN evidence text;
`,
  },
  {
    version: 6,
    name: "notifications: rules, on-call rosters, users' notification profiles",
    sql: `
CREATE TABLE notification_rules (
  id text PRIMARY KEY,
  created_at_ms bigint NOT NULL,
  doc text NOT NULL
);
CREATE TABLE on_call_rosters (
  office text PRIMARY KEY,
  created_at_ms bigint NOT NULL,
  doc text NOT NULL
);
CREATE TABLE notification_profiles (
  user_id text PRIMARY KEY,
  created_at_ms bigint NOT NULL,
  doc text NOT NULL
);
`,
  },
  {
    version: 7,
    name: "federation: trip handovers in both directions",
    sql: `
CREATE TABLE handovers (
  id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
  partner_id text NOT NULL,
  trip_id text NOT NULL,
  partner_trip_id text,
  status text NOT NULL CHECK (status IN ('sending', 'receipted', 'refused', 'recognised', 'not-recognised')),
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  doc text NOT NULL,
  PRIMARY KEY (direction, partner_id, id)
);
CREATE INDEX handovers_trip ON handovers (trip_id);
CREATE UNIQUE INDEX handovers_incoming_trip ON handovers (partner_id, partner_trip_id) WHERE direction = 'incoming';
CREATE UNIQUE INDEX handovers_outgoing_trip ON handovers (trip_id) WHERE direction = 'outgoing';
`,
  },
]);
