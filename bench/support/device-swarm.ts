/**
 * A swarm of simulated JT701D e-locks for the gateway benchmark, run in a worker thread so that the
 * load does not share the gateway's event loop. Each device holds its own TCP connection and sends
 * long binary frames (protocol 0x19, one record each), keeping up to `window` frames unanswered;
 * an answer `(P69,0,serial)` frees a slot. Paced mode spreads `ratePerS` frames a second over the
 * devices; tamper frames (rope cut) are reported to the main thread with the time they were sent.
 *
 * Messages from the main thread: { phase, ... } (see SwarmCommand); answers: SwarmReport.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { encodeLockStatus } from "../../src/protocols/jointech/index.js";
import { encodeLocationBlock } from "../../src/protocols/jointech/location-block.js";
import type { JointechLockStatus } from "../../src/core/domain/reading.js";

export interface SwarmSetup {
  readonly port: number;
  /** Lock ids, 10 digits each. */
  readonly lockIds: readonly string[];
  readonly origin: readonly [number, number];
  readonly destination: readonly [number, number];
}

export type SwarmCommand =
  /** Every device sends one sealed frame at the origin at `atMs` and waits for its answer. */
  | { readonly phase: "seal"; readonly atMs: number }
  /** Every device sends `frames` frames as fast as answers come back, `window` in flight. */
  | { readonly phase: "flood"; readonly frames: number; readonly window: number; readonly fromMs: number }
  /** `ratePerS` frames a second over all devices for `seconds`; every `tamperEvery`-th frame sent cuts a rope. */
  | {
      readonly phase: "paced";
      readonly ratePerS: number;
      readonly seconds: number;
      readonly tamperEvery: number;
      readonly fromMs: number;
    }
  | { readonly phase: "stop" };

export type SwarmReport =
  | { readonly kind: "ready" }
  | {
      readonly kind: "done";
      readonly phase: string;
      readonly frames: number;
      readonly elapsedMs: number;
      readonly lateAnswers: number;
    }
  /** A tamper frame left the device at `sentAt` (epoch ms, sub-millisecond). */
  | { readonly kind: "tamper"; readonly lockId: string; readonly atMs: number; readonly sentAt: number };

const NO_FLAGS: JointechLockStatus = {
  cellTowerPosition: false,
  enteredGeofence: false,
  leftGeofence: false,
  ropeCut: false,
  vibration: false,
  ackRequired: false,
  ropeInserted: true,
  motorLocked: true,
  unlockAlarm: false,
  fiveWrongPasswords: false,
  illegalRfidCard: false,
  lowBattery: false,
  backCapOpened: false,
  backCapClosed: false,
  motorFault: false,
};
export const SEALED = encodeLockStatus(NO_FLAGS);
const CUT = encodeLockStatus({ ...NO_FLAGS, ropeCut: true });

/** One 45-byte JT701D frame with one record. */
export function buildFrame(
  lockId: string,
  serial: number,
  atMs: number,
  lon: number,
  lat: number,
  status: number,
): Buffer {
  const frame = Buffer.alloc(45);
  frame[0] = 0x24;
  Buffer.from(lockId, "hex").copy(frame, 1);
  frame[6] = 0x19;
  frame[7] = 0x11;
  frame.writeUInt16BE(35, 8);
  encodeLocationBlock(frame, 10, { atMs, lat, lon, fix: true, speedKnots: 30, courseDeg: 90 });
  frame.writeUInt32BE(1000, 27);
  frame[31] = 9;
  frame.writeUInt16BE(status, 36);
  frame[38] = 80;
  frame[43] = 20;
  frame[44] = serial & 0xff;
  return frame;
}

const now = (): number => performance.timeOrigin + performance.now();
const CLOSE = 0x29;

class SimDevice {
  private socket!: Socket;
  unanswered = 0;
  serial = 0;
  /** Frames sent since the phase began (their event times step by one second). */
  step = 0;
  onAnswer: () => void = () => undefined;

  constructor(
    readonly lockId: string,
    readonly index: number,
  ) {}

