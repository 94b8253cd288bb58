/**
 * A simulated e-lock or tracker for the conformance kit, built on the simulator's frames and TCP
 * channel, that can misbehave on request, so that the kit's own tests show each check can fail:
 *
 *   bad-checksum      every third Teltonika packet leaves with a wrong CRC (then goes again, right)
 *   ack-ignored       answers are not understood: each frame is sent twice more after its answer
 *   clock-drift       the device's clock runs three hours ahead (local time sent as UTC)
 *   backlog-reversed  after an outage the stored readings go newest first
 *   duplicate-frames  every frame is written twice back to back
 *   stuck-lock        the lock bit is stuck at "locked", whatever the lock does
 *
 * Time is a simulated clock shared with the kit: a heartbeat moves it on by the interval, so a
 * session of hours runs in milliseconds and no result depends on the machine's speed.
 */
import type { StepId } from "../conformance/events.js";
import { buildLongFrame } from "./frames/jointech-frames.js";
import { buildAvlPacket, buildLogin } from "./frames/teltonika-frames.js";
import { jt701Record } from "./links/jt701-link.js";
import { LinkError, withTimeout, type SimReading } from "./links/link.js";
import { teltonikaRecord } from "./links/teltonika-link.js";
import { TcpChannel } from "./links/tcp-link.js";
import { encodeLockStatus } from "../protocols/jointech/lock-status.js";

export type Misbehaviour =
  "bad-checksum" | "ack-ignored" | "clock-drift" | "backlog-reversed" | "duplicate-frames" | "stuck-lock";

export const MISBEHAVIOURS: readonly Misbehaviour[] = [
  "bad-checksum",
  "ack-ignored",
  "clock-drift",
  "backlog-reversed",
  "duplicate-frames",
  "stuck-lock",
];

export class SimClock {
  constructor(public nowMs: number) {}
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface ConformanceDeviceOptions {
  readonly protocol: "jt701" | "teltonika";
  readonly host: string;
  readonly port: number;
  /** 10-digit lock id or IMEI. */
  readonly id: string;
  readonly clock: SimClock;
  readonly heartbeatS: number;
  readonly misbehaviours?: readonly Misbehaviour[];
}

const DRIFT_MS = 3 * 3_600_000;
/** How long the device waits for an answer the kit will never send (a packet it refused). */
const NO_ANSWER_MS = 300;
const ANSWER_MS = 10_000;

type Answer =
  { kind: "login"; accepted: boolean } | { kind: "count"; count: number } | { kind: "text"; text: string };

export class ConformanceDevice {
  private readonly channel: TcpChannel<Answer>;
  private readonly bad: ReadonlySet<Misbehaviour>;
  private readonly outbox: SimReading[] = [];
  private online = true;
  private sealClosed = false;
  private ropeCut = false;
  private backCapOpen = false;
  private gnss = true;
  private batteryPct = 96;
  private lon = 100.9;
  private lat = 13.1;
  private packets = 0;
  private serial = 0;
  private loggedIn = false;

  constructor(private readonly options: ConformanceDeviceOptions) {
    this.bad = new Set(options.misbehaviours ?? []);
    const endpoint = { host: options.host, port: options.port };
    this.channel =
      options.protocol === "jt701"
        ? new TcpChannel<Answer>(endpoint, (b) => this.parseText(b))
        : new TcpChannel<Answer>(
            endpoint,
            (b) => this.parseTeltonika(b),
            async (channel) => {
              this.loggedIn = false;
              await channel.writeRaw(buildLogin(options.id));
              const answer = await withTimeout(channel.next(), ANSWER_MS, "login");
              if (answer.kind !== "login" || !answer.accepted) throw new LinkError("login refused");
            },
          );
  }

  private parseText(buffer: Buffer): { answers: Answer[]; consumed: number } {
    const answers: Answer[] = [];
    let consumed = 0;
    for (;;) {
      const start = buffer.indexOf(0x28, consumed);
      const end = start < 0 ? -1 : buffer.indexOf(0x29, start);
      if (end < 0) return { answers, consumed: start < 0 ? buffer.length : start };
      answers.push({ kind: "text", text: buffer.toString("latin1", start, end + 1) });
      consumed = end + 1;
    }
  }

  private parseTeltonika(buffer: Buffer): { answers: Answer[]; consumed: number } {
    const answers: Answer[] = [];
    let consumed = 0;
    if (!this.loggedIn && buffer.length >= 1) {
      this.loggedIn = buffer[0] === 1;
      answers.push({ kind: "login", accepted: this.loggedIn });
      consumed = 1;
    }
    while (this.loggedIn && buffer.length - consumed >= 4) {
      answers.push({ kind: "count", count: buffer.readUInt32BE(consumed) });
      consumed += 4;
    }
    return { answers, consumed };
  }

