/**
 * The API's own keys, derived once from the installation's master key (HKDF, one label each), so
 * that every API process of an installation agrees on them and a restart keeps them; without a
 * master key (a bare test app) they are random for the life of the process.
 */
import { hkdfSync, randomBytes } from "node:crypto";

export interface ApiSecrets {
  /** Keys pseudonyms of devices a caller may not see (src/api/scope.ts). */
  readonly referenceAliasKey: Buffer;
  /** Seals live-stream and timeline cursors (src/api/stream/cursor.ts). */
  readonly cursorKey: Buffer;
}

function derive(masterKey: Buffer | undefined, label: string): Buffer {
  if (masterKey === undefined) return randomBytes(32);
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `sealwatch/api/${label}`, 32));
}

export function apiSecrets(masterKey: Buffer | undefined): ApiSecrets {
  return Object.freeze({
    referenceAliasKey: derive(masterKey, "reference-alias"),
    cursorKey: derive(masterKey, "cursor"),
  });
}
