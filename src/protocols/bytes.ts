/**
 * Byte helpers shared by the protocol modules: hex conversion, BCD digits, ASCII, and a growable
 * receive buffer for framers. Nothing here allocates per byte in a loop.
 */

/** Lower-case hex of `bytes[start, end)`. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, end - start)).toString("hex");
}

/** Parses hex (whitespace ignored, either case); undefined when it is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

/** Bytes of an ASCII (latin-1) string. */
export function fromAscii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "latin1"));
}

/** Latin-1 text of `bytes[start, end)`: one code unit per byte, so indexes match byte offsets. */
export function toAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");
}

/** A DataView over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The value of `digits` BCD nibbles starting at the high nibble of `bytes[offset]`, or -1 when a
 * nibble is not a decimal digit.
 */
export function readBcd(bytes: Uint8Array, offset: number, digits: number): number {
  let value = 0;
  for (let i = 0; i < digits; i++) {
    const byte = bytes[offset + (i >> 1)]!;
    const nibble = (i & 1) === 0 ? byte >> 4 : byte & 15;
    if (nibble > 9) return -1;
    value = value * 10 + nibble;
  }
  return value;
}

/** The BCD digits of `bytes[start, end)` as a string (kept with leading zeros), or undefined if not BCD. */
export function bcdString(bytes: Uint8Array, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >> 4 > 9 || (byte & 15) > 9) return undefined;
  }
  return toHex(bytes, start, end);
}

/** Epoch ms of a UTC calendar time, or undefined when a field is out of range (no rollover). */
export function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  if (year < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 April into 1 May; a device that says 31 April sent a damaged date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}

/**
 * A receive buffer for framers: bytes are appended at the end and consumed from the start, with one
 * backing array that grows by doubling and is compacted instead of reallocated when possible.
 */
export class ByteQueue {
  private data = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** The byte `index` positions after the start (undefined past the end). */
  at(index: number): number | undefined {
    const i = this.start + index;
    return i < this.end ? this.data[i] : undefined;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.data.length) {
      const needed = this.length + chunk.length;
      if (needed <= this.data.length && this.start > 0) {
        this.data.copyWithin(0, this.start, this.end);
      } else {
        let size = this.data.length;
        while (size < needed) size *= 2;
        const next = new Uint8Array(size);
        next.set(this.data.subarray(this.start, this.end));
        this.data = next;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.data.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Index (relative to the start) of the first `value` at or after `from`, or -1. */
  indexOf(value: number, from: number): number {
    const i = this.data.subarray(this.start, this.end).indexOf(value, from);
    return i;
  }

  /** A view (not a copy) of `[from, to)` relative to the start; valid until the next append. */
  view(from: number, to: number): Uint8Array {
    return this.data.subarray(this.start + from, this.start + to);
  }

  /** Removes and returns a copy of the first `count` bytes. */
  take(count: number): Uint8Array {
    const out = this.data.slice(this.start, this.start + count);
    this.skip(count);
    return out;
  }

  skip(count: number): void {
    this.start += count;
    if (this.start >= this.end) {
      this.start = 0;
      this.end = 0;
    }
  }
}
