/**
 * Readings in PostgreSQL's binary COPY format: no number formatting or hex on our side, no parsing
 * on the server's. Layout: the 11-byte signature, flags and header-extension length (int32 each);
 * per row an int16 field count, then per field an int32 byte length (-1 for NULL) and the bytes
 * (int8 and float8 big-endian, boolean one byte, text UTF-8, bytea as is); an int16 -1 at the end.
 * Columns in `READING_COLUMNS` order.
 */
import { storedJsonText } from "../json-value.js";
import type { ReadingRecord } from "../ports.js";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const FIELDS = 20;
/** Rows per chunk: the server works on one chunk while the next is encoded. */
const CHUNK_ROWS = 256;
const TWO_32 = 4294967296;
/** Fixed part of a row: field count, 20 lengths, 3 int8, 7 float8 and 2 booleans at most, the key. */
const ROW_FIXED = 2 + FIELDS * 4 + 3 * 8 + 7 * 8 + 2 + 32;

/** Encodes rows into one growing buffer. Each row reserves its worst case first, then writes unchecked. */
class RowEncoder {
  private buf: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  header(): void {
    this.reserve(SIGNATURE.length + 8);
    this.at += SIGNATURE.copy(this.buf, this.at);
    this.at = this.buf.writeInt32BE(0, this.at);
    this.at = this.buf.writeInt32BE(0, this.at);
  }

  trailer(): void {
    this.reserve(2);
    this.at = this.buf.writeInt16BE(-1, this.at);
  }

  take(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  row(r: ReadingRecord): void {
    const vendor = storedJsonText(r.vendor);
    const textLength =
      r.deviceId.length + r.kind.length + r.protocol.length + (r.seal?.length ?? 0) + (r.office?.length ?? 0) +
      (r.readStatus?.length ?? 0) + (vendor?.length ?? 0); // prettier-ignore
    this.reserve(ROW_FIXED + textLength * 3 + r.raw.byteLength);
    const b = this.buf;
    let at = b.writeInt16BE(FIELDS, this.at);
    at = int8(b, at, r.seq);
    at = text(b, at, r.deviceId);
    at = text(b, at, r.kind);
    at = int8(b, at, r.atMs);
    at = int8(b, at, r.receivedAtMs);
    at = float8(b, at, r.lon);
    at = float8(b, at, r.lat);
    at = float8(b, at, r.speedKmh);
    at = float8(b, at, r.courseDeg);
    at = bool(b, at, r.valid);
    at = float8(b, at, r.altitudeM);
    at = text(b, at, r.seal);
    at = bool(b, at, r.tamper);
    at = float8(b, at, r.batteryPct);
    at = text(b, at, r.office);
    at = text(b, at, r.readStatus);
    at = text(b, at, r.protocol);
    at = b.writeInt32BE(r.raw.byteLength, at);
    b.set(r.raw, at);
    at += r.raw.byteLength;
    at = text(b, at, vendor);
    const keyLength = b.write(r.dedupKey, at + 4, 32, "hex");
    if (keyLength !== 32 || r.dedupKey.length !== 64)
      throw new TypeError(`reading ${r.seq}: dedupKey is not 64 hex digits`);
    at = b.writeInt32BE(32, at) + 32;
    this.at = at;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}

function int8(b: Buffer, at: number, v: number): number {
  if (!Number.isSafeInteger(v)) throw new TypeError(`${v} is not an integer`);
  const high = Math.floor(v / TWO_32);
  at = b.writeInt32BE(8, at);
  at = b.writeInt32BE(high, at);
  return b.writeUInt32BE(v - high * TWO_32, at);
}

function float8(b: Buffer, at: number, v: number | undefined): number {
  if (v === undefined) return b.writeInt32BE(-1, at);
  return b.writeDoubleBE(v, b.writeInt32BE(8, at));
}

function bool(b: Buffer, at: number, v: boolean | undefined): number {
  if (v === undefined) return b.writeInt32BE(-1, at);
  at = b.writeInt32BE(1, at);
  b[at] = v ? 1 : 0;
  return at + 1;
}

function text(b: Buffer, at: number, v: string | undefined | null): number {
  if (v === undefined || v === null) return b.writeInt32BE(-1, at);
  const length = b.write(v, at + 4, "utf8");
  b.writeInt32BE(length, at);
  return at + 4 + length;
}

/** A batch as binary COPY data, chunk by chunk, yielding to the event loop so that each chunk is sent at once. */
export async function* binaryCopyChunks(batch: readonly ReadingRecord[]): AsyncGenerator<Buffer> {
  for (let i = 0; i === 0 || i < batch.length; i += CHUNK_ROWS) {
    const end = Math.min(batch.length, i + CHUNK_ROWS);
    const encoder = new RowEncoder(64 * 1024);
    if (i === 0) encoder.header();
    for (let j = i; j < end; j++) encoder.row(batch[j]!);
    if (end >= batch.length) encoder.trailer();
    yield encoder.take();
    if (end < batch.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The whole batch as one buffer (for baselines and tests). */
export async function binaryCopyData(batch: readonly ReadingRecord[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of binaryCopyChunks(batch)) parts.push(chunk);
  return Buffer.concat(parts);
}
