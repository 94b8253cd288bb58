/**
 * The normalized reading: what every device protocol (Jointech e-locks, Teltonika trackers, MQTT,
 * HTTP, EPCIS) is turned into before it is stored and handed to the engine. Times are epoch ms;
 * positions are `[lon, lat]` order in every name and structure.
 */

export interface ReadingPosition {
  readonly lon: number;
  readonly lat: number;
  readonly speedKmh: number;
  readonly courseDeg: number;
  /** False when the device says its fix is not valid (no GNSS lock, cell-tower position). */
  readonly valid: boolean;
  readonly altitudeM?: number;
  readonly satellites?: number;
}

/** Every bit of the JT701 lock-status word as a named flag (bit 0 = least significant). */
export interface JointechLockStatus {
  /** Bit 0: position from cell towers, not GNSS. */
  readonly cellTowerPosition: boolean;
  /** Bit 1. */
  readonly enteredGeofence: boolean;
  /** Bit 2. */
  readonly leftGeofence: boolean;
  /** Bit 3. */
  readonly ropeCut: boolean;
  /** Bit 4. */
  readonly vibration: boolean;
  /** Bit 5: the device wants an acknowledgement. */
  readonly ackRequired: boolean;
  /** Bit 6. */
  readonly ropeInserted: boolean;
  /** Bit 7. */
  readonly motorLocked: boolean;
  /** Bit 8: unlocked for too long. */
  readonly unlockAlarm: boolean;
  /** Bit 9. */
  readonly fiveWrongPasswords: boolean;
  /** Bit 10. */
  readonly illegalRfidCard: boolean;
  /** Bit 11. */
  readonly lowBattery: boolean;
  /** Bit 12. */
  readonly backCapOpened: boolean;
  /** Bit 13. */
  readonly backCapClosed: boolean;
  /** Bit 14: motor fault, lock stuck. */
  readonly motorFault: boolean;
}

export type VendorDetails =
  | {
      readonly vendor: "jointech";
      /** Which Jointech message carried the reading, e.g. "binary-long", "P45", "W01", "jt808-0x5501". */
      readonly message: string;
      readonly lockStatus?: JointechLockStatus;
      /** Remaining fields the protocol carries (event source, RFID card, alarm codes, sensor data). */
      readonly fields: Readonly<Record<string, string | number | boolean>>;
    }
  | {
      readonly vendor: "teltonika";
      readonly codec: "8" | "8E" | "16";
      readonly priority: number;
      readonly eventIoId: number;
      /** Codec 16 only: why the record was made (0 on exit … 5 on change, 6 eventual, 7 periodical). */
      readonly generationType?: number;
      /** IO elements by id; 1–8 byte values as numbers (bigint beyond 2^53), variable-length ones as hex. */
      readonly io: Readonly<Record<number, number | bigint | string>>;
    }
  | {
      readonly vendor: "epcis";
      readonly eventId?: string;
      readonly bizStep?: string;
      readonly disposition?: string;
      readonly readPoint?: string;
    }
  | { readonly vendor: "json" };

export interface NormalizedReading {
  /** The device's own identifier as the protocol carries it (IMEI, lock ID, seal EPC). */
  readonly deviceId: string;
  /** Event time: when the device observed it. */
  readonly atMs: number;
  readonly position?: ReadingPosition;
  /** "closed" when the seal is intact and locked (for the e-lock: rope inserted and motor locked). */
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  /** The frame the reading came from, kept verbatim as evidence. */
  readonly raw: Uint8Array;
  readonly vendor?: VendorDetails;
}
