/**
 * Cursors that reveal nothing. The live stream's events, the fleet snapshot and the timeline are
 * numbered from global sequences (the bus's cursor, the audit chain's seq), and a number shown as
 * it is would let any caller count the activity of every tenant. Callers get instead a sealed token:
 * the number, encrypted (AES-256-GCM) and bound to the caller (its actor) and the sequence it comes
 * from, with a synthetic IV (an HMAC of the same), so that one position always gives one token for
 * one caller (tokens stay stable ids) while tokens of different callers cannot be linked, compared
 * or ordered. Opening a token checks it whole: an altered token, another caller's, another
 * installation's or another sequence's is refused, never taken for a different position.
 */
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import { SealwatchError } from "../../core/errors.js";

/** The sequence a cursor comes from (a token of one is no cursor of the other). */
export type CursorSequence = "stream" | "audit" | "reading" | "epcis-page";

const VERSION = "c1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VALUE_BYTES = 8;
/** A position: base64url of iv + value + tag, after the version and a dot. */
const POSITION_PATTERN = /^c1\.[A-Za-z0-9_-]{48}$/;
/** Any sealed text (a page token): up to 1 KiB sealed. */
const TEXT_PATTERN = /^c1\.[A-Za-z0-9_-]{40,1400}$/;

export class CursorSeal {
  private readonly encryptionKey: Buffer;
  private readonly ivKey: Buffer;

  constructor(key: Buffer) {
    this.encryptionKey = createHmac("sha256", key).update("encrypt").digest();
    this.ivKey = createHmac("sha256", key).update("iv").digest();
  }

  /** The token of position `value` of `sequence`, for the caller named `holder`. */
  seal(sequence: CursorSequence, value: number, holder: string): string {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cursor ${value} is not a position`);
    const plain = Buffer.alloc(VALUE_BYTES);
    plain.writeBigUInt64BE(BigInt(value));
    return this.sealBytes(sequence, plain, holder);
  }

  /**
   * The position a token stands for; a 400 INVALID_CURSOR naming `field` when the token is not one
   * this installation issued to `holder` for `sequence` (altered, foreign or malformed).
   */
  open(sequence: CursorSequence, token: string, holder: string, field: string): number {
    const text = token.trim();
    if (!POSITION_PATTERN.test(text))
      throw new SealwatchError(
        "INVALID_CURSOR",
        `${field}: not a cursor (cursors are the opaque tokens the server hands out, "${VERSION}." and 48 characters)`,
      );
    const value = this.openBytes(sequence, text, holder, field).readBigUInt64BE();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw refused(field);
    return Number(value);
  }

  /** Seals any short text (a page position) the same way. */
  sealText(sequence: CursorSequence, text: string, holder: string): string {
    return this.sealBytes(sequence, Buffer.from(text, "utf8"), holder);
  }

  openText(sequence: CursorSequence, token: string, holder: string, field: string): string {
    const text = token.trim();
    if (!TEXT_PATTERN.test(text)) throw refused(field);
    return this.openBytes(sequence, text, holder, field).toString("utf8");
  }

  private sealBytes(sequence: CursorSequence, plain: Buffer, holder: string): string {
    const aad = Buffer.from(`${VERSION}\u0000${sequence}\u0000${holder}`);
    const iv = createHmac("sha256", this.ivKey).update(aad).update(plain).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey, iv).setAAD(aad);
    const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${body.toString("base64url")}`;
  }

  private openBytes(sequence: CursorSequence, token: string, holder: string, field: string): Buffer {
    const body = Buffer.from(token.slice(VERSION.length + 1), "base64url");
    if (body.length < IV_BYTES + TAG_BYTES) throw refused(field);
    const iv = body.subarray(0, IV_BYTES);
    const sealed = body.subarray(IV_BYTES, body.length - TAG_BYTES);
    const tag = body.subarray(body.length - TAG_BYTES);
    const aad = Buffer.from(`${VERSION}\u0000${sequence}\u0000${holder}`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey, iv).setAAD(aad).setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]);
    } catch {
      throw refused(field);
    }
  }
}

function refused(field: string): SealwatchError {
  return new SealwatchError(
    "INVALID_CURSOR",
    `${field}: this cursor was not issued to you by this server (altered, another caller's, or from another installation); reload without it`,
  );
}
