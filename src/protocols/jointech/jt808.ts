/**
 * The JT808-framed variant spoken by the JT709A and JT705A e-locks:
 *
 *   0x7e · message id u16 · attributes u16 (body length in bits 0–9, bit 13 multi-packet, bit 14
 *   2019 header, bit 15 "answer me" on the Jointech messages) · [protocol version u8 if bit 14] ·
 *   terminal id 6 BCD (10 with bit 14) · serial (u8 for 0x5501/0x5502, else u16) · body ·
 *   XOR of everything between the delimiters · 0x7e
 *
 * with 0x7e and 0x7d escaped on the wire as 0x7d 0x02 and 0x7d 0x01. Messages read here:
 *
 *   0x0200  standard location report (+ Jointech extra items), answered with 0x8001
 *   0x5501  Jointech location report, 0x5502 the same from the blind-area store; answered with
 *           0x4401 when attribute bit 15 asks for it
 *   0x0002 heartbeat, 0x0102 authentication, 0x0003 logout: answered with 0x8001, no reading
 *   0x0001  the device's answer to a platform command: a command result
 *
 * The checksum is verified unless the caller turns that off: at least one captured JT709A frame
 * fails it, and we would rather count a damaged frame than store it as evidence.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { bcdString, readBcd, toHex, utcMs, viewOf } from "../bytes.js";
import { rejected } from "../outcome.js";
import type { DecodeOutcome, Rejection } from "../protocol.js";
import { encodeJt808GeneralResponse, encodeJt808JointechResponse, JT808 } from "./encoder.js";
import { decodeLocationBlock, LOCATION_BLOCK_BYTES } from "./location-block.js";

type Fields = Record<string, string | number | boolean>;

/**
 * The frame without delimiters and escapes, or a string saying why it has none. A bare 0x7e inside
 * is taken literally: the framer never produces one (it ends a frame at every 0x7e), but a frame
 * handed over whole may hold one, and the length and checksum still vouch for it.
 */
export function unescapeJt808(frame: Uint8Array): Uint8Array | string {
  if (frame.length < 2 || frame[0] !== 0x7e || frame[frame.length - 1] !== 0x7e)
    return "not delimited by 0x7e";
  const out = new Uint8Array(frame.length - 2);
  let o = 0;
  for (let i = 1; i < frame.length - 1; i++) {
    const b = frame[i]!;
    if (b !== 0x7d) {
      out[o++] = b;
      continue;
    }
    const ext = frame[++i];
    if (ext === 0x01) out[o++] = 0x7d;
    else if (ext === 0x02) out[o++] = 0x7e;
    else return "0x7d escape with an unknown code";
  }
  return out.subarray(0, o);
}

export interface Jt808Parsed {
  readonly messageId: number;
  readonly attribute: number;
  readonly deviceId: string;
  readonly serial: number;
  readonly body: Uint8Array;
}

/** Unescapes a JT808 frame and checks its header, length and (unless told not to) checksum. */
export function parseJt808(frame: Uint8Array, verifyChecksum: boolean): Jt808Parsed | Rejection {
  const m = unescapeJt808(frame);
  if (typeof m === "string") return { reason: "malformed", detail: `JT808 frame: ${m}` };
  if (m.length < 13) return { reason: "malformed", detail: "JT808 frame shorter than its header" };
  const view = viewOf(m);
  const messageId = view.getUint16(0);
  const attribute = view.getUint16(2);
  const bodyLength = attribute & 0x3ff;
  if ((attribute & 0x2000) !== 0) return { reason: "unsupported", detail: "JT808 multi-packet messages" };
  const v2019 = (attribute & 0x4000) !== 0;
  const idStart = v2019 ? 5 : 4;
  const idEnd = idStart + (v2019 ? 10 : 6);
  const bodyStart = idEnd + (oneByteSerial(messageId) ? 1 : 2);
  if (bodyStart + bodyLength + 1 !== m.length) {
    return {
      reason: "malformed",
      detail: `JT808 frame: the body length says ${bodyLength} bytes, the frame holds ${m.length - bodyStart - 1}`,
    };
  }
  let xor = 0;
  for (let i = 0; i < m.length - 1; i++) xor ^= m[i]!;
  if (verifyChecksum && xor !== m[m.length - 1]) {
    return {
      reason: "bad_checksum",
      detail: `JT808 frame: XOR is 0x${xor.toString(16)}, the frame says 0x${m[m.length - 1]!.toString(16)}`,
    };
  }
  const deviceId = bcdString(m, idStart, idEnd);
  if (deviceId === undefined)
    return { reason: "malformed", detail: "JT808 frame: the terminal id is not BCD" };
  const serial = oneByteSerial(messageId) ? m[idEnd]! : view.getUint16(idEnd);
  return { messageId, attribute, deviceId, serial, body: m.subarray(bodyStart, bodyStart + bodyLength) };
}

/** The Jointech messages (and the platform's answer to them) carry a one-byte serial. */
function oneByteSerial(messageId: number): boolean {
  return (
    messageId === JT808.locationJointech ||
    messageId === JT808.locationJointechBlind ||
    messageId === JT808.jointechResponse
  );
}

