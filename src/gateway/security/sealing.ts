/**
 * Sealing a device key with the master key: AES-256-GCM with a fresh 96-bit IV, the device id, key
 * id and algorithm as associated data (a sealed key copied onto another device's record does not
 * open). Layout: version (1 byte, 1) · IV (12) · tag (16) · ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface KeyBinding {
  readonly deviceId: string;
  readonly keyId: string;
  readonly algorithm: string;
}

function aad(binding: KeyBinding): Buffer {
  return Buffer.from(
    `sealwatch-device-key-v1\u0000${binding.deviceId}\u0000${binding.keyId}\u0000${binding.algorithm}`,
  );
}

export function sealKey(masterKey: Buffer, secret: Uint8Array, binding: KeyBinding): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(aad(binding));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Uint8Array.from(Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]));
}

/** The key in clear, or undefined when the sealed bytes do not open with this master key and binding. */
export function unsealKey(masterKey: Buffer, sealed: Uint8Array, binding: KeyBinding): Buffer | undefined {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
