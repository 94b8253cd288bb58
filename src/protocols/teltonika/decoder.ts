/**
 * Decodes Teltonika TCP frames (as the framer cut them) and UDP datagrams.
 *
 * TCP frames:
 *   - IMEI login: length u16 · that many ASCII digits → the identity (the gateway decides whether
 *     to accept it; `encodeLoginAnswer` makes the 0x01/0x00 answer)
 *   - 0xff alone: the device's keep-alive ping → nothing
 *   - AVL packet: 4 zero bytes · data field length u32 · data field (see avl.ts) · CRC u32 whose low
 *     16 bits are the CRC-16/IBM of the data field → readings, answered with the record count
 *
 * AVL packets carry no IMEI, so the caller passes the session's. Codecs 8, 8E and 16 are read;
 * codecs 12, 13 (GPRS commands and their answers) and 7 (GH3000) are rejected as `unsupported`.
 *
 * Integrity is checked before anything else: the data field length must match the frame and the CRC
 * must match the data (`malformed` and `bad_checksum` otherwise). `verifyCrc: false` skips both
 * checks, for forensic decoding of a frame known to be damaged; the gateway never sets it.
 *
 * UDP datagram: length u16 (bytes after it) · packet id u16 · packet type u8 (0x01: answer me) ·
 * AVL packet id u8 · IMEI length u16 · IMEI · AVL data array, with no CRC (UDP has its own).
 */
import { toAscii, viewOf } from "../bytes.js";
import { rejected } from "../outcome.js";
import type { DecodeOutcome } from "../protocol.js";
import { isAvlCodec, readAvlData, type AvlData } from "./avl.js";
import { crc16Ibm } from "./crc16.js";
import { encodeRecordCountAck, encodeUdpAck } from "./encoder.js";
import { DEFAULT_TELTONIKA_IO_MAPPING, type TeltonikaIoMapping } from "./io-mapping.js";

export interface TeltonikaDecodeOptions {
  /** The IMEI the connection logged in with; AVL packets cannot be read without it. */
  readonly deviceId?: string;
  /** How IO elements map to seal, tamper and battery for this device's model. */
  readonly ioMapping?: TeltonikaIoMapping;
  /** Check the data field length and CRC (default true). */
  readonly verifyCrc?: boolean;
  /**
   * Whether records carry the group of 16-byte IO values some devices add after the 8-byte group.
   * "auto" (the default) reads the standard layout and, when the records do not fit it exactly,
   * the 16-byte layout: with the CRC already verified, only a layout that consumes the data exactly
   * is accepted, and the two cannot both fit the same records.
   */
  readonly sixteenByteValues?: boolean | "auto";
}

const UNSUPPORTED_CODECS: Readonly<Record<number, string>> = {
  0x07: "codec 7 (GH3000)",
  0x0c: "codec 12 (GPRS commands)",
  0x0d: "codec 13 (GPRS command answers)",
  0x0e: "codec 14 (GPRS commands by IMEI)",
  0x0f: "codec 15",
};

const IMEI = /^\d{1,20}$/;

