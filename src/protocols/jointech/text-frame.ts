/**
 * Text `(` … `)` frames of the JT701/JT600 family and the JT709A's text replies. A device frame is
 * `(` device id `,` command word `,` parameters `)`; some put counters between the id and the word
 * (`(id,1,001,ELOCK,…)`, `(id,2,U09,…)`), so the word is the first field after the id that is one.
 *
 *   P45   lock/unlock report        → reading, answer (P69,0,event serial)
 *   W01   position (NMEA-style coordinates, km/h)                      → reading
 *   U01/U02/U03 position, U06 alarm (decimal degrees, mph)              → reading, answer (S39)/(S20)
 *   WLNET,5  a wireless sensor's data around a binary location block    → reading, answer (P69,0,index)
 *   @JT heartbeat, U04, U09 trip summary                               → no reading
 *   P22,2 time request → answer (P22,time); BASE,2,TIME → the sentence with the time filled in
 *   P52,2 dynamic password → answer (P52,2,password)
 *   ELOCK, P43, P22,1 and other command answers                        → command result
 *
 * Inside a frame the device escapes 0x28 ( 0x29 ) 0x2C , 0x3D = as 0x3D followed by 0x15, 0x14, 0x11,
 * 0x00; the framer keeps the frame verbatim and this decoder undoes the escapes.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { bcdString, toAscii, utcMs, viewOf } from "../bytes.js";
import { rejected } from "../outcome.js";
import type { DecodeOutcome } from "../protocol.js";
import {
  encodeBaseTimeReply,
  encodeDynamicPasswordAck,
  encodeP69,
  encodeS20,
  encodeS39,
  encodeTimeSync,
} from "./encoder.js";
import { decodeLocationBlock, LOCATION_BLOCK_BYTES } from "./location-block.js";

const KMH_PER_MPH = 1.609344;
const COMMAND_WORD = /^(?:[A-Z@][A-Z0-9]*)$/;

/** Undoes the 0x3D escapes; returns the same array when there are none. */
export function unescapeText(frame: Uint8Array): Uint8Array | undefined {
  if (frame.indexOf(0x3d) < 0) return frame;
  const out = new Uint8Array(frame.length);
  let o = 0;
  for (let i = 0; i < frame.length; i++) {
    const b = frame[i]!;
    if (b !== 0x3d) {
      out[o++] = b;
      continue;
    }
    const ext = frame[++i];
    if (ext === 0x15) out[o++] = 0x28;
    else if (ext === 0x14) out[o++] = 0x29;
    else if (ext === 0x11) out[o++] = 0x2c;
    else if (ext === 0x00) out[o++] = 0x3d;
    else return undefined;
  }
  return out.subarray(0, o);
}

export function decodeTextFrame(frame: Uint8Array, nowMs: number | undefined): DecodeOutcome {
  if (frame.length < 3 || frame[0] !== 0x28 || frame[frame.length - 1] !== 0x29) {
    return rejected("malformed", "text frame: not enclosed in ( )");
  }
  const bytes = unescapeText(frame);
  if (bytes === undefined) return rejected("malformed", "text frame: a 0x3D escape with an unknown code");
  const text = toAscii(bytes);
  const firstComma = text.indexOf(",");
  const deviceId = firstComma > 1 ? text.slice(1, firstComma) : "";
  if (!/^\d{1,20}$/.test(deviceId)) return rejected("malformed", "text frame: no numeric device id");
  const wlnet = text.indexOf(",WLNET,5,");
  if (wlnet > 0 && wlnet < 48) {
    return decodeWlnet(frame, bytes, text, deviceId);
  }
  const fields = text.slice(1, -1).split(",");
  let w = 1;
  while (w < fields.length && !COMMAND_WORD.test(fields[w]!)) w++;
  const word = fields[w];
  if (word === undefined) return rejected("malformed", "text frame: no command word");
  const none: DecodeOutcome = { kind: "readings", readings: [], identity: deviceId };
  switch (word) {
    case "P45":
      return decodeP45(frame, fields, deviceId);
    case "W01":
      return decodeW01(frame, fields, deviceId);
    case "U01":
    case "U02":
    case "U03":
    case "U06":
      return decodeU0x(frame, fields, deviceId, word);
    case "@JT":
    case "U04":
    case "U09":
      return none;
    case "P22":
      if (fields[w + 1] === "2") {
        return nowMs === undefined ? none : { ...none, ack: encodeTimeSync(nowMs) };
      }
      return { ...none, commandResult: text };
    case "P52":
      if (fields[w + 1] === "2" && fields[w + 2] !== undefined) {
        return { ...none, commandResult: text, ack: encodeDynamicPasswordAck(fields[w + 2]!) };
      }
      return { ...none, commandResult: text };
    case "BASE":
      if (fields[w + 1] === "2" && fields[fields.length - 1] === "TIME") {
        return nowMs === undefined ? none : { ...none, ack: encodeBaseTimeReply(text, nowMs) };
      }
      return { ...none, commandResult: text };
    case "ELOCK":
      return { ...none, commandResult: text };
    default:
      if (/^[PS]\d\d$/.test(word)) return { ...none, commandResult: text };
      return rejected("unsupported", `text frame: command word ${word}`);
  }
}