  /** What the device reports now. */
  private reading(): SimReading {
    const clock = this.options.clock.nowMs + (this.bad.has("clock-drift") ? DRIFT_MS : 0);
    return {
      atMs: clock,
      lon: this.lon,
      lat: this.lat,
      speedKmh: 0,
      courseDeg: 0,
      valid: this.gnss,
      seal: this.sealClosed || this.bad.has("stuck-lock") ? "closed" : "open",
      tamper: this.ropeCut || this.backCapOpen,
      batteryPct: this.batteryPct,
    };
  }

  private frame(r: SimReading, corrupt: boolean): Uint8Array {
    if (this.options.protocol === "jt701") {
      this.serial = (this.serial + 1) & 0xff;
      const record = jt701Record(r);
      const status = encodeLockStatus({
        cellTowerPosition: !r.valid,
        enteredGeofence: false,
        leftGeofence: false,
        ropeCut: this.ropeCut,
        vibration: false,
        ackRequired: true,
        ropeInserted: r.seal === "closed" && !this.ropeCut,
        motorLocked: r.seal === "closed",
        unlockAlarm: false,
        fiveWrongPasswords: false,
        illegalRfidCard: false,
        lowBattery: false,
        backCapOpened: this.backCapOpen,
        backCapClosed: !this.backCapOpen,
        motorFault: false,
      });
      return buildLongFrame(this.options.id, [{ ...record, statusWord: status }], this.serial);
    }
    const packet = buildAvlPacket("8E", [teltonikaRecord(r)]);
    if (corrupt) packet[packet.length - 1] = packet.at(-1)! ^ 0x5a;
    return packet;
  }

  private async answer(timeoutMs: number): Promise<Answer> {
    for (;;) {
      const a = await withTimeout(this.channel.next(), timeoutMs, "answer");
      if (a.kind !== "text" || a.text === "(P35)" || a.text.startsWith("(P69")) return a;
    }
  }

  /** Sends one reading in its own frame, misbehaving as asked; resolves once the kit answered it. */
  private async send(r: SimReading): Promise<void> {
    this.packets++;
    if (this.bad.has("bad-checksum") && this.options.protocol === "teltonika" && this.packets % 3 === 0) {
      await this.channel.write(this.frame(r, true));
      // No answer comes for a refused packet: the device gives up on the connection and sends again.
      await this.answer(NO_ANSWER_MS).catch(() => this.channel.reset("no answer"));
    }
    const frame = this.frame(r, false);
    const copies = this.bad.has("duplicate-frames") ? 2 : 1;
    await this.channel.write(copies === 2 ? Buffer.concat([frame, frame]) : frame);
    for (let i = 0; i < copies; i++) await this.answer(ANSWER_MS);
    if (this.bad.has("ack-ignored"))
      for (let again = 0; again < 2; again++) {
        await this.channel.write(frame);
        await this.answer(ANSWER_MS);
      }
  }

  /** Reports now (or stores the reading while offline). */
  async report(): Promise<void> {
    this.outbox.push(this.reading());
    if (!this.online) return;
    while (this.outbox.length > 0) {
      await this.send(this.outbox[0]!);
      this.outbox.shift();
    }
  }

  /** `count` heartbeats, each after the configured interval. */
  async heartbeats(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.options.clock.advance(this.options.heartbeatS * 1000);
      this.batteryPct = Math.max(0, this.batteryPct - 1);
      await this.report();
    }
  }

  /** Does what the technician is asked to do in `step`, and reports as the device would. */
  async act(step: StepId): Promise<void> {
    const clock = this.options.clock;
    clock.advance(5_000);
    switch (step) {
      case "seal-close":
        this.sealClosed = true;
        return this.report();
      case "seal-open":
        this.sealClosed = false;
        return this.report();
      case "rope-cut":
        this.sealClosed = true;
        this.ropeCut = true;
        await this.report();
        this.ropeCut = false;
        return;
      case "back-cap":
        this.backCapOpen = true;
        await this.report();
        this.backCapOpen = false;
        return;
      case "gnss-off":
        this.gnss = false;
        await this.heartbeats(2);
        this.gnss = true;
        return;
      case "outage":
        return this.outage(3);
    }
  }

  /** Offline for `heartbeats` intervals (the connection drops), then back with the backlog. */
  async outage(heartbeats: number): Promise<void> {
    this.online = false;
    this.channel.reset("outage");
    await this.heartbeats(heartbeats);
    this.online = true;
    if (this.bad.has("backlog-reversed")) this.outbox.reverse();
    this.options.clock.advance(5_000);
    await this.report();
  }

  close(): void {
    this.channel.close();
  }
}
