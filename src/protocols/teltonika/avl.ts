/**
 * The AVL data array of Codec 8, Codec 8 Extended and Codec 16, shared by TCP and UDP packets:
 *
 *   codec id u8 (0x08, 0x8e or 0x10) · record count N1 u8 · N1 records · record count N2 u8 (= N1)
 *
 * Record: timestamp u64 (ms since 1970, UTC) · priority u8 (0 low, 1 high, 2 panic) · GPS element
 * (longitude i32 and latitude i32 in 1e-7°, altitude i16 m, angle u16 °, satellites u8, speed u16
 * km/h) · IO element. IO element, codec 8 (codec 8E in brackets): event IO id u8 [u16] · IO count
 * u8 [u16] · then for 1-, 2-, 4- and 8-byte values: a count u8 [u16] and that many (id u8 [u16],
 * value) · [8E only: a count u16 and that many (id u16, length u16, value of that length)].
 * Codec 16 is codec 8 with 2-byte IO ids (AVL ids above 255) and a generation type: event IO id
 * u16 · generation type u8 (0 on exit, 1 on entrance, 2 on both, 4 hysteresis, 5 on change,
 * 6 eventual, 7 periodical) · IO count u8 · counts u8 and (id u16, value) items.
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
export const CODEC_16 = 0x10;

/** Whether `codec` is one whose records we read. */
export function isAvlCodec(codec: number): boolean {
  return codec === CODEC_8 || codec === CODEC_8E || codec === CODEC_16;
}

/** How wide each field of a codec's IO element is. */
interface IoLayout {
  readonly name: "8" | "8E" | "16";
  /** Event IO id width. */
  readonly eventIdBytes: 1 | 2;
  /** A generation type byte after the event IO id (codec 16). */
  readonly generationType: boolean;
  /** Width of the total count and of each group's count. */
  readonly countBytes: 1 | 2;
  /** Width of each IO id. */
  readonly idBytes: 1 | 2;
  /** A group of variable-length values after the 8-byte group (codec 8E). */
  readonly variableLength: boolean;
}

const LAYOUTS: Readonly<Record<number, IoLayout>> = {
  [CODEC_8]: {
    name: "8",
    eventIdBytes: 1,
    generationType: false,
    countBytes: 1,
    idBytes: 1,
    variableLength: false,
  },
  [CODEC_8E]: {
    name: "8E",
    eventIdBytes: 2,
    generationType: false,
    countBytes: 2,
    idBytes: 2,
    variableLength: true,
  },
  [CODEC_16]: {
    name: "16",
    eventIdBytes: 2,
    generationType: true,
    countBytes: 1,
    idBytes: 2,
    variableLength: false,
  },
};

const TWO_POW_32 = 4_294_967_296;
/** 2^53 / 2^32: a u64 whose high word is below this is a safe integer. */
const SAFE_HIGH_WORD = 0x200000;

export interface AvlData {
  readonly codec: "8" | "8E" | "16";
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
  const layout = LAYOUTS[codecId];
  if (layout === undefined) return `codec 0x${codecId.toString(16)}`;
  const count = bytes[start + 1]!;
  if (bytes[end - 1] !== count)
    return `record counts differ (${count} before the records, ${bytes[end - 1]} after)`;
  const recordsEnd = end - 1;
  const readings: NormalizedReading[] = [];
  const { countBytes, idBytes } = layout;
  const readCount = (at: number): number => (countBytes === 2 ? view.getUint16(at) : bytes[at]!);
  const readId = (at: number): number => (idBytes === 2 ? view.getUint16(at) : bytes[at]!);
  let o = start + 2;
  for (let r = 0; r < count; r++) {
    const ioHeader = layout.eventIdBytes + (layout.generationType ? 1 : 0) + countBytes;
    if (o + 24 + ioHeader > recordsEnd) return `record ${r + 1} is truncated`;
    const atMs = view.getUint32(o) * TWO_POW_32 + view.getUint32(o + 4);
    const priority = bytes[o + 8]!;
    const lon = view.getInt32(o + 9) / 1e7;
    const lat = view.getInt32(o + 13) / 1e7;
    const altitudeM = view.getInt16(o + 17);
    const courseDeg = view.getUint16(o + 19);
    const satellites = bytes[o + 21]!;
    const speedKmh = view.getUint16(o + 22);
    o += 24;
    const eventIoId = layout.eventIdBytes === 2 ? view.getUint16(o) : bytes[o]!;
    o += layout.eventIdBytes;
    let generationType: number | undefined;
    if (layout.generationType) generationType = bytes[o++]!;
    o += countBytes; // total IO count (the groups' counts are what is read)
    const io: Record<number, number | bigint | string> = {};
    for (let width = 1; width <= 8; width *= 2) {
      if (o + countBytes > recordsEnd) return `record ${r + 1}: IO element truncated`;
      const n = readCount(o);
      o += countBytes;
      const itemBytes = idBytes + width;
      if (o + n * itemBytes > recordsEnd)
        return `record ${r + 1}: ${n} IO values of ${width} byte(s) overrun the data`;
      for (let k = 0; k < n; k++) {
        const id = readId(o);
        const v = o + idBytes;
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
      if (o + countBytes > recordsEnd) return `record ${r + 1}: IO element truncated`;
      const n = readCount(o);
      o += countBytes;
      const itemBytes = idBytes + 16;
      if (o + n * itemBytes > recordsEnd)
        return `record ${r + 1}: ${n} IO values of 16 bytes overrun the data`;
      for (let k = 0; k < n; k++) {
        const id = readId(o);
        const v = o + idBytes;
        io[id] = toHex(bytes, v, v + 16);
        o += itemBytes;
      }
    }
    if (layout.variableLength) {
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
      vendor:
        generationType === undefined
          ? { vendor: "teltonika", codec: layout.name, priority, eventIoId, io }
          : { vendor: "teltonika", codec: layout.name, priority, eventIoId, generationType, io },
    };
    readings.push(applyIoMapping(reading, mapping));
  }
  if (o !== recordsEnd) return `${recordsEnd - o} byte(s) after the last record`;
  return { codec: layout.name, readings };
}
