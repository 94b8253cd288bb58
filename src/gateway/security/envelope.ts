/**
 * The envelope an MQTT or HTTP device wraps each reading in (docs/protocols/mqtt-http.md):
 *
 *   signed:    { "v": 1, "deviceId", "keyId", "counter", "payload", "mac" }
 *   encrypted: { "v": 1, "deviceId", "keyId", "counter", "iv", "ciphertext", "tag" }
 *
 * Signed (HMAC-SHA256 key): mac = HMAC(key, header ‖ payload bytes), where the header is
 * `sealwatch-mac-v1\n{deviceId}\n{keyId}\n{counter}\n` (counter in decimal) and the payload bytes are
 * the UTF-8 of `payload` when it is a string (the reading's JSON text: nothing to canonicalize on
 * the device), else of its RFC 8785 canonical JSON.
 *
 * Encrypted (AES-256-GCM key): ciphertext and tag of the reading's JSON text under a 12-byte nonce
 * `iv` (never reused with a key: a counter-based nonce does), with `sealwatch-gcm-v1\n{deviceId}\n
 * {keyId}\n{counter}` as associated data, so that no header field can be changed.
 *
 * Either way the header is bound to the content: changing the device, key, counter or reading makes
 * the message fail verification ("forged").
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "../../core/canonical-json.js";
import type { JsonEnvelope } from "../json/validate.js";
import type { DeviceKey } from "./key-vault.js";

export type OpenedEnvelope =
  | { readonly kind: "opened"; readonly payload: unknown }
  | { readonly kind: "refused"; readonly reason: "forged" | "invalid"; readonly detail: string };

const MAC_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function macHeader(deviceId: string, keyId: string, counter: number): string {
  return `sealwatch-mac-v1\n${deviceId}\n${keyId}\n${counter}\n`;
}

function gcmAad(deviceId: string, keyId: string, counter: number): Buffer {
  return Buffer.from(`sealwatch-gcm-v1\n${deviceId}\n${keyId}\n${counter}`, "utf8");
}

function payloadBytes(payload: Record<string, unknown> | string): Buffer {
  return Buffer.from(typeof payload === "string" ? payload : canonicalJson(payload), "utf8");
}

/** The bytes a signed envelope's MAC covers. */
export function macInput(
  deviceId: string,
  keyId: string,
  counter: number,
  payload: Record<string, unknown> | string,
): Buffer {
  return Buffer.concat([Buffer.from(macHeader(deviceId, keyId, counter), "utf8"), payloadBytes(payload)]);
}

/** Base64 (either alphabet) to bytes, or undefined when it is not base64 of `length` bytes. */
function base64Of(text: string, length: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === length ? bytes : undefined;
}

/** Verifies or decrypts `envelope` with `key` (already chosen by the envelope's key id). */
export function openEnvelope(envelope: JsonEnvelope, key: DeviceKey): OpenedEnvelope {
  const { deviceId, keyId, counter } = envelope;
  if ("mac" in envelope) {
    if (key.algorithm !== "hmac-sha256")
      return {
        kind: "refused",
        reason: "forged",
        detail: `key ${keyId} encrypts (aes-256-gcm); a signed message cannot use it`,
      };
    const mac = base64Of(envelope.mac, MAC_BYTES);
    if (mac === undefined)
      return { kind: "refused", reason: "invalid", detail: "mac is not 32 bytes of base64" };
    const expected = createHmac("sha256", key.secret)
      .update(macInput(deviceId, keyId, counter, envelope.payload))
      .digest();
    if (!timingSafeEqual(mac, expected))
      return { kind: "refused", reason: "forged", detail: "the MAC does not match" };
    if (typeof envelope.payload !== "string") return { kind: "opened", payload: envelope.payload };
    try {
      return { kind: "opened", payload: JSON.parse(envelope.payload) as unknown };
    } catch {
      return { kind: "refused", reason: "invalid", detail: "payload is a string but not JSON text" };
    }
  }
  if (key.algorithm !== "aes-256-gcm")
    return {
      kind: "refused",
      reason: "forged",
      detail: `key ${keyId} signs (hmac-sha256); an encrypted message cannot use it`,
    };
  const iv = base64Of(envelope.iv, IV_BYTES);
  const tag = base64Of(envelope.tag, TAG_BYTES);
  if (iv === undefined || tag === undefined)
    return { kind: "refused", reason: "invalid", detail: "iv must be 12 bytes and tag 16 bytes, base64" };
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(envelope.ciphertext))
    return { kind: "refused", reason: "invalid", detail: "ciphertext is not base64" };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.secret, iv);
    decipher.setAAD(gcmAad(deviceId, keyId, counter));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, "base64")), decipher.final()]);
  } catch {
    return { kind: "refused", reason: "forged", detail: "the ciphertext does not authenticate" };
  }
  try {
    return { kind: "opened", payload: JSON.parse(plain.toString("utf8")) as unknown };
  } catch {
    return { kind: "refused", reason: "invalid", detail: "the decrypted payload is not JSON" };
  }
}

/** Builds a signed envelope (what a device does; used by tests, tools and the docs' examples). */
export function signEnvelope(
  secret: Uint8Array,
  header: { deviceId: string; keyId: string; counter: number },
  payload: Record<string, unknown> | string,
): Record<string, unknown> {
  const mac = createHmac("sha256", secret)
    .update(macInput(header.deviceId, header.keyId, header.counter, payload))
    .digest("base64");
  return { v: 1, ...header, payload, mac };
}

/** Builds an encrypted envelope with nonce `iv` (12 bytes; never reuse one with a key). */
export function encryptEnvelope(
  secret: Uint8Array,
  header: { deviceId: string; keyId: string; counter: number },
  payload: Record<string, unknown> | string,
  iv: Uint8Array,
): Record<string, unknown> {
  const cipher = createCipheriv("aes-256-gcm", secret, iv);
  cipher.setAAD(gcmAad(header.deviceId, header.keyId, header.counter));
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  const ciphertext = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return {
    v: 1,
    ...header,
    iv: Buffer.from(iv).toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}
