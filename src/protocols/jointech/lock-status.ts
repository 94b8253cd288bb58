/**
 * The JT701 lock-status word (the "device status" field of the long binary record): 15 named bits,
 * bit 0 least significant, as the vendor's JT701D protocol manual (V1.4, field 17) defines them.
 * Bit 15 is reserved.
 */
import type { JointechLockStatus } from "../../core/domain/reading.js";

/** Flag name of each bit, in bit order. */
export const LOCK_STATUS_BITS = [
  "cellTowerPosition",
  "enteredGeofence",
  "leftGeofence",
  "ropeCut",
  "vibration",
  "ackRequired",
  "ropeInserted",
  "motorLocked",
  "unlockAlarm",
  "fiveWrongPasswords",
  "illegalRfidCard",
  "lowBattery",
  "backCapOpened",
  "backCapClosed",
  "motorFault",
] as const satisfies readonly (keyof JointechLockStatus)[];

export function decodeLockStatus(word: number): JointechLockStatus {
  return {
    cellTowerPosition: (word & 0x0001) !== 0,
    enteredGeofence: (word & 0x0002) !== 0,
    leftGeofence: (word & 0x0004) !== 0,
    ropeCut: (word & 0x0008) !== 0,
    vibration: (word & 0x0010) !== 0,
    ackRequired: (word & 0x0020) !== 0,
    ropeInserted: (word & 0x0040) !== 0,
    motorLocked: (word & 0x0080) !== 0,
    unlockAlarm: (word & 0x0100) !== 0,
    fiveWrongPasswords: (word & 0x0200) !== 0,
    illegalRfidCard: (word & 0x0400) !== 0,
    lowBattery: (word & 0x0800) !== 0,
    backCapOpened: (word & 0x1000) !== 0,
    backCapClosed: (word & 0x2000) !== 0,
    motorFault: (word & 0x4000) !== 0,
  };
}

/** The word for a set of flags (the inverse of `decodeLockStatus`, for encoders and tests). */
export function encodeLockStatus(status: JointechLockStatus): number {
  let word = 0;
  LOCK_STATUS_BITS.forEach((name, bit) => {
    if (status[name]) word |= 1 << bit;
  });
  return word;
}

/** The seal is closed only when the rope is inserted and the motor has locked it. */
export function sealOf(status: JointechLockStatus): "closed" | "open" {
  return status.ropeInserted && status.motorLocked ? "closed" : "open";
}

/** Tampering: the steel rope was cut or the back cap was opened. */
export function tamperOf(status: JointechLockStatus): boolean {
  return status.ropeCut || status.backCapOpened;
}
