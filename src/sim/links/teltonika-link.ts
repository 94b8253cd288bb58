/**
 * A simulated Teltonika tracker wired to an e-seal: it logs in with its IMEI, then sends Codec 8E
 * AVL packets. The seal loop is on digital input 1 (1 = closed), a case switch on digital input 2
 * (1 = tampered) and the battery level in IO 113, the mapping its registry entry declares
 * (`TELTONIKA_SEAL_IO`). The gateway answers the login with 0x01 and each packet with its record
 * count once the records are stored.
 */
import { buildAvlPacket, buildLogin, type AvlRecordSpec } from "../frames/teltonika-frames.js";
import { LinkError, withTimeout, type DeviceLink, type SimReading } from "./link.js";
import { TcpChannel, type TcpEndpoint } from "./tcp-link.js";

const ACK_TIMEOUT_MS = 15_000;

/** The IO mapping registered with the simulated trackers (device settings `teltonikaIo`). */
export const TELTONIKA_SEAL_IO = {
  seal: { io: 1, closedWhen: 1 },
  tamper: { io: 2, tamperedWhen: 1 },
  batteryPct: { io: 113 },
} as const;

type Answer = { kind: "login"; accepted: boolean } | { kind: "count"; count: number };

export function teltonikaRecord(reading: SimReading): AvlRecordSpec {
  return {
    atMs: reading.atMs,
    priority: reading.tamper || reading.seal === "open" ? 2 : 0,
    lon: reading.lon,
    lat: reading.lat,
    altitudeM: 120,
    courseDeg: Math.round(reading.courseDeg) % 360,
    satellites: reading.valid ? 11 : 0,
    speedKmh: Math.round(reading.speedKmh),
    eventIoId: reading.tamper ? 2 : 0,
    io1: [
      [1, reading.seal === "closed" ? 1 : 0],
      [2, reading.tamper ? 1 : 0],
      [21, 4],
      [113, Math.round(reading.batteryPct)],
    ],
    io2: [[66, 12_600]],
    io4: [],
    io8: [],
    ioX: [],
  };
}

export class TeltonikaLink implements DeviceLink {
  readonly maxBatch = 20;
  private readonly channel: TcpChannel<Answer>;
  private loggedIn = false;

  constructor(endpoint: TcpEndpoint, imei: string) {
    this.channel = new TcpChannel<Answer>(
      endpoint,
      (buffer) => {
        const answers: Answer[] = [];
        let consumed = 0;
        if (!this.loggedIn && buffer.length >= 1) {
          answers.push({ kind: "login", accepted: buffer[0] === 1 });
          this.loggedIn = buffer[0] === 1;
          consumed = 1;
        }
        while (this.loggedIn && buffer.length - consumed >= 4) {
          answers.push({ kind: "count", count: buffer.readUInt32BE(consumed) });
          consumed += 4;
        }
        return { answers, consumed };
      },
      async (channel) => {
        this.loggedIn = false;
        await channel.writeRaw(buildLogin(imei));
        const answer = await withTimeout(channel.next(), ACK_TIMEOUT_MS, "teltonika login");
        if (answer.kind !== "login" || !answer.accepted)
          throw new LinkError(`the gateway refused IMEI ${imei}`);
      },
    );
  }

  async send(readings: readonly SimReading[]): Promise<void> {
    const packet = buildAvlPacket("8E", readings.map(teltonikaRecord));
    try {
      await this.channel.write(packet);
      const answer = await withTimeout(this.channel.next(), ACK_TIMEOUT_MS, "teltonika acknowledgement");
      if (answer.kind !== "count" || answer.count !== readings.length)
        throw new LinkError(
          `the gateway acknowledged ${answer.kind === "count" ? answer.count : "?"} of ${readings.length} records`,
        );
    } catch (error) {
      this.channel.reset("no acknowledgement");
      throw error;
    }
  }

  close(): void {
    this.channel.close();
  }
}
