/**
 * The 17-byte location block shared by the JT701 binary record, the WLNET sensor frame and the
 * JT709A/JT705A 0x5501/0x5502 messages (times are UTC):
 *
 *   offset size
 *   0      3    date, BCD DDMMYY
 *   3      3    time, BCD hhmmss
 *   6      4    latitude, BCD ddmm.mmmm
 *   10     4.5  longitude, BCD dddmm.mmmm (9 digits)
 *   14.5   0.5  flags: bit 3 always 1, bit 2 east, bit 1 north, bit 0 GNSS fix
 *   15     1    speed, knots (see below)
 *   16     1    course, in units of 2 degrees
 *
 * The speed byte: one widely used server reads it as two BCD digits of knots, while the vendor's
 * JT701D manual (field 12: "0x12 → 18 → 18 × 1.85 = 33.3 km/h") and its SDK read it as a binary
 * byte of knots. We read it as binary. The captured frames settle it too: they hold speed bytes
 * 0x0a, 0x0c, 0x1b and 0x1f, which are not BCD at all.
 */
import { readBcd, utcMs } from "../bytes.js";

export const LOCATION_BLOCK_BYTES = 17;
const KMH_PER_KNOT = 1.852;

export interface LocationBlock {
  readonly atMs: number;
  readonly lat: number;
  readonly lon: number;
  /** The device's GNSS-fix flag. */
  readonly fix: boolean;
  readonly speedKmh: number;
  readonly courseDeg: number;
}

/** Decodes the block at `offset` (17 bytes must be there); a string says why it is unreadable. */
export function decodeLocationBlock(bytes: Uint8Array, offset: number): LocationBlock | string {
  const day = readBcd(bytes, offset, 2);
  const month = readBcd(bytes, offset + 1, 2);
  const year = readBcd(bytes, offset + 2, 2);
  const hour = readBcd(bytes, offset + 3, 2);
  const minute = readBcd(bytes, offset + 4, 2);
  const second = readBcd(bytes, offset + 5, 2);
  const atMs = utcMs(2000 + year, month, day, hour, minute, second);
  if (year < 0 || atMs === undefined) return "location block: the date or time is not a valid BCD time";
  const latDeg = readBcd(bytes, offset + 6, 2);
  const latMin = readBcd(bytes, offset + 7, 6);
  const lonDeg = readBcd(bytes, offset + 10, 3);
  // The longitude's minutes start in the low nibble of byte 11: read 7 nibbles from byte 11's high
  // nibble and drop the first (the last degree digit).
  const lonMinAll = readBcd(bytes, offset + 11, 7);
  if (latDeg < 0 || latMin < 0 || lonDeg < 0 || lonMinAll < 0) {
    return "location block: the coordinates are not BCD";
  }
  const lonMin = lonMinAll % 1_000_000;
  if (latMin >= 600_000 || lonMin >= 600_000) return "location block: minutes of 60 or more";
  const flags = bytes[offset + 14]! & 0x0f;
  const lat = (latDeg + latMin / 600_000) * ((flags & 0b0010) !== 0 ? 1 : -1);
  const lon = (lonDeg + lonMin / 600_000) * ((flags & 0b0100) !== 0 ? 1 : -1);
  return {
    atMs,
    lat,
    lon,
    fix: (flags & 0b0001) !== 0,
    speedKmh: bytes[offset + 15]! * KMH_PER_KNOT,
    courseDeg: bytes[offset + 16]! * 2,
  };
}

/** Writes a block (for encoders of test and simulator frames); `speedKnots` and `courseDeg` are rounded. */
export function encodeLocationBlock(
  out: Uint8Array,
  offset: number,
  block: { atMs: number; lat: number; lon: number; fix: boolean; speedKnots: number; courseDeg: number },
): void {
  const d = new Date(block.atMs);
  const two = (v: number): number => (Math.floor(v / 10) << 4) | (v % 10);
  out[offset] = two(d.getUTCDate());
  out[offset + 1] = two(d.getUTCMonth() + 1);
  out[offset + 2] = two(d.getUTCFullYear() % 100);
  out[offset + 3] = two(d.getUTCHours());
  out[offset + 4] = two(d.getUTCMinutes());
  out[offset + 5] = two(d.getUTCSeconds());
  const latAbs = Math.abs(block.lat);
  const lonAbs = Math.abs(block.lon);
  const latDigits =
    String(Math.floor(latAbs)).padStart(2, "0") +
    String(Math.min(599_999, Math.round((latAbs % 1) * 600_000))).padStart(6, "0");
  const lonDigits =
    String(Math.floor(lonAbs)).padStart(3, "0") +
    String(Math.min(599_999, Math.round((lonAbs % 1) * 600_000))).padStart(6, "0");
  const flags = 0b1000 | (block.lon >= 0 ? 0b0100 : 0) | (block.lat >= 0 ? 0b0010 : 0) | (block.fix ? 1 : 0);
  const nibbles = latDigits + lonDigits + flags.toString(16);
  for (let i = 0; i < 9; i++) out[offset + 6 + i] = parseInt(nibbles.slice(i * 2, i * 2 + 2), 16);
  out[offset + 15] = Math.round(block.speedKnots) & 0xff;
  out[offset + 16] = Math.round(block.courseDeg / 2) & 0xff;
}
