/**
 * Device-side Teltonika packets (the server never sends them): the IMEI login and AVL packets of
 * codec 8, 8E or 16, every IO width, 8E's variable-length values, a correct CRC. The simulator's
 * trackers send them, and the protocol tests build their round trips with them.
 */
import { crc16Ibm } from "../../protocols/teltonika/crc16.js";

export interface AvlRecordSpec {
  readonly atMs: number;
  readonly priority: number;
  readonly lon: number;
  readonly lat: number;
  readonly altitudeM: number;
  readonly courseDeg: number;
  readonly satellites: number;
  readonly speedKmh: number;
  readonly eventIoId: number;
  /** Codec 16's generation type (default 7, periodical). */
  readonly generationType?: number;
  /** IO values by width: 1, 2, 4, 8 bytes (8-byte values as bigint), and 8E's variable-length hex. */
  readonly io1: ReadonlyArray<readonly [number, number]>;
  readonly io2: ReadonlyArray<readonly [number, number]>;
  readonly io4: ReadonlyArray<readonly [number, number]>;
  readonly io8: ReadonlyArray<readonly [number, bigint]>;
  readonly ioX: ReadonlyArray<readonly [number, string]>;
}

class Writer {
  private readonly bytes: number[] = [];
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(Math.floor(v / 65536) & 0xffff).u16(v & 0xffff);
  }
  u64(v: bigint): this {
    return this.u32(Number((v >> 32n) & 0xffffffffn)).u32(Number(v & 0xffffffffn));
  }
  raw(b: Uint8Array): this {
    for (const x of b) this.u8(x);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export type AvlCodec = "8" | "8E" | "16";

const CODEC_IDS: Readonly<Record<AvlCodec, number>> = { "8": 0x08, "8E": 0x8e, "16": 0x10 };

/** The AVL data array: codec, count, records, count. */
export function buildAvlData(codec: AvlCodec, records: readonly AvlRecordSpec[]): Uint8Array {
  const ext = codec === "8E";
  const c16 = codec === "16";
  const w = new Writer().u8(CODEC_IDS[codec]).u8(records.length);
  // Counts: u16 in 8E, u8 otherwise; ids: u16 in 8E and 16, u8 in 8.
  const n = (v: number): Writer => (ext ? w.u16(v) : w.u8(v));
  const id = (v: number): Writer => (ext || c16 ? w.u16(v) : w.u8(v));
  for (const r of records) {
    w.u64(BigInt(r.atMs)).u8(r.priority);
    w.u32(Math.round(r.lon * 1e7) >>> 0).u32(Math.round(r.lat * 1e7) >>> 0);
    w.u16(r.altitudeM & 0xffff)
      .u16(r.courseDeg)
      .u8(r.satellites)
      .u16(r.speedKmh);
    id(r.eventIoId);
    if (c16) w.u8(r.generationType ?? 7);
    n(r.io1.length + r.io2.length + r.io4.length + r.io8.length + (ext ? r.ioX.length : 0));
    n(r.io1.length);
    for (const [k, v] of r.io1) id(k).u8(v);
    n(r.io2.length);
    for (const [k, v] of r.io2) id(k).u16(v);
    n(r.io4.length);
    for (const [k, v] of r.io4) id(k).u32(v);
    n(r.io8.length);
    for (const [k, v] of r.io8) id(k).u64(v);
    if (ext) {
      w.u16(r.ioX.length);
      for (const [k, hex] of r.ioX)
        w.u16(k)
          .u16(hex.length / 2)
          .raw(Uint8Array.from(Buffer.from(hex, "hex")));
    }
  }
  w.u8(records.length);
  return w.done();
}

/** A whole TCP AVL packet: preamble, data field length, data, CRC-16/IBM. */
export function buildAvlPacket(codec: AvlCodec, records: readonly AvlRecordSpec[]): Uint8Array {
  const data = buildAvlData(codec, records);
  return new Writer().u32(0).u32(data.length).raw(data).u32(crc16Ibm(data)).done();
}

/** The IMEI login packet. */
export function buildLogin(imei: string): Uint8Array {
  return new Writer()
    .u16(imei.length)
    .raw(Uint8Array.from(Buffer.from(imei, "latin1")))
    .done();
}

/** A UDP datagram around an AVL data array. */
export function buildUdp(packetId: number, avlPacketId: number, imei: string, data: Uint8Array): Uint8Array {
  const body = new Writer().u16(packetId).u8(0x01).u8(avlPacketId).u16(imei.length);
  body.raw(Uint8Array.from(Buffer.from(imei, "latin1"))).raw(data);
  const bytes = body.done();
  return new Writer().u16(bytes.length).raw(bytes).done();
}
