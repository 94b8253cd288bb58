/** Teltonika AVL records for the gateway tests. */
import type { AvlRecordSpec } from "../protocols/support/teltonika-builder.js";
import { MIDWAY } from "./support.js";

export function avl(
  atMs: number,
  io1: [number, number][] = [],
  extra: Partial<AvlRecordSpec> = {},
): AvlRecordSpec {
  return {
    atMs,
    priority: 0,
    lon: MIDWAY[0],
    lat: MIDWAY[1],
    altitudeM: 1600,
    courseDeg: 120,
    satellites: 11,
    speedKmh: 72,
    eventIoId: 0,
    io1,
    io2: [],
    io4: [],
    io8: [],
    ioX: [],
    ...extra,
  };
}

/** Teltonika's answer to an AVL packet: its record count, four bytes, as hex. */
export const COUNT = (n: number): string => Buffer.from([0, 0, 0, n]).toString("hex");
