/**
 * Binary `$` frames of the JT701 e-lock (long form) and the older JT600-family trackers (short
 * form). Both start `$` + a 5-byte BCD device id; then
 *
 *   long:  [6] protocol version (0x17 JT701, 0x19 JT701D, …)  [7] device type | data type
 *          [8..9] length (bytes from the first record to the serial number, inclusive)
 *   short: [6] record version (high nibble 1, 2, 3) | data type   [7..8] length (record bytes)
 *
 * so a frame is always `length + 10` bytes. Long vs short is not marked: the vendor tells them apart
 * by byte 8 (zero means long: a long frame is shorter than 256 bytes, so the high byte of its length
 * is zero). We add one refinement: a short frame is whole 27-byte records, so when byte 8 is not
 * zero but bytes 7..8 are not a multiple of 27, the frame can only be long (a long frame of 256
 * bytes or more). A short frame whose length has a zero low byte would need 256 records (6,912
 * bytes), beyond the framer's maximum.
 *
 * Long record (34 bytes, then a tail on protocol versions 0x17/0x19):
 *   0 location block (17) · 17 odometer km u32 · 21 satellites u8 · 22 bound vehicle id u32 ·
 *   26 lock-status word u16 · 28 battery % u8 (0xff charging) · 29 cell id u16 · 31 LAC u16 ·
 *   33 GSM signal u8 · tail: geofence id, wake-up source, MNC high byte, reserved, IMEI (8,
 *   reserved), cell id high u16, MCC u16, MNC low byte
 * and the frame's last byte is the data serial number, echoed in the `(P69,0,serial)` answer.
 *
 * Short records (27 bytes): the location block, then 10 bytes by record version (see below).
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { bcdString, toHex, viewOf } from "../bytes.js";
import { rejected } from "../outcome.js";
import type { DecodeOutcome } from "../protocol.js";
import { encodeP35, encodeP69 } from "./encoder.js";
import { decodeLocationBlock, LOCATION_BLOCK_BYTES } from "./location-block.js";
import { decodeLockStatus, sealOf, tamperOf } from "./lock-status.js";

const LONG_RECORD_BYTES = 34;
const LONG_TAIL_BYTES = 17;
const SHORT_RECORD_BYTES = 27;
/** Bytes before the length field runs out, i.e. the least that tells a frame's size. */
export const BINARY_HEADER_BYTES = 10;

/** Whether a `$` frame is the long form, from its bytes 7 and 8. */
export function isLongBinary(b7: number, b8: number): boolean {
  return b8 === 0 || ((b7 << 8) | b8) % SHORT_RECORD_BYTES !== 0;
}

/** Total frame size declared by a `$` header's bytes 7..9. */
export function binaryFrameSize(b7: number, b8: number, b9: number): number {
  return (isLongBinary(b7, b8) ? (b8 << 8) | b9 : (b7 << 8) | b8) + BINARY_HEADER_BYTES;
}

type Fields = Record<string, string | number | boolean>;

export function decodeBinaryFrame(frame: Uint8Array): DecodeOutcome {
  if (frame.length < BINARY_HEADER_BYTES + 1)
    return rejected("malformed", "binary frame shorter than its header");
  const deviceId = bcdString(frame, 1, 6);
  if (deviceId === undefined) return rejected("malformed", "binary frame: the device id is not BCD");
  const size = binaryFrameSize(frame[7]!, frame[8]!, frame[9]!);
  if (size !== frame.length) {
    return rejected(
      "malformed",
      `binary frame: the length field says ${size} bytes, the frame has ${frame.length}`,
    );
  }
  return isLongBinary(frame[7]!, frame[8]!) ? decodeLong(frame, deviceId) : decodeShort(frame, deviceId);
}