type Fields = Record<string, string | number | boolean>;

function dateTime(date: string | undefined, time: string | undefined): number | undefined {
  if (date === undefined || time === undefined || !/^\d{6}$/.test(date) || !/^\d{6}$/.test(time))
    return undefined;
  const n = (s: string, i: number): number => Number(s.slice(i, i + 2));
  return utcMs(2000 + n(date, 4), n(date, 2), n(date, 0), n(time, 0), n(time, 2), n(time, 4));
}

/** A decimal number field, or NaN. */
function num(field: string | undefined): number {
  return field !== undefined && /^-?\d+(?:\.\d*)?$/.test(field) ? Number(field) : NaN;
}

function hemisphere(value: number, sign: string | undefined, negative: string, positive: string): number {
  if (sign === negative) return -value;
  return sign === positive ? value : NaN;
}

function reading(
  frame: Uint8Array,
  deviceId: string,
  atMs: number,
  message: string,
  position: NormalizedReading["position"],
  fields: Fields,
  extra: Partial<NormalizedReading> = {},
): NormalizedReading {
  return { deviceId, atMs, position, ...extra, raw: frame, vendor: { vendor: "jointech", message, fields } };
}

function badNumbers(...values: number[]): boolean {
  return values.some((v) => !Number.isFinite(v));
}

/**
 * P45 (JT701D manual V1.4): id, P45, date, time, lat, N/S, lon, E/W, A/V, speed km/h, course,
 * event source, unlock verification, RFID card, password verification, wrong-password count,
 * event serial, [mileage]. Event source 5 is the lock locking itself; 1 (RFID card), 4 (static
 * password), 6 (dynamic password), 7 (Bluetooth) are unlock attempts, refused when the verification
 * is 0 (or 99: outside the card's geofence).
 */
function decodeP45(frame: Uint8Array, f: string[], deviceId: string): DecodeOutcome {
  if (f.length < 17) return rejected("malformed", "P45: fewer than 17 fields");
  const atMs = dateTime(f[2], f[3]);
  const lat = hemisphere(num(f[4]), f[5], "S", "N");
  const lon = hemisphere(num(f[6]), f[7], "W", "E");
  const speedKmh = num(f[9]);
  const courseDeg = num(f[10]);
  const eventSource = num(f[11]);
  const verification = num(f[12]);
  const serial = num(f[16]);
  if (atMs === undefined || badNumbers(lat, lon, speedKmh, courseDeg, eventSource, verification, serial)) {
    return rejected("malformed", "P45: unreadable field");
  }
  const fields: Fields = {
    eventSource,
    unlockVerification: verification,
    passwordVerification: num(f[14]),
    wrongPasswordCount: num(f[15]),
    eventSerial: serial,
  };
  if (f[13] !== undefined && !/^0+$/.test(f[13])) fields.rfidCard = f[13];
  const mileage = num(f[17]);
  if (Number.isFinite(mileage)) fields.mileageKm = mileage;
  let seal: "closed" | "open" | undefined;
  if (eventSource === 5) seal = "closed";
  else if ([1, 4, 6, 7].includes(eventSource) && verification !== 0 && verification !== 99) seal = "open";
  const position = { lon, lat, speedKmh, courseDeg, valid: f[8] === "A" };
  return {
    kind: "readings",
    readings: [reading(frame, deviceId, atMs, "P45", position, fields, seal === undefined ? {} : { seal })],
    identity: deviceId,
    ack: encodeP69(serial),
  };
}

/** dddmm.mmmm → degrees. */
function nmea(field: string | undefined): number {
  const v = num(field);
  const degrees = Math.floor(v / 100);
  return degrees + (v - degrees * 100) / 60;
}

/** W01: id, W01, lon dddmm.mmmm, E/W, lat ddmm.mmmm, N/S, A/V, date, time, speed km/h, course, power, GPS, GSM, alert type. */
function decodeW01(frame: Uint8Array, f: string[], deviceId: string): DecodeOutcome {
  if (f.length < 15) return rejected("malformed", "W01: fewer than 15 fields");
  const atMs = dateTime(f[7], f[8]);
  const lon = hemisphere(nmea(f[2]), f[3], "W", "E");
  const lat = hemisphere(nmea(f[4]), f[5], "S", "N");
  const speedKmh = num(f[9]);
  const courseDeg = num(f[10]);
  if (atMs === undefined || badNumbers(lat, lon, speedKmh, courseDeg))
    return rejected("malformed", "W01: unreadable field");
  const fields: Fields = {
    power: num(f[11]),
    gpsSignal: num(f[12]),
    gsmSignal: num(f[13]),
    alertType: num(f[14]),
  };
  const position = { lon, lat, speedKmh, courseDeg, valid: f[6] === "A" };
  return {
    kind: "readings",
    readings: [reading(frame, deviceId, atMs, "W01", position, fields)],
    identity: deviceId,
  };
}

