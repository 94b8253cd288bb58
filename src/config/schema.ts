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
    description: "TCP port for Teltonika trackers (Codec 8/8E).",
  },
  teltonikaEnabled: {
    env: "SEALWATCH_TELTONIKA_ENABLED",
    type: "boolean",
    default: true,
    description: "Listen for Teltonika trackers.",
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
  closedTripGraceS: {
    env: "SEALWATCH_CLOSED_TRIP_GRACE_S",
    type: "integer",
    default: 86_400,
    min: 0,
    description: "How long a closed trip stays in memory for late data before it is reloaded on demand.",
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
} as const satisfies Record<string, ConfigKey>;

export type ConfigName = keyof typeof CONFIG_SCHEMA;

type ValueOf<K extends ConfigKey> = K["type"] extends "integer" | "number"
  ? number
  : K["type"] extends "boolean"
    ? boolean
    : string;

type DefaultOf<K extends ConfigKey> = K["default"] extends undefined ? ValueOf<K> | undefined : ValueOf<K>;

export type Config = { readonly [N in ConfigName]: DefaultOf<(typeof CONFIG_SCHEMA)[N]> };