function decodeLong(frame: Uint8Array, deviceId: string): DecodeOutcome {
  const view = viewOf(frame);
  const protocolVersion = frame[6]!;
  const end = frame.length - 1; // the serial number
  const serial = frame[end]!;
  const bodyBytes = end - BINARY_HEADER_BYTES;
  if (bodyBytes < LONG_RECORD_BYTES) return rejected("malformed", "long binary frame: no whole record");
  const hasTail =
    (protocolVersion === 0x17 || protocolVersion === 0x19) &&
    bodyBytes >= LONG_RECORD_BYTES + LONG_TAIL_BYTES;
  const recordCount = !hasTail && bodyBytes % LONG_RECORD_BYTES === 0 ? bodyBytes / LONG_RECORD_BYTES : 1;
  const readings: NormalizedReading[] = [];
  let ackRequired = protocolVersion >= 0x19; // the JT701D wants every frame acknowledged
  for (let r = 0; r < recordCount; r++) {
    const at = BINARY_HEADER_BYTES + r * LONG_RECORD_BYTES;
    const loc = decodeLocationBlock(frame, at);
    if (typeof loc === "string") return rejected("malformed", `long binary frame: ${loc}`);
    const statusWord = view.getUint16(at + 26);
    const lockStatus = decodeLockStatus(statusWord);
    if (lockStatus.ackRequired) ackRequired = true;
    const battery = frame[at + 28]!;
    const fields: Fields = {
      protocolVersion,
      deviceType: frame[7]! >> 4,
      dataType: frame[7]! & 0x0f,
      odometerKm: view.getUint32(at + 17),
      vehicleId: view.getUint32(at + 22),
      statusWord,
      cellId: view.getUint16(at + 29),
      lac: view.getUint16(at + 31),
      gsmSignal: frame[at + 33]!,
      serial,
    };
    if (battery === 0xff) fields.charging = true;
    else if (battery > 100) fields.batteryRaw = battery;
    if (hasTail) {
      const t = at + LONG_RECORD_BYTES;
      const mncHigh = frame[t + 2]!;
      fields.geofenceId = frame[t]!;
      fields.wakeSource = frame[t + 1]! & 0x0f;
      fields.cellId = view.getUint16(t + 12) * 65536 + view.getUint16(at + 29);
      fields.mcc = view.getUint16(t + 14);
      // Firmware before 2021-12-24 sends 0x0f here and a one-byte MNC (manual, field 23).
      fields.mnc = mncHigh === 0x0f ? frame[t + 16]! : (mncHigh << 8) | frame[t + 16]!;
    } else if (recordCount === 1 && bodyBytes > LONG_RECORD_BYTES) {
      fields.extra = toHex(frame, at + LONG_RECORD_BYTES, end);
    }
    readings.push({
      deviceId,
      atMs: loc.atMs,
      position: {
        lon: loc.lon,
        lat: loc.lat,
        speedKmh: loc.speedKmh,
        courseDeg: loc.courseDeg,
        valid: loc.fix && !lockStatus.cellTowerPosition,
        satellites: frame[at + 21]!,
      },
      seal: sealOf(lockStatus),
      tamper: tamperOf(lockStatus),
      ...(battery <= 100 ? { batteryPct: battery } : {}),
      raw: frame,
      vendor: { vendor: "jointech", message: "binary-long", lockStatus, fields },
    });
  }
  if (!ackRequired) return { kind: "readings", readings, identity: deviceId };
  return {
    kind: "readings",
    readings,
    identity: deviceId,
    ack: protocolVersion >= 0x19 ? encodeP69(serial) : encodeP35(),
  };
}

function decodeShort(frame: Uint8Array, deviceId: string): DecodeOutcome {
  const view = viewOf(frame);
  const version = frame[6]! >> 4;
  const bodyBytes = frame.length - BINARY_HEADER_BYTES;
  if (bodyBytes === 0 || bodyBytes % SHORT_RECORD_BYTES !== 0) {
    return rejected("malformed", "short binary frame: not whole 27-byte records");
  }
  if (version < 1 || version > 3)
    return rejected("unsupported", `short binary frame: record version ${version}`);
  const readings: NormalizedReading[] = [];
  for (let at = 9; at + SHORT_RECORD_BYTES <= frame.length - 1; at += SHORT_RECORD_BYTES) {
    const loc = decodeLocationBlock(frame, at);
    if (typeof loc === "string") return rejected("malformed", `short binary frame: ${loc}`);
    const x = at + LOCATION_BLOCK_BYTES;
    const fields: Fields = {
      recordVersion: version,
      dataType: frame[6]! & 0x0f,
      serial: frame[frame.length - 1]!,
    };
    let altitudeM: number | undefined;
    let satellites: number | undefined;
    if (version === 1) {
      // satellites, power, other flags, altitude m, cell id, LAC, signal
      satellites = frame[x]!;
      fields.power = frame[x + 1]!;
      fields.flags = frame[x + 2]!;
      altitudeM = view.getUint16(x + 3);
      fields.cellId = view.getUint16(x + 5);
      fields.lac = view.getUint16(x + 7);
      fields.gsmSignal = frame[x + 9]!;
    } else if (version === 2) {
      // fuel high byte, 4 status bytes, odometer km, fuel low byte
      fields.fuel = (frame[x]! << 8) | frame[x + 9]!;
      fields.statusWord = view.getUint32(x + 1);
      fields.odometerKm = view.getUint32(x + 5);
    } else {
      // bit-packed: three 12-bit fuel levels, a 20-bit odometer (km), a 24-bit status
      const hi = view.getUint32(x);
      const mid = view.getUint32(x + 4);
      const lo = view.getUint16(x + 8);
      fields.fuel1 = hi >>> 20;
      fields.fuel2 = (hi >>> 8) & 0xfff;
      fields.fuel3 = ((hi & 0xff) << 4) | (mid >>> 28);
      fields.odometerKm = (mid >>> 8) & 0xfffff;
      fields.statusWord = ((mid & 0xff) << 16) | lo;
    }
    readings.push({
      deviceId,
      atMs: loc.atMs,
      position: {
        lon: loc.lon,
        lat: loc.lat,
        speedKmh: loc.speedKmh,
        courseDeg: loc.courseDeg,
        valid: loc.fix,
        ...(altitudeM !== undefined ? { altitudeM } : {}),
        ...(satellites !== undefined ? { satellites } : {}),
      },
      raw: frame,
      vendor: { vendor: "jointech", message: "binary-short", fields },
    });
  }
  return { kind: "readings", readings, identity: deviceId };
}