export function decodeTeltonikaFrame(frame: Uint8Array, options: TeltonikaDecodeOptions = {}): DecodeOutcome {
  try {
    if (frame.length === 1 && frame[0] === 0xff) return { kind: "readings", readings: [] };
    if (frame.length < 2) return rejected("malformed", "Teltonika frame shorter than 2 bytes");
    const first = (frame[0]! << 8) | frame[1]!;
    if (first > 0) return decodeLogin(frame, first);
    return decodeAvlPacket(frame, options);
  } catch (error) {
    return rejected("malformed", `internal: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function decodeLogin(frame: Uint8Array, length: number): DecodeOutcome {
  if (frame.length !== length + 2) {
    return rejected("malformed", `IMEI login: the length says ${length} bytes, ${frame.length - 2} follow`);
  }
  const imei = toAscii(frame, 2);
  if (!IMEI.test(imei)) return rejected("malformed", "IMEI login: the IMEI is not 1–20 digits");
  return { kind: "readings", readings: [], identity: imei };
}

function decodeAvlPacket(frame: Uint8Array, options: TeltonikaDecodeOptions): DecodeOutcome {
  if (frame.length < 12) return rejected("malformed", "AVL packet shorter than 12 bytes");
  const view = viewOf(frame);
  if (view.getUint32(0) !== 0)
    return rejected("malformed", "AVL packet: the preamble is not four zero bytes");
  const verify = options.verifyCrc ?? true;
  const declared = view.getUint32(4);
  const dataEnd = frame.length - 4;
  if (verify) {
    if (declared !== dataEnd - 8) {
      return rejected(
        "malformed",
        `AVL packet: the data field length says ${declared} bytes, ${dataEnd - 8} are there`,
      );
    }
    const crc = view.getUint32(dataEnd);
    const computed = crc16Ibm(frame, 8, dataEnd);
    if (crc !== computed) {
      return rejected(
        "bad_checksum",
        `AVL packet: CRC 0x${crc.toString(16)}, the data gives 0x${computed.toString(16)}`,
      );
    }
  }
  const codec = frame[8]!;
  if (!isAvlCodec(codec)) {
    return rejected(
      "unsupported",
      `AVL packet: ${UNSUPPORTED_CODECS[codec] ?? `unknown codec 0x${codec.toString(16)}`}`,
    );
  }
  if (options.deviceId === undefined || options.deviceId === "") {
    return rejected("unknown_device", "AVL packet before an IMEI login: no device to attribute it to");
  }
  const data = readRecords(frame, view, 8, dataEnd, options.deviceId, frame, options);
  if (typeof data === "string") return rejected("malformed", `AVL packet: ${data}`);
  return { kind: "readings", readings: data.readings, ack: encodeRecordCountAck(data.readings.length) };
}

export function decodeTeltonikaUdp(
  datagram: Uint8Array,
  options: Omit<TeltonikaDecodeOptions, "deviceId"> = {},
): DecodeOutcome {
  try {
    if (datagram.length < 8) return rejected("malformed", "UDP datagram shorter than its header");
    const view = viewOf(datagram);
    const length = view.getUint16(0);
    if (length !== datagram.length - 2) {
      return rejected(
        "malformed",
        `UDP datagram: the length says ${length} bytes, ${datagram.length - 2} follow`,
      );
    }
    const packetId = view.getUint16(2);
    const packetType = datagram[4]!;
    const avlPacketId = datagram[5]!;
    const imeiLength = view.getUint16(6);
    const dataStart = 8 + imeiLength;
    if (dataStart + 3 > datagram.length)
      return rejected("malformed", "UDP datagram: the IMEI overruns the datagram");
    const imei = toAscii(datagram, 8, dataStart);
    if (!IMEI.test(imei)) return rejected("malformed", "UDP datagram: the IMEI is not 1–20 digits");
    const codec = datagram[dataStart]!;
    if (!isAvlCodec(codec)) {
      return rejected(
        "unsupported",
        `UDP datagram: ${UNSUPPORTED_CODECS[codec] ?? `unknown codec 0x${codec.toString(16)}`}`,
      );
    }
    const data = readRecords(datagram, view, dataStart, datagram.length, imei, datagram, options);
    if (typeof data === "string") return rejected("malformed", `UDP datagram: ${data}`);
    const outcome = { kind: "readings" as const, readings: data.readings, identity: imei };
    return packetType === 0x01
      ? { ...outcome, ack: encodeUdpAck(packetId, avlPacketId, data.readings.length) }
      : outcome;
  } catch (error) {
    return rejected("malformed", `internal: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readRecords(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  deviceId: string,
  raw: Uint8Array,
  options: Omit<TeltonikaDecodeOptions, "deviceId">,
): AvlData | string {
  const mapping = options.ioMapping ?? DEFAULT_TELTONIKA_IO_MAPPING;
  const mode = options.sixteenByteValues ?? "auto";
  if (mode !== "auto") return readAvlData(bytes, view, start, end, deviceId, raw, mapping, mode);
  const standard = readAvlData(bytes, view, start, end, deviceId, raw, mapping, false);
  if (typeof standard !== "string") return standard;
  const sixteen = readAvlData(bytes, view, start, end, deviceId, raw, mapping, true);
  return typeof sixteen === "string" ? standard : sixteen;
}
