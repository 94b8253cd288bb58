/**
 * Sealing secrets with the master key: AES-256-GCM with a fresh 96-bit IV and associated data that
 * binds the sealed bytes to what they are (a device key: the device id, key id and algorithm; the
 * instance's signing key: its key id), so that sealed bytes copied onto another record do not open.
 * Layout: version (1 byte, 1) · IV (12) · tag (16) · ciphertext.
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

function deviceAad(binding: KeyBinding): string {
  return `sealwatch-device-key-v1\u0000${binding.deviceId}\u0000${binding.keyId}\u0000${binding.algorithm}`;
}

/** The associated data of this instance's signing key `kid` (see instance-keys.ts). */
export function instanceKeyAad(kid: string): string {
  return `sealwatch-instance-key-v1\u0000${kid}`;
}

/** Seals `secret` under `masterKey`, bound to `aad`. */
export function sealSecret(masterKey: Buffer, secret: Uint8Array, aad: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Uint8Array.from(Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]));
}

/** The secret in clear, or undefined when the sealed bytes do not open with this master key and `aad`. */
export function unsealSecret(masterKey: Buffer, sealed: Uint8Array, aad: string): Buffer | undefined {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function sealKey(masterKey: Buffer, secret: Uint8Array, binding: KeyBinding): Uint8Array {
  return sealSecret(masterKey, secret, deviceAad(binding));
}

/** The key in clear, or undefined when the sealed bytes do not open with this master key and binding. */
export function unsealKey(masterKey: Buffer, sealed: Uint8Array, binding: KeyBinding): Buffer | undefined {
  return unsealSecret(masterKey, sealed, deviceAad(binding));
}