/**
 * U01/U02/U03 (and U06, which adds an alarm code after the word): id, word, [alarm,] date, time,
 * T/F, lat, N/S, lon, E/W, speed, course, satellites, battery %, status bits, cell id, LAC, GSM,
 * odometer km, serial, [checksum or extra fields]. No vendor document at hand gives the speed unit;
 * we read miles per hour, as the reference server does.
 */
function decodeU0x(frame: Uint8Array, f: string[], deviceId: string, word: string): DecodeOutcome {
  const a = f[4] === "T" || f[4] === "F" ? 2 : f[5] === "T" || f[5] === "F" ? 3 : -1;
  if (a < 0 || f.length < a + 17) return rejected("malformed", `${word}: unexpected field layout`);
  const atMs = dateTime(f[a], f[a + 1]);
  const lat = hemisphere(num(f[a + 3]), f[a + 4], "S", "N");
  const lon = hemisphere(num(f[a + 5]), f[a + 6], "W", "E");
  const speedKmh = num(f[a + 7]) * KMH_PER_MPH;
  const courseDeg = num(f[a + 8]);
  const satellites = num(f[a + 9]);
  const battery = /^\d{1,3}%$/.test(f[a + 10] ?? "") ? Number(f[a + 10]!.slice(0, -1)) : NaN;
  if (atMs === undefined || badNumbers(lat, lon, speedKmh, courseDeg, satellites, battery)) {
    return rejected("malformed", `${word}: unreadable field`);
  }
  const fields: Fields = {
    statusBits: f[a + 11] ?? "",
    cellId: num(f[a + 12]),
    lac: num(f[a + 13]),
    gsmSignal: num(f[a + 14]),
    odometerKm: num(f[a + 15]),
    serial: num(f[a + 16]),
  };
  if (a === 3) fields.alarm = num(f[2]);
  const position = { lon, lat, speedKmh, courseDeg, valid: f[a + 2] === "T", satellites };
  return {
    kind: "readings",
    readings: [
      reading(frame, deviceId, atMs, word, position, fields, battery <= 100 ? { batteryPct: battery } : {}),
    ],
    identity: deviceId,
    ack: word === "U06" ? encodeS20() : encodeS39(),
  };
}

/**
 * WLNET,5: `(id,n,n,WLNET,5,2,` then binary: the lock's location block, the sensor's time (6 BCD),
 * sensor id (5 BCD), sensor index, sensor battery (u16, 1/100 V), battery %, RSSI (−dBm), sensor
 * type, and for type 1 (JT126 temperature and humidity): temperature (u16, 1/10 °C in the low 12
 * bits, negative when the high nibble is not zero, 0xffff absent), humidity %, data count, status.
 * The answer echoes the sensor index: the vendor's example answers a frame whose index byte is 0x12
 * with (P69,0,18).
 */
function decodeWlnet(frame: Uint8Array, bytes: Uint8Array, text: string, deviceId: string): DecodeOutcome {
  let start = 0;
  for (let commas = 0; commas < 6; commas++) {
    start = text.indexOf(",", start) + 1;
    if (start === 0) return rejected("malformed", "WLNET: fewer than 6 header fields");
  }
  const end = bytes.length - 1;
  const s = start + LOCATION_BLOCK_BYTES; // the sensor part
  if (end - s < 17) return rejected("malformed", "WLNET: sensor data too short");
  const loc = decodeLocationBlock(bytes, start);
  if (typeof loc === "string") return rejected("malformed", `WLNET: ${loc}`);
  const view = viewOf(bytes);
  const index = bytes[s + 11]!;
  const fields: Fields = {
    sensorId: bcdString(bytes, s + 6, s + 11) ?? "",
    sensorIndex: index,
    sensorBatteryV: view.getUint16(s + 12) / 100,
    sensorBatteryPct: bytes[s + 14]!,
    sensorRssiDbm: -bytes[s + 15]!,
    sensorType: bytes[s + 16]!,
  };
  if (bytes[s + 16] === 1 && end - s >= 20) {
    const raw = view.getUint16(s + 17);
    if (raw !== 0xffff) fields.temperatureC = (((raw & 0xf000) !== 0 ? -1 : 1) * (raw & 0x0fff)) / 10;
    fields.humidityPct = bytes[s + 19]!;
  }
  const position = {
    lon: loc.lon,
    lat: loc.lat,
    speedKmh: loc.speedKmh,
    courseDeg: loc.courseDeg,
    valid: loc.fix,
  };
  return {
    kind: "readings",
    readings: [reading(frame, deviceId, loc.atMs, "WLNET", position, fields)],
    identity: deviceId,
    ack: encodeP69(index),
  };
}
