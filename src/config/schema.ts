/**
 * Every configuration key of Sealwatch, with its environment variable, type, default and a one-line
 * description. Loaded once (environment, then an optional JSON file), validated together (every bad
 * key reported at once), then frozen. `docs/configuration.md` is generated from this table.
 */

export type ConfigValueType = "string" | "integer" | "number" | "boolean" | "url" | "enum";

export interface ConfigKey {
  readonly env: string;
  readonly type: ConfigValueType;
  readonly default: string | number | boolean | undefined;
  readonly description: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Never printed in logs or docs examples. */
  readonly secret?: boolean;
}

export const CONFIG_SCHEMA = {
  dataDir: {
    env: "SEALWATCH_DATA_DIR",
    type: "string",
    default: "./data",
    description: "Folder for the embedded SQLite database, keys and exports.",
  },
  databaseUrl: {
    env: "DATABASE_URL",
    type: "url",
    default: undefined,
    description: "PostgreSQL URL (postgres://user:pass@host:5432/db); when unset, SQLite in dataDir.",
    secret: true,
  },
  httpHost: {
    env: "SEALWATCH_HTTP_HOST",
    type: "string",
    default: "127.0.0.1",
    description: "Address the API, dashboard and HTTP ingest listen on (0.0.0.0 for every interface).",
  },
  httpPort: {
    env: "SEALWATCH_HTTP_PORT",
    type: "integer",
    default: 8080,
    min: 0,
    max: 65535,
    description: "Port of the API, dashboard and HTTP ingest (0 picks a free port).",
  },
  jt701Port: {
    env: "SEALWATCH_JT701_PORT",
    type: "integer",
    default: 5010,
    min: 0,
    max: 65535,
    description: "TCP port for Jointech JT701/JT709 e-locks (0 picks a free port).",
  },
  jt701Enabled: {
    env: "SEALWATCH_JT701_ENABLED",
    type: "boolean",
    default: true,
    description: "Listen for Jointech e-locks.",
  },
  teltonikaPort: {
    env: "SEALWATCH_TELTONIKA_PORT",
    type: "integer",
    default: 5027,
    min: 0,
    max: 65535,
    description: "TCP port for Teltonika trackers (Codec 8/8E/16).",
  },
  teltonikaEnabled: {
    env: "SEALWATCH_TELTONIKA_ENABLED",
    type: "boolean",
    default: true,
    description: "Listen for Teltonika trackers.",
  },
  teltonikaUdpEnabled: {
    env: "SEALWATCH_TELTONIKA_UDP_ENABLED",
    type: "boolean",
    default: false,
    description: "Also take Teltonika AVL data over UDP (trackers set to the UDP protocol).",
  },
  teltonikaUdpPort: {
    env: "SEALWATCH_TELTONIKA_UDP_PORT",
    type: "integer",
    default: 5027,
    min: 0,
    max: 65535,
    description:
      "UDP port for Teltonika trackers (Codec 8/8E/16); may equal the TCP port (0 picks a free port).",
  },
  teltonikaUdpMaxInFlight: {
    env: "SEALWATCH_TELTONIKA_UDP_MAX_IN_FLIGHT",
    type: "integer",
    default: 1000,
    min: 1,
    description:
      "UDP datagrams waiting for the store at once; more are dropped unanswered (the tracker resends).",
  },
  mqttUrl: {
    env: "MQTT_URL",
    type: "url",
    default: undefined,
    description: "External MQTT broker (mqtt://host:1883); when unset, an embedded broker is started.",
    secret: true,
  },
  mqttPort: {
    env: "SEALWATCH_MQTT_PORT",
    type: "integer",
    default: 1884,
    min: 0,
    max: 65535,
    description: "Port of the embedded MQTT broker (1884 by default, as 1883 is often a system broker's).",
  },
  mqttEnabled: {
    env: "SEALWATCH_MQTT_ENABLED",
    type: "boolean",
    default: true,
    description: "Ingest readings over MQTT.",
  },
  deviceIdleTimeoutS: {
    env: "SEALWATCH_DEVICE_IDLE_TIMEOUT_S",
    type: "integer",
    default: 900,
    min: 1,
    description: "A device connection silent this long is closed.",
  },
  maxBadFrames: {
    env: "SEALWATCH_MAX_BAD_FRAMES",
    type: "integer",
    default: 10,
    min: 1,
    description: "Bad frames after which a device connection is closed.",
  },
  tickIntervalMs: {
    env: "SEALWATCH_TICK_INTERVAL_MS",
    type: "integer",
    default: 1000,
    min: 10,
    description: "How often the engine clock is advanced when no input arrives (signal loss, overdue).",
  },
  busUrl: {
    env: "SEALWATCH_BUS_URL",
    type: "string",
    default: undefined,
    description:
      "NATS JetStream URL (nats://host:4222, comma-separated for a NATS cluster): the distributed mode; unset, one process.",
  },
  busNamespace: {
    env: "SEALWATCH_BUS_NAMESPACE",
    type: "string",
    default: "sealwatch",
    description:
      "Prefix of the streams, subjects and buckets on NATS (lower case): clusters sharing one NATS differ here.",
  },
  busPartitions: {
    env: "SEALWATCH_BUS_PARTITIONS",
    type: "integer",
    default: 16,
    min: 1,
    max: 1024,
    description:
      "Partitions of the input log; fixed at the cluster's first start (every process must agree).",
  },
  busLeaseTtlMs: {
    env: "SEALWATCH_BUS_LEASE_TTL_MS",
    type: "integer",
    default: 5000,
    min: 1000,
    description: "How long a dead engine worker keeps its partitions before the others take them.",
  },
  busRetentionS: {
    env: "SEALWATCH_BUS_RETENTION_S",
    type: "integer",
    default: 604_800,
    min: 3600,
    description: "How long the input log keeps messages (it must outlast any engine outage).",
  },
  closedTripGraceS: {
    env: "SEALWATCH_CLOSED_TRIP_GRACE_S",
    type: "integer",
    default: 86_400,
    min: 0,
    description: "How long a closed trip stays in memory for late data before it is reloaded on demand.",
  },
  riskRulesFile: {
    env: "SEALWATCH_RISK_RULES_FILE",
    type: "string",
    default: undefined,
    description:
      "Risk rule set for inspection at destination (JSON, docs/risk.md), checked at start; unset: the published default rules.",
  },
  riskRandomSeed: {
    env: "SEALWATCH_RISK_RANDOM_SEED",
    type: "string",
    default: undefined,
    description:
      "Secret seed of the random selection of green trips; unset: one is generated once and kept in the store.",
    secret: true,
  },
  riskReasonsForTraders: {
    env: "SEALWATCH_RISK_REASONS_FOR_TRADERS",
    type: "boolean",
    default: false,
    description:
      "Show traders the reasons behind their trips' channel (by default they see the channel and the release).",
  },
  inspectionHours: {
    env: "SEALWATCH_INSPECTION_HOURS",
    type: "number",
    default: 2,
    min: 0,
    max: 240,
    description: "Officer hours one physical inspection takes, for the inspections-avoided figure.",
  },
  logLevel: {
    env: "LOG_LEVEL",
    type: "enum",
    values: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
    default: "info",
    description: "Log level of the structured (JSON) logs.",
  },
  masterKey: {
    env: "SEALWATCH_MASTER_KEY",
    type: "string",
    default: undefined,
    description:
      "Base64 32-byte key sealing device keys at rest; when unset, generated once in dataDir/master.key.",
    secret: true,
  },
  auditSigningKey: {
    env: "SEALWATCH_AUDIT_SIGNING_KEY",
    type: "string",
    default: undefined,
    description: "Path of the Ed25519 private key (PEM) that signs exported audit-chain heads.",
  },
  sessionTtlS: {
    env: "SEALWATCH_SESSION_TTL_S",
    type: "integer",
    default: 8 * 3600,
    min: 60,
    description: "Lifetime of a login session token.",
  },
  ackTargetCriticalS: {
    env: "SEALWATCH_ACK_TARGET_CRITICAL_S",
    type: "integer",
    default: 120,
    min: 1,
    description: "A critical alarm not acknowledged within this many seconds is escalated to supervisors.",
  },
  ackTargetHighS: {
    env: "SEALWATCH_ACK_TARGET_HIGH_S",
    type: "integer",
    default: 300,
    min: 1,
    description: "Acknowledgement target for high-severity alarms.",
  },
  ackTargetMediumS: {
    env: "SEALWATCH_ACK_TARGET_MEDIUM_S",
    type: "integer",
    default: 900,
    min: 1,
    description: "Acknowledgement target for medium-severity alarms.",
  },
  ackTargetLowS: {
    env: "SEALWATCH_ACK_TARGET_LOW_S",
    type: "integer",
    default: 3600,
    min: 1,
    description: "Acknowledgement target for low-severity alarms.",
  },
  tileStyleUrl: {
    env: "SEALWATCH_TILE_STYLE_URL",
    type: "url",
    default: undefined,
    description:
      "Optional MapLibre style URL for the dashboard's basemap; the bundled offline map is used without it.",
  },
  deviceHost: {
    env: "SEALWATCH_DEVICE_HOST",
    type: "string",
    default: "0.0.0.0",
    description: "Address the device TCP listeners and the embedded MQTT broker bind to.",
  },
  maxDeviceConnections: {
    env: "SEALWATCH_MAX_DEVICE_CONNECTIONS",
    type: "integer",
    default: 20_000,
    min: 1,
    description: "Most simultaneous connections on each device TCP listener; more are refused.",
  },
  maxFramesInFlight: {
    env: "SEALWATCH_MAX_FRAMES_IN_FLIGHT",
    type: "integer",
    default: 16,
    min: 1,
    max: 1024,
    description:
      "Frames of one device connection read but not yet acknowledged; beyond it the socket is paused.",
  },
  deviceFrameTimeoutS: {
    env: "SEALWATCH_DEVICE_FRAME_TIMEOUT_S",
    type: "integer",
    default: 60,
    min: 1,
    description:
      "A device frame not complete this long after its first byte closes the connection (slow drip).",
  },
  deviceLoginTimeoutS: {
    env: "SEALWATCH_DEVICE_LOGIN_TIMEOUT_S",
    type: "integer",
    default: 30,
    min: 1,
    description:
      "A device connection that has not named a registered device this long after opening is closed.",
  },
  maxPreLoginConnectionsPerAddress: {
    env: "SEALWATCH_MAX_PRE_LOGIN_CONNECTIONS_PER_ADDRESS",
    type: "integer",
    default: 50,
    min: 1,
    description:
      "Device connections not yet logged in from one IP address, at most (logged-in ones are not limited: mobile networks share addresses).",
  },
  deviceMaxFramesPerS: {
    env: "SEALWATCH_DEVICE_MAX_FRAMES_PER_S",
    type: "integer",
    default: 1_000,
    min: 1,
    description:
      "Frame budget of one device connection (pings included); above it the connection is read more slowly.",
  },
  deviceMaxBytesPerS: {
    env: "SEALWATCH_DEVICE_MAX_BYTES_PER_S",
    type: "integer",
    default: 262_144,
    min: 1024,
    description: "Byte budget of one device connection; above it the connection is read more slowly.",
  },
  deviceOverBudgetCloseS: {
    env: "SEALWATCH_DEVICE_OVER_BUDGET_CLOSE_S",
    type: "integer",
    default: 10,
    min: 1,
    description: "A device connection held back by its budget this long without a break is closed.",
  },
  forensicsMaxFileBytes: {
    env: "SEALWATCH_FORENSICS_MAX_FILE_BYTES",
    type: "integer",
    default: 16_777_216,
    min: 4096,
    description:
      "Refused frames are kept in dataDir/forensics/rejected-frames.jsonl, rotated at this size (one previous file kept).",
  },
  mqttClientId: {
    env: "SEALWATCH_MQTT_CLIENT_ID",
    type: "string",
    default: "sealwatch-gateway",
    description: "Client id of the gateway's persistent session on the external broker (MQTT_URL).",
  },
  mqttSessions: {
    env: "SEALWATCH_MQTT_SESSIONS",
    type: "integer",
    default: 1,
    min: 1,
    max: 64,
    description:
      "Subscriber sessions on the external broker; above 1 a shared subscription spreads the load (per-device order is then not kept).",
  },
  mqttMaxPayloadBytes: {
    env: "SEALWATCH_MQTT_MAX_PAYLOAD_BYTES",
    type: "integer",
    default: 65_536,
    min: 256,
    description: "Largest MQTT reading message accepted; a longer one is refused and counted.",
  },
  ingestBodyLimitBytes: {
    env: "SEALWATCH_INGEST_BODY_LIMIT_BYTES",
    type: "integer",
    default: 1_048_576,
    min: 1024,
    description:
      "Largest HTTP ingest body for readings and reads (EPCIS captures have their own 2 MiB limit).",
  },
  teltonikaIoMappingFile: {
    env: "SEALWATCH_TELTONIKA_IO_MAPPING_FILE",
    type: "string",
    default: undefined,
    description:
      "JSON file mapping Teltonika IO elements to seal, tamper and battery per device model ({ default, models }).",
  },
  apiBodyLimitBytes: {
    env: "SEALWATCH_API_BODY_LIMIT_BYTES",
    type: "integer",
    default: 1_048_576,
    min: 1024,
    description: "Largest request body the API accepts (a larger one is refused with 413).",
  },
  apiJsonMaxDepth: {
    env: "SEALWATCH_API_JSON_MAX_DEPTH",
    type: "integer",
    default: 32,
    min: 4,
    max: 256,
    description:
      "Most levels of nested arrays and objects in a JSON request body (a deeper one is refused with 400).",
  },
  dashboardMapOrigins: {
    env: "SEALWATCH_DASHBOARD_MAP_ORIGINS",
    type: "string",
    default: undefined,
    description:
      "Space- or comma-separated origins (https://tiles.example.org) the dashboard's online map may load tiles, glyphs and sprites from, besides tileStyleUrl's own (the Content-Security-Policy).",
  },
  trustProxy: {
    env: "SEALWATCH_TRUST_PROXY",
    type: "boolean",
    default: false,
    description: "Take client addresses from X-Forwarded-For (only behind a reverse proxy you run).",
  },
  loginRateLimitPerMin: {
    env: "SEALWATCH_LOGIN_RATE_LIMIT_PER_MIN",
    type: "integer",
    default: 20,
    min: 1,
    description: "Login requests per minute from one address (failed logins also back off per user).",
  },
  ingestRateLimitPerMin: {
    env: "SEALWATCH_INGEST_RATE_LIMIT_PER_MIN",
    type: "integer",
    default: 12_000,
    min: 1,
    description: "HTTP ingest requests per minute from one address.",
  },
  adminUsername: {
    env: "SEALWATCH_ADMIN_USERNAME",
    type: "string",
    default: "admin",
    description: "Login name of the administrator created on first start (when the store has no user).",
  },
  adminPassword: {
    env: "SEALWATCH_ADMIN_PASSWORD",
    type: "string",
    default: undefined,
    description:
      "Password of that first administrator; when unset, a one-time password is generated and logged once.",
    secret: true,
  },
  streamHeartbeatS: {
    env: "SEALWATCH_STREAM_HEARTBEAT_S",
    type: "integer",
    default: 15,
    min: 1,
    description: "Seconds between heartbeat comments on the live stream (keeps proxies from closing it).",
  },
  streamRecheckS: {
    env: "SEALWATCH_STREAM_RECHECK_S",
    type: "integer",
    default: 5,
    min: 1,
    max: 300,
    description:
      "Seconds between checks that an open live stream's credential still holds (also checked before each batch of events); the stream ends when it does not.",
  },
  streamMaxPending: {
    env: "SEALWATCH_STREAM_MAX_PENDING",
    type: "integer",
    default: 10_000,
    min: 10,
    description:
      "Events waiting for a slow stream client (readings coalesced per device) before it is cut off.",
  },
  administrationId: {
    env: "SEALWATCH_ADMINISTRATION_ID",
    type: "string",
    default: "SEALWATCH",
    description:
      "Id of this customs administration in what it signs and in partners' registries (e.g. KE-KRA): 2–32 of A–Z 0–9 . _ -.",
  },
  administrationName: {
    env: "SEALWATCH_ADMINISTRATION_NAME",
    type: "string",
    default: "Sealwatch customs administration",
    description: "Name of this customs administration, as partners and dossiers show it.",
  },
  administrationCountry: {
    env: "SEALWATCH_ADMINISTRATION_COUNTRY",
    type: "string",
    default: undefined,
    description:
      "ISO 3166-1 alpha-2 country of this administration (e.g. KE); needed for cross-border handover.",
  },
  administrationOffices: {
    env: "SEALWATCH_ADMINISTRATION_OFFICES",
    type: "string",
    default: undefined,
    description:
      "Customs office reference numbers this administration owns, comma-separated; when unset, the officeCode of every office zone.",
  },
  publicUrl: {
    env: "SEALWATCH_PUBLIC_URL",
    type: "url",
    default: undefined,
    description:
      "Base URL at which partner administrations reach this instance (https://…, without /api/v1).",
  },
  webhookAllowPrivate: {
    env: "SEALWATCH_WEBHOOK_ALLOW_PRIVATE",
    type: "boolean",
    default: false,
    description:
      "Deliver webhooks to loopback, private and link-local addresses too (closed networks, tests); off, they are refused (SSRF).",
  },
  webhookTimeoutS: {
    env: "SEALWATCH_WEBHOOK_TIMEOUT_S",
    type: "integer",
    default: 10,
    min: 1,
    max: 120,
    description: "A webhook delivery attempt is abandoned after this many seconds (and retried later).",
  },
  webhookConcurrency: {
    env: "SEALWATCH_WEBHOOK_CONCURRENCY",
    type: "integer",
    default: 4,
    min: 1,
    max: 64,
    description: "Webhook deliveries in flight at most (deliveries of one trip are always one at a time).",
  },
  smtpUrl: {
    env: "SEALWATCH_SMTP_URL",
    type: "url",
    default: undefined,
    secret: true,
    description:
      "SMTP server for alarm e-mails: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465; unset: no e-mail is sent.",
  },
  smtpFrom: {
    env: "SEALWATCH_SMTP_FROM",
    type: "string",
    default: "Sealwatch <sealwatch@localhost>",
    description: "The From address of alarm e-mails.",
  },
  vapidPublicKey: {
    env: "SEALWATCH_VAPID_PUBLIC_KEY",
    type: "string",
    default: undefined,
    description:
      "Web push: the VAPID public key (base64url P-256 point, `npx web-push generate-vapid-keys`); unset: no web push.",
  },
  vapidPrivateKey: {
    env: "SEALWATCH_VAPID_PRIVATE_KEY",
    type: "string",
    default: undefined,
    secret: true,
    description: "Web push: the VAPID private key (base64url, 32 bytes) matching the public key.",
  },
  vapidSubject: {
    env: "SEALWATCH_VAPID_SUBJECT",
    type: "string",
    default: "mailto:sealwatch@localhost",
    description:
      "Web push: how push services reach the operator (mailto: or https: URL), sent in the VAPID token.",
  },
  federationKeyRetentionDays: {
    env: "SEALWATCH_FEDERATION_KEY_RETENTION_DAYS",
    type: "integer",
    default: 3650,
    min: 1,
    description:
      "How long a retired signing key stays published, so that dossiers and receipts it signed keep verifying.",
  },
  federationClockSkewS: {
    env: "SEALWATCH_FEDERATION_CLOCK_SKEW_S",
    type: "integer",
    default: 300,
    min: 5,
    max: 3600,
    description:
      "A partner's signed request is accepted only if its time is within this many seconds of ours (replay window).",
  },
  federationMaxDocumentBytes: {
    env: "SEALWATCH_FEDERATION_MAX_DOCUMENT_BYTES",
    type: "integer",
    default: 16_777_216,
    min: 65_536,
    description:
      "Largest request a partner may send (a handover carries the trip's dossier); larger ones are refused.",
  },
  federationRequestTimeoutS: {
    env: "SEALWATCH_FEDERATION_REQUEST_TIMEOUT_S",
    type: "integer",
    default: 30,
    min: 1,
    max: 600,
    description:
      "How long a request to a partner instance may take before it counts as failed and is retried.",
  },
  shutdownTimeoutS: {
    env: "SEALWATCH_SHUTDOWN_TIMEOUT_S",
    type: "integer",
    default: 30,
    min: 1,
    description: "Longest a graceful shutdown may take before the process exits anyway.",
  },
} as const satisfies Record<string, ConfigKey>;

export type ConfigName = keyof typeof CONFIG_SCHEMA;

type ValueOf<K extends ConfigKey> = K["type"] extends "integer" | "number"
  ? number
  : K["type"] extends "boolean"
    ? boolean
    : string;

type DefaultOf<K extends ConfigKey> = K["default"] extends undefined ? ValueOf<K> | undefined : ValueOf<K>;

export type Config = { readonly [N in ConfigName]: DefaultOf<(typeof CONFIG_SCHEMA)[N]> };
