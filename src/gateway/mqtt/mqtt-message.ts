/**
 * One MQTT message into the JSON ingest path, whichever broker delivered it: topic and size checks,
 * JSON parsing, then `MessageIngest`. Resolves when the message may be acknowledged (stored, or
 * rejected for good); rejects when it must not be (the store failed), so that it is delivered again.
 */
import { DEFAULT_JSON_MAX_DEPTH, jsonValueTooDeep } from "../../core/json-depth.js";
import type { GatewayCounters } from "../counters.js";
import type { GatewayLogger } from "../logger.js";
import type { MessageIngest } from "../message-ingest.js";
import { deviceIdOfTopic } from "./topics.js";

export interface MqttMessageContext {
  readonly ingest: MessageIngest;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly maxPayloadBytes: number;
}

export async function handleMqttMessage(
  context: MqttMessageContext,
  topic: string,
  payload: Uint8Array,
  peer: string,
): Promise<void> {
  const { counters, logger } = context;
  counters.received("mqtt");
  const refuse = (reason: "bad_topic" | "too_large" | "invalid", detail: string): void => {
    counters.rejected("mqtt", reason);
    logger.warn({ transport: "mqtt", peer, topic, reason, detail }, "message rejected");
  };
  const deviceId = deviceIdOfTopic(topic);
  if (deviceId === undefined) return refuse("bad_topic", "not sealwatch/devices/{deviceId}/readings");
  if (payload.byteLength > context.maxPayloadBytes)
    return refuse("too_large", `${payload.byteLength} bytes (at most ${context.maxPayloadBytes})`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("utf8"));
  } catch {
    return refuse("invalid", "the payload is not JSON");
  }
  // Nothing recursive (validation, serialisation, the store's worker) may see a hostile nesting.
  if (jsonValueTooDeep(value, DEFAULT_JSON_MAX_DEPTH))
    return refuse("invalid", `the payload nests more than ${DEFAULT_JSON_MAX_DEPTH} levels deep`);
  await context.ingest.ingestReading({
    transport: "mqtt",
    value,
    raw: Uint8Array.from(payload),
    channelDeviceId: deviceId,
    peer,
  });
}
