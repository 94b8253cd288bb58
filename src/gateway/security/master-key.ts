/**
 * The master key that seals device keys at rest (AES-256-GCM). It comes from the configuration
 * (`masterKey`, base64 of 32 bytes) or, when that is unset, from `dataDir/master.key`, generated
 * once with mode 0600. Losing it makes every device key unreadable: back it up with the database,
 * but not in the same place.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SealwatchError } from "../../core/errors.js";

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = "master.key";

export interface MasterKeySource {
  /** Base64 of 32 bytes (the `masterKey` setting), if set. */
  readonly masterKey?: string | undefined;
  /** Where `master.key` lives when `masterKey` is unset. */
  readonly dataDir: string;
  /**
   * Create `master.key` when there is none (default true, for the server). Commands that only open
   * what the server sealed pass false: a new master key could open nothing, so they refuse instead.
   */
  readonly create?: boolean;
}

export interface LoadedMasterKey {
  readonly key: Buffer;
  /** "config", or the path of the key file. */
  readonly origin: string;
  /** Whether the file was created by this call. */
  readonly created: boolean;
}

function decode(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) || key.length !== MASTER_KEY_BYTES) {
    throw new SealwatchError(
      "INVALID_CONFIG",
      `${where}: the master key must be ${MASTER_KEY_BYTES} bytes in base64 (e.g. from \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}

/** Loads the master key, creating `dataDir/master.key` (mode 0600) the first time unless told not to. */
export function loadMasterKey(source: MasterKeySource): LoadedMasterKey {
  if (source.masterKey !== undefined && source.masterKey !== "") {
    return {
      key: decode(source.masterKey, "masterKey (SEALWATCH_MASTER_KEY)"),
      origin: "config",
      created: false,
    };
  }
  const path = join(source.dataDir, MASTER_KEY_FILE);
  if (source.create === false) {
    try {
      statSync(path);
    } catch {
      throw new SealwatchError(
        "INVALID_CONFIG",
        `no master key at ${path}: give the server's data folder (SEALWATCH_DATA_DIR) or its key (SEALWATCH_MASTER_KEY); a new key could open nothing the server sealed`,
      );
    }
  }
  mkdirSync(source.dataDir, { recursive: true });
  const fresh = randomBytes(MASTER_KEY_BYTES);
  try {
    // "wx": never overwrite a key that another process created a moment ago.
    writeFileSync(path, `${fresh.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
    return { key: fresh, origin: path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SealwatchError(
      "INVALID_CONFIG",
      `${path}: the master key file is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
    );
  }
  return { key: decode(readFileSync(path, "utf8"), path), origin: path, created: false };
}
