/**
 * Device-side Jointech frames (what an e-lock sends): binary `$` long frames and 0x5501 bodies. The
 * simulator drives the gateway with them, and the protocol tests build their round trips with them.
 */
import { encodeLocationBlock } from "../../protocols/jointech/location-block.js";

export interface LocationSpec {
  readonly atMs: number;
  readonly lat: number;
  readonly lon: number;
  readonly fix: boolean;
  readonly speedKnots: number;
  readonly courseDeg: number;
}

export interface LongRecordSpec extends LocationSpec {
  readonly odometerKm: number;
  readonly satellites: number;
  readonly statusWord: number;
  readonly battery: number;
  readonly cellId: number;
  readonly lac: number;
  readonly gsmSignal: number;
}

/** A JT701 long binary frame of protocol version 0x16 (no tail) with one or more records. */
export function buildLongFrame(
  deviceId: string,
  records: readonly LongRecordSpec[],
  serial: number,
  protocolVersion = 0x16,
): Uint8Array {
  const frame = new Uint8Array(10 + records.length * 34 + 1);
  const view = new DataView(frame.buffer);
  frame[0] = 0x24;
  frame.set(Buffer.from(deviceId.padStart(10, "0"), "hex"), 1);
  frame[6] = protocolVersion;
  frame[7] = 0x11;
  view.setUint16(8, records.length * 34 + 1);
  records.forEach((r, i) => {
    const at = 10 + i * 34;
    encodeLocationBlock(frame, at, r);
    view.setUint32(at + 17, r.odometerKm);
    frame[at + 21] = r.satellites;
    view.setUint32(at + 22, 0);
    view.setUint16(at + 26, r.statusWord);
    frame[at + 28] = r.battery;
    view.setUint16(at + 29, r.cellId);
    view.setUint16(at + 31, r.lac);
    frame[at + 33] = r.gsmSignal;
  });
  frame[frame.length - 1] = serial;
  return frame;
}

/** A 0x5501/0x5502 body: location block, fixed fields, then the given extra items. */
export function buildJointechLocationBody(
  loc: LocationSpec,
  battery: number,
  items: Uint8Array = new Uint8Array(),
): Uint8Array {
  const body = new Uint8Array(35 + items.length);
  const view = new DataView(body.buffer);
  encodeLocationBlock(body, 0, loc);
  body[17] = 20; // rssi
  body[18] = 7; // satellites
  view.setUint32(19, 1234); // odometer km
  body[23] = battery;
  view.setUint32(24, 99); // cell id
  view.setUint16(28, 7); // lac
  body[30] = 3; // product
  view.setUint16(31, 0); // status
  view.setUint16(33, 0); // alarm
  body.set(items, 35);
  return body;
}