export function decodeJt808Frame(frame: Uint8Array, verifyChecksum: boolean): DecodeOutcome {
  const parsed = parseJt808(frame, verifyChecksum);
  if (!("messageId" in parsed)) return { kind: "rejected", rejection: parsed };
  const { messageId, attribute, deviceId, serial, body } = parsed;
  const generalAck = (): Uint8Array => encodeJt808GeneralResponse(deviceId, serial, messageId);
  switch (messageId) {
    case JT808.location: {
      const r = decodeLocation(body, deviceId, frame);
      return typeof r === "string"
        ? rejected("malformed", `JT808 0x0200: ${r}`)
        : { kind: "readings", readings: [r], identity: deviceId, ack: generalAck() };
    }
    case JT808.locationJointech:
    case JT808.locationJointechBlind: {
      const r = decodeJointechLocation(body, deviceId, frame, messageId);
      if (typeof r === "string") return rejected("malformed", `JT808 0x${messageId.toString(16)}: ${r}`);
      const wantsAck = (attribute & 0x8000) !== 0;
      return wantsAck
        ? {
            kind: "readings",
            readings: [r],
            identity: deviceId,
            ack: encodeJt808JointechResponse(deviceId, messageId),
          }
        : { kind: "readings", readings: [r], identity: deviceId };
    }
    case JT808.heartbeat:
    case JT808.auth:
    case JT808.logout:
      return { kind: "readings", readings: [], identity: deviceId, ack: generalAck() };
    case JT808.terminalResponse: {
      if (body.length < 5) return rejected("malformed", "JT808 0x0001: body shorter than 5 bytes");
      const b = viewOf(body);
      const result = `reply to 0x${b.getUint16(2).toString(16).padStart(4, "0")} serial ${b.getUint16(0)}: result ${body[4]}`;
      return { kind: "readings", readings: [], identity: deviceId, commandResult: result };
    }
    default:
      return rejected("unsupported", `JT808 message 0x${messageId.toString(16).padStart(4, "0")}`);
  }
}

/**
 * 0x0200: alarm u32, status u32, lat u32 (1e-6°), lon u32, altitude i16 m, speed u16 (0.1 km/h),
 * course u16, time BCD yyMMddHHmmss, then extra items (id u8, length u8, value). The JT/T 808
 * standard puts the time in UTC+8; Jointech's JT709 SDK reads it as UTC, and so do we.
 * Status bits as Jointech's JT709 SDK reads them: 1 fix, 2 south, 3 west, 7 back cover, 20 lock
 * rope open, 21 motor open, 24–27 wake-up source. The seal is closed when neither is open.
 */
function decodeLocation(body: Uint8Array, deviceId: string, frame: Uint8Array): NormalizedReading | string {
  if (body.length < 28) return "body shorter than 28 bytes";
  const view = viewOf(body);
  const alarm = view.getUint32(0);
  const status = view.getUint32(4);
  const yy = readBcd(body, 22, 2);
  const atMs = utcMs(
    2000 + yy,
    readBcd(body, 23, 2),
    readBcd(body, 24, 2),
    readBcd(body, 25, 2),
    readBcd(body, 26, 2),
    readBcd(body, 27, 2),
  );
  if (yy < 0 || atMs === undefined) return "the time is not a valid BCD time";
  const fields: Fields = {
    alarmWord: alarm,
    statusWord: status,
    ropeOpen: (status & (1 << 20)) !== 0,
    motorOpen: (status & (1 << 21)) !== 0,
    backCoverBit: (status & (1 << 7)) !== 0,
    wakeSource: (status >>> 24) & 0x0f,
  };
  const items = readItems(body, 28, fields, true);
  if (items !== undefined) return items;
  const satellites = typeof fields.satellites === "number" ? fields.satellites : undefined;
  const battery = fields.batteryLevel;
  return {
    deviceId,
    atMs,
    position: {
      lat: (view.getUint32(8) / 1e6) * ((status & 0b0100) !== 0 ? -1 : 1),
      lon: (view.getUint32(12) / 1e6) * ((status & 0b1000) !== 0 ? -1 : 1),
      altitudeM: view.getInt16(16),
      speedKmh: view.getUint16(18) / 10,
      courseDeg: view.getUint16(20),
      valid: (status & 0b0010) !== 0,
      ...(satellites !== undefined ? { satellites } : {}),
    },
    seal: fields.ropeOpen === true || fields.motorOpen === true ? "open" : "closed",
    ...(typeof battery === "number" && battery <= 100 ? { batteryPct: battery } : {}),
    raw: frame,
    vendor: { vendor: "jointech", message: "jt808-0x0200", fields },
  };
}

/**
 * 0x5501/0x5502: the 17-byte location block (UTC), RSSI u8, satellites u8, odometer km u32,
 * battery % u8 (0xaa/0xab charging), cell id u32, LAC u16, product u8, status u16, alarm u16,
 * then extra items. Public sources disagree on the status word's bits, so it is kept raw and no
 * seal state is derived from it; the alarm word is named as the reference server reads it.
 */
