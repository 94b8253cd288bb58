/**
 * The device gateway (issue 4): device protocols over their real transports into the durable log,
 * each device acknowledged only once its readings are stored. See docs/devices/onboarding.md and
 * docs/protocols/mqtt-http.md.
 */
export { Gateway, type GatewayConfig, type GatewayOptions, type GatewayPorts } from "./gateway.js";
export { hostSink, submitTo, type IncomingReading, type ReadingSink, type SubmitResult } from "./sink.js";
export { createIngestContext, type IngestContext, type IngestContextOptions } from "./context.js";
export {
  GatewayCounters,
  TRANSPORTS,
  type CloseReason,
  type CountersSnapshot,
  type RejectReason,
  type Transport,
} from "./counters.js";
export { DeviceDirectory, type DeviceResolution } from "./device-directory.js";
export {
  DeviceCommands,
  type CommandActor,
  type CommandChannel,
  type UnlockRefusal,
  type UnlockRequest,
  type UnlockResult,
} from "./commands/device-commands.js";
export {
  DEFAULT_INGEST_BODY_LIMIT_BYTES,
  DEFAULT_INGEST_MAX_ITEMS,
  ingestRoutes,
  type GatewayPrincipal,
  type IngestRoutesOptions,
} from "./http/ingest-routes.js";
export { loadMasterKey, MASTER_KEY_FILE, type LoadedMasterKey } from "./security/master-key.js";
export {
  DeviceKeyVault,
  KEY_ALGORITHMS,
  type DeviceKey,
  type IssuedKey,
  type KeyAlgorithm,
} from "./security/key-vault.js";
export { encryptEnvelope, macInput, openEnvelope, signEnvelope } from "./security/envelope.js";
export {
  ENVELOPE_SCHEMA,
  READ_SCHEMA,
  READING_SCHEMA,
  type JsonEnvelope,
  type JsonRead,
  type JsonReading,
} from "./json/validate.js";
export { readingsTopic, READINGS_TOPIC_FILTER } from "./mqtt/topics.js";
export { silentGatewayLogger, type GatewayLogger } from "./logger.js";
