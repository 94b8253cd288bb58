/** JT701D frames for the gateway tests and the benchmark: long binary frames of protocol 0x19. */
import type { JointechLockStatus } from "../../src/core/domain/reading.js";
import { encodeLockStatus } from "../../src/protocols/jointech/index.js";
import { buildLongFrame, type LongRecordSpec } from "../protocols/support/jointech-builder.js";

export const NO_FLAGS: JointechLockStatus = {
  cellTowerPosition: false,
  enteredGeofence: false,
  leftGeofence: false,
  ropeCut: false,
  vibration: false,
  ackRequired: false,
  ropeInserted: false,
  motorLocked: false,
  unlockAlarm: false,
  fiveWrongPasswords: false,
  illegalRfidCard: false,
  lowBattery: false,
  backCapOpened: false,
  backCapClosed: false,
  motorFault: false,
};
export const SEALED = encodeLockStatus({ ...NO_FLAGS, ropeInserted: true, motorLocked: true });
export const CUT = encodeLockStatus({ ...NO_FLAGS, ropeInserted: true, motorLocked: true, ropeCut: true });
export const OPENED = encodeLockStatus({ ...NO_FLAGS, ropeInserted: true });

/** One JT701D record (protocol 0x19: every frame is answered `(P69,0,serial)`). */
export function record(
  atMs: number,
  [lon, lat]: readonly [number, number],
  statusWord: number,
): LongRecordSpec {
  return {
    atMs: Math.floor(atMs / 1000) * 1000,
    lat,
    lon,
    fix: true,
    speedKnots: 20,
    courseDeg: 90,
    odometerKm: 1000,
    satellites: 9,
    statusWord,
    battery: 80,
    cellId: 1,
    lac: 2,
    gsmSignal: 20,
  };
}

export function frame(lockId: string, serial: number, ...records: LongRecordSpec[]): Uint8Array {
  return buildLongFrame(lockId, records, serial, 0x19);
}