function decodeJointechLocation(
  body: Uint8Array,
  deviceId: string,
  frame: Uint8Array,
  messageId: number,
): NormalizedReading | string {
  const base = LOCATION_BLOCK_BYTES;
  if (body.length < base + 18) return "body shorter than 35 bytes";
  const loc = decodeLocationBlock(body, 0);
  if (typeof loc === "string") return loc;
  const view = viewOf(body);
  const battery = body[base + 6]!;
  const product = body[base + 13]!;
  const alarm = view.getUint16(base + 16);
  const fields: Fields = {
    rssi: body[base]!,
    odometerKm: view.getUint32(base + 2),
    cellId: view.getUint32(base + 7),
    lac: view.getUint16(base + 11),
    product,
    statusWord: view.getUint16(base + 14),
    alarmWord: alarm,
  };
  if (battery === 0xaa || battery === 0xab) fields.charging = true;
  else if (battery > 100) fields.batteryRaw = battery;
  if (product === 3) {
    fields.overspeedAlarm = (alarm & 0x01) !== 0;
    fields.lowPowerAlarm = (alarm & 0x02) !== 0;
    fields.vibrationAlarm = (alarm & 0x04) !== 0;
    fields.lowBatteryAlarm = (alarm & 0x08) !== 0;
    fields.enteredGeofence = (alarm & 0x20) !== 0;
    fields.leftGeofence = (alarm & 0x40) !== 0;
  } else if (product === 1 || product === 2) {
    fields.lowPowerAlarm = (alarm & 0x01) !== 0;
  }
  const items = readItems(body, base + 18, fields, false);
  if (items !== undefined) return items;
  const altitudeM = typeof fields.altitudeM === "number" ? fields.altitudeM : undefined;
  return {
    deviceId,
    atMs: loc.atMs,
    position: {
      lon: loc.lon,
      lat: loc.lat,
      speedKmh: loc.speedKmh,
      courseDeg: loc.courseDeg,
      valid: loc.fix,
      satellites: body[base + 1]!,
      ...(altitudeM !== undefined ? { altitudeM } : {}),
    },
    ...(battery <= 100 ? { batteryPct: battery } : {}),
    raw: frame,
    vendor: { vendor: "jointech", message: `jt808-0x${messageId.toString(16)}`, fields },
  };
}

/**
 * Extra items (id u8, length u8, value) from `offset` to the end of the body, into `fields`.
 * Unknown items are kept as hex under `item0xNN`. Returns a string when an item overruns the body.
 */
function readItems(body: Uint8Array, offset: number, fields: Fields, standard: boolean): string | undefined {
  const view = viewOf(body);
  let i = offset;
  while (i < body.length) {
    if (i + 2 > body.length) return "a truncated extra item";
    const id = body[i]!;
    const len = body[i + 1]!;
    const v = i + 2;
    if (v + len > body.length) return `extra item 0x${id.toString(16)} overruns the body`;
    if (id === 0x0b && len >= 1) {
      // lock event: command, then a card number (u32) or a 6-character password, then (when the
      // length is even) the unlock result
      fields.lockCommand = body[v]!;
      if (len >= 5 && len <= 6) fields.lockCard = view.getUint32(v + 1);
      else if (len >= 7) fields.lockPassword = String.fromCharCode(...body.subarray(v + 1, v + 7));
      if (len % 2 === 0) fields.unlockResult = body[v + len - 1]!;
    } else if (id === 0x02 && len === 2 && !standard) {
      fields.altitudeM = view.getInt16(v);
    } else if (id === 0x10 && len === 1 && !standard) {
      fields.wakeSource = body[v]!;
    } else if (id === 0x0a && len === 3 && !standard) {
      fields.mcc = view.getUint16(v);
      fields.mnc = body[v + 2]!;
    } else if (id === 0x0c && len === 6 && !standard) {
      fields.tiltX = view.getInt16(v);
      fields.tiltY = view.getInt16(v + 2);
      fields.tiltZ = view.getInt16(v + 4);
    } else if (id === 0xfc && len === 1) {
      fields.geofenceId = body[v]!;
    } else if (standard && id === 0x01 && len === 4) {
      fields.odometerKm = view.getUint32(v) / 10;
    } else if (standard && id === 0x30 && len === 1) {
      fields.gsmSignal = body[v]!;
    } else if (standard && id === 0x31 && len === 1) {
      fields.satellites = body[v]!;
    } else if (standard && id === 0xd4 && len === 1) {
      if (body[v] === 0xff) fields.charging = true;
      else fields.batteryLevel = body[v]!;
    } else if (standard && id === 0xd5 && len === 2) {
      fields.batteryV = view.getUint16(v) / 100;
    } else if (standard && id === 0xf9 && len === 2) {
      fields.protocolVersion = view.getUint16(v);
    } else if (standard && id === 0xfe && len === 4) {
      fields.mileage = view.getUint32(v);
    } else {
      fields[`item0x${id.toString(16).padStart(2, "0")}`] = toHex(body, v, v + len);
    }
    i = v + len;
  }
  return undefined;
}
