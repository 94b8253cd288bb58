/**
 * A simulated Jointech JT701 e-lock: long binary `$` frames (protocol version 0x16, up to 7
 * records each, a store-and-forward backlog included) with the "acknowledgement required" status
 * bit set, so that the gateway answers each frame with `(P35)` once its records are stored.
 */
import { buildLongFrame, type LongRecordSpec } from "../frames/jointech-frames.js";
import { encodeLockStatus } from "../../protocols/jointech/lock-status.js";
import { withTimeout, type DeviceLink, type SimReading } from "./link.js";
import { TcpChannel, type TcpEndpoint } from "./tcp-link.js";

const KMH_PER_KNOT = 1.852;
const ACK_TIMEOUT_MS = 15_000;

/** Text answers `(…)` from the gateway, whole. */
function parseAnswers(buffer: Buffer): { answers: string[]; consumed: number } {
  const answers: string[] = [];
  let consumed = 0;
  for (;;) {
    const start = buffer.indexOf(0x28, consumed);
    if (start < 0) return { answers, consumed: buffer.length };
    const end = buffer.indexOf(0x29, start);
    if (end < 0) return { answers, consumed: start };
    answers.push(buffer.toString("latin1", start, end + 1));
    consumed = end + 1;
  }
}

export function jt701Record(reading: SimReading): LongRecordSpec {
  const closed = reading.seal === "closed";
  const statusWord = encodeLockStatus({
    cellTowerPosition: !reading.valid,
    enteredGeofence: false,
    leftGeofence: false,
    ropeCut: reading.tamper,
    vibration: false,
    ackRequired: true,
    ropeInserted: closed,
    motorLocked: closed,
    unlockAlarm: false,
    fiveWrongPasswords: false,
    illegalRfidCard: false,
    lowBattery: reading.batteryPct <= 15,
    backCapOpened: false,
    backCapClosed: true,
    motorFault: false,
  });
  return {
    atMs: reading.atMs,
    lat: reading.lat,
    lon: reading.lon,
    fix: reading.valid,
    speedKnots: Math.min(255, reading.speedKmh / KMH_PER_KNOT),
    courseDeg: reading.courseDeg,
    odometerKm: 0,
    satellites: reading.valid ? 9 : 0,
    statusWord,
    battery: Math.round(reading.batteryPct),
    cellId: 4021,
    lac: 310,
    gsmSignal: 24,
  };
}

export class Jt701Link implements DeviceLink {
  readonly maxBatch = 7;
  private readonly channel: TcpChannel<string>;
  private serial = 0;

  constructor(
    endpoint: TcpEndpoint,
    /** The 10-digit lock id. */
    private readonly lockId: string,
  ) {
    this.channel = new TcpChannel<string>(endpoint, parseAnswers);
  }

  async send(readings: readonly SimReading[]): Promise<void> {
    this.serial = (this.serial + 1) & 0xff;
    const frame = buildLongFrame(this.lockId, readings.map(jt701Record), this.serial);
    try {
      await this.channel.write(frame);
      // Commands and other text the gateway may send are skipped; the frame's answer is (P35).
      for (;;) {
        const answer = await withTimeout(this.channel.next(), ACK_TIMEOUT_MS, "jt701 acknowledgement");
        if (answer === "(P35)") return;
      }
    } catch (error) {
      this.channel.reset("no acknowledgement");
      throw error;
    }
  }

  close(): void {
    this.channel.close();
  }
}
