/**
 * Bearer credentials. A session token is `sws_` and 32 random bytes; an API key is
 * `swk_<id>_<secret>`. The store keeps only SHA-256 hashes, so a copy of the database cannot be
 * used to log in.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const SESSION_PREFIX = "sws_";
const API_KEY_PREFIX = "swk_";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function newSessionToken(): { token: string; hash: string } {
  const token = `${SESSION_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, hash: sha256Hex(token) };
}

export function isSessionToken(token: string): boolean {
  return token.startsWith(SESSION_PREFIX);
}

export function newApiKey(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `${API_KEY_PREFIX}${id}_${secret}`, secretHash: sha256Hex(secret) };
}

/** Splits an API key into its id and secret, or undefined when it is not one. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = /^swk_([0-9a-f]{16})_([A-Za-z0-9_-]{20,})$/.exec(token);
  return match === null ? undefined : { id: match[1]!, secret: match[2]! };
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