  open(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket = connect({ host: "127.0.0.1", port }, resolve);
      this.socket.setNoDelay(true);
      this.socket.once("error", reject);
      this.socket.on("data", (chunk: Buffer) => {
        for (const byte of chunk) {
          if (byte !== CLOSE) continue;
          this.unanswered--;
          this.onAnswer();
        }
      });
    });
  }

  send(atMs: number, lon: number, lat: number, status: number): void {
    this.unanswered++;
    this.serial = (this.serial + 1) & 0xff;
    this.socket.write(buildFrame(this.lockId, this.serial, atMs, lon, lat, status));
  }

  close(): void {
    this.socket.destroy();
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const setup = workerData as SwarmSetup;
  const devices = setup.lockIds.map((id, i) => new SimDevice(id, i));
  const [olon, olat] = setup.origin;
  const [dlon, dlat] = setup.destination;
  /** Along the route, never reaching the destination office. */
  const along = (step: number): [number, number] => {
    const f = 0.1 + 0.8 * ((step % 1000) / 1000);
    return [olon + (dlon - olon) * f, olat + (dlat - olat) * f];
  };
  const report = (message: SwarmReport): void => port.postMessage(message);

  await Promise.all(devices.map((d) => d.open(setup.port)));
  report({ kind: "ready" });

  port.on("message", (command: SwarmCommand) => {
    switch (command.phase) {
      case "seal": {
        const start = performance.now();
        let pending = devices.length;
        for (const d of devices) {
          d.onAnswer = () => {
            if (--pending === 0)
              report({
                kind: "done",
                phase: "seal",
                frames: devices.length,
                elapsedMs: performance.now() - start,
                lateAnswers: 0,
              });
          };
          d.send(command.atMs, olon, olat, SEALED);
        }
        break;
      }
      case "flood": {
        const start = performance.now();
        let remaining = devices.length * command.frames;
        for (const d of devices) {
          let sent = 0;
          const pump = (): void => {
            while (sent < command.frames && d.unanswered < command.window) {
              const [lon, lat] = along(d.step);
              d.send(command.fromMs + d.step * 1000, lon, lat, SEALED);
              d.step++;
              sent++;
            }
          };
          d.onAnswer = () => {
            if (--remaining === 0)
              report({
                kind: "done",
                phase: "flood",
                frames: devices.length * command.frames,
                elapsedMs: performance.now() - start,
                lateAnswers: 0,
              });
            else pump();
          };
          d.step = 0;
          pump();
        }
        break;
      }
      case "paced": {
        const start = performance.now();
        const intervalMs = (devices.length / command.ratePerS) * 1000;
        const endAt = start + command.seconds * 1000;
        let sent = 0;
        let answered = 0;
        let stopped = 0;
        let late = 0;
        // Every `tamperEvery`-th frame sent (over all devices) cuts its lock's rope; the device's next
        // frame is sealed again, so each tamper frame starts a new tamper run: one alarm each.
        let sinceTamper = 0;
        const finish = (): void => {
          if (stopped === devices.length && answered === sent)
            report({
              kind: "done",
              phase: "paced",
              frames: sent,
              elapsedMs: performance.now() - start,
              lateAnswers: late,
            });
        };
        for (const d of devices) {
          d.step = 0;
          d.onAnswer = () => {
            answered++;
            finish();
          };
          const tick = (): void => {
            if (performance.now() >= endAt) {
              stopped++;
              finish();
              return;
            }
            if (d.unanswered > 8) late++;
            const [lon, lat] = along(d.step);
            const atMs = command.fromMs + d.step * 1000;
            const tamper = command.tamperEvery > 0 && ++sinceTamper >= command.tamperEvery && d.step > 0;
            if (tamper) sinceTamper = 0;
            d.send(atMs, lon, lat, tamper ? CUT : SEALED);
            sent++;
            if (tamper)
              report({
                kind: "tamper",
                lockId: d.lockId,
                atMs: Math.floor(atMs / 1000) * 1000,
                sentAt: now(),
              });
            d.step++;
            setTimeout(tick, intervalMs);
          };
          // Spread the devices over one interval so the load is even.
          setTimeout(tick, (intervalMs * d.index) / devices.length);
        }
        break;
      }
      case "stop":
        for (const d of devices) d.close();
        port.close();
        break;
    }
  });
}
