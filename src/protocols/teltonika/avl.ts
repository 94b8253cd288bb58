/**
 * The AVL data array of Codec 8 and Codec 8 Extended, shared by TCP and UDP packets:
 *
 *   codec id u8 (0x08 or 0x8e) · record count N1 u8 · N1 records · record count N2 u8 (= N1)
 *
 * Record: timestamp u64 (ms since 1970, UTC) · priority u8 (0 low, 1 high, 2 panic) · GPS element
 * (longitude i32 and latitude i32 in 1e-7°, altitude i16 m, angle u16 °, satellites u8, speed u16
 * km/h) · IO element. IO element, codec 8 (codec 8E in brackets): event IO id u8 [u16] · IO count
 * u8 [u16] · then for 1-, 2-, 4- and 8-byte values: a count u8 [u16] and that many (id u8 [u16],
 * value) · [8E only: a count u16 and that many (id u16, length u16, value of that length)].
 *
 * Some devices (the reference server calls it "extended") add a group of 16-byte values after the
 * 8-byte group: a count, then (id, 16 bytes). Nothing in the packet says so; `sixteenByteValues`
 * reads that layout.
 *
 * Teltonika sends the last good coordinates with zero satellites when it has no fix, so a record is
 * a valid fix when its satellite count is not zero.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { toHex } from "../bytes.js";
import { applyIoMapping, type TeltonikaIoMapping } from "./io-mapping.js";

export const CODEC_8 = 0x08;
export const CODEC_8E = 0x8e;

const TWO_POW_32 = 4_294_967_296;
/** 2^53 / 2^32: a u64 whose high word is below this is a safe integer. */
const SAFE_HIGH_WORD = 0x200000;

export interface AvlData {
  readonly codec: "8" | "8E";
  readonly readings: NormalizedReading[];
}

/**
 * Reads the AVL data array in `bytes[start, end)`: exactly, with nothing left over. `raw` is kept in
 * every reading as evidence. Returns a string saying what is wrong when it cannot.
 */
export function readAvlData(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  deviceId: string,
  raw: Uint8Array,
  mapping: TeltonikaIoMapping,
  sixteenByteValues: boolean,
): AvlData | string {
  if (end - start < 3) return "AVL data shorter than 3 bytes";
  const codecId = bytes[start]!;
  if (codecId !== CODEC_8 && codecId !== CODEC_8E) return `codec 0x${codecId.toString(16)}`;
  const ext = codecId === CODEC_8E;
  const count = bytes[start + 1]!;
  if (bytes[end - 1] !== count)
    return `record counts differ (${count} before the records, ${bytes[end - 1]} after)`;
  const recordsEnd = end - 1;
  const readings: NormalizedReading[] = [];
  let o = start + 2;
  for (let r = 0; r < count; r++) {
    if (o + 24 + (ext ? 4 : 2) > recordsEnd) return `record ${r + 1} is truncated`;
    const atMs = view.getUint32(o) * TWO_POW_32 + view.getUint32(o + 4);
    const priority = bytes[o + 8]!;
    const lon = view.getInt32(o + 9) / 1e7;
    const lat = view.getInt32(o + 13) / 1e7;
    const altitudeM = view.getInt16(o + 17);
    const courseDeg = view.getUint16(o + 19);
    const satellites = bytes[o + 21]!;
    const speedKmh = view.getUint16(o + 22);
    o += 24;
    let eventIoId: number;
    if (ext) {
      eventIoId = view.getUint16(o);
      o += 4; // event IO id, total IO count
    } else {
      eventIoId = bytes[o]!;
      o += 2;
    }
    const io: Record<number, number | bigint | string> = {};
    for (let width = 1; width <= 8; width *= 2) {
      if (o + (ext ? 2 : 1) > recordsEnd) return `record ${r + 1}: IO element truncated`;
      const n = ext ? view.getUint16(o) : bytes[o]!;
      o += ext ? 2 : 1;
      const itemBytes = (ext ? 2 : 1) + width;
      if (o + n * itemBytes > recordsEnd)
        return `record ${r + 1}: ${n} IO values of ${width} byte(s) overrun the data`;
      for (let k = 0; k < n; k++) {
        const id = ext ? view.getUint16(o) : bytes[o]!;
        const v = o + (ext ? 2 : 1);
        if (width === 1) io[id] = bytes[v]!;
        else if (width === 2) io[id] = view.getUint16(v);
        else if (width === 4) io[id] = view.getUint32(v);
        else {
          const high = view.getUint32(v);
          io[id] = high < SAFE_HIGH_WORD ? high * TWO_POW_32 + view.getUint32(v + 4) : view.getBigUint64(v);
        }
        o += itemBytes;
      }
    }
    if (sixteenByteValues) {
      if (o + (ext ? 2 : 1) > recordsEnd) return `record ${r + 1}: IO element truncated`;
      const n = ext ? view.getUint16(o) : bytes[o]!;
      o += ext ? 2 : 1;
      const itemBytes = (ext ? 2 : 1) + 16;
      if (o + n * itemBytes > recordsEnd)
        return `record ${r + 1}: ${n} IO values of 16 bytes overrun the data`;
      for (let k = 0; k < n; k++) {
        const id = ext ? view.getUint16(o) : bytes[o]!;
        const v = o + (ext ? 2 : 1);
        io[id] = toHex(bytes, v, v + 16);
        o += itemBytes;
      }
    }
    if (ext) {
      if (o + 2 > recordsEnd) return `record ${r + 1}: IO element truncated`;
      const n = view.getUint16(o);
      o += 2;
      for (let k = 0; k < n; k++) {
        if (o + 4 > recordsEnd) return `record ${r + 1}: variable-length IO value truncated`;
        const id = view.getUint16(o);
        const length = view.getUint16(o + 2);
        o += 4;
        if (o + length > recordsEnd) return `record ${r + 1}: variable-length IO ${id} overruns the data`;
        io[id] = toHex(bytes, o, o + length);
        o += length;
      }
    }
    const reading: NormalizedReading = {
      deviceId,
      atMs,
      position: { lon, lat, speedKmh, courseDeg, valid: satellites !== 0, altitudeM, satellites },
      raw,
      vendor: { vendor: "teltonika", codec: ext ? "8E" : "8", priority, eventIoId, io },
    };
    readings.push(applyIoMapping(reading, mapping));
  }
  if (o !== recordsEnd) return `${recordsEnd - o} byte(s) after the last record`;
  return { codec: ext ? "8E" : "8", readings };
}
