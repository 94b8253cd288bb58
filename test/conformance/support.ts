/**
 * Helpers for the conformance kit's tests: a live session against the simulated device, and a pcap
 * writer (TCP over IPv4 over Ethernet).
 */
import { runLive } from "../../src/conformance/live.js";
import type { ConformanceReport } from "../../src/conformance/report.js";
import { ConformanceDevice, SimClock, type Misbehaviour } from "../../src/sim/conformance-device.js";

export interface TcpPacket {
  readonly atMs: number;
  /** true: device → server. */
  readonly toServer: boolean;
  readonly seq: number;
  readonly flags?: { syn?: boolean; fin?: boolean; ack?: boolean };
  readonly payload?: Uint8Array;
}

const DEVICE = [10, 0, 0, 7];
const SERVER = [10, 0, 0, 1];
export const DEVICE_PORT = 40_001;

function packetBytes(p: TcpPacket, serverPort: number): Buffer {
  const payload = Buffer.from(p.payload ?? new Uint8Array());
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(p.toServer ? DEVICE_PORT : serverPort, 0);
  tcp.writeUInt16BE(p.toServer ? serverPort : DEVICE_PORT, 2);
  tcp.writeUInt32BE(p.seq >>> 0, 4);
  tcp[12] = 5 << 4;
  tcp[13] = (p.flags?.fin ? 1 : 0) | (p.flags?.syn ? 2 : 0) | (p.flags?.ack === false ? 0 : 16);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(p.toServer ? DEVICE : SERVER).copy(ip, 12);
  Buffer.from(p.toServer ? SERVER : DEVICE).copy(ip, 16);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  return Buffer.concat([eth, ip, tcp, payload]);
}

/** A little-endian microsecond pcap of the packets. */
export function pcapOf(packets: readonly TcpPacket[], serverPort: number): Uint8Array {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = packets.map((p) => {
    const data = packetBytes(p, serverPort);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(p.atMs / 1000), 0);
    rec.writeUInt32LE(Math.round((p.atMs % 1000) * 1000), 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    return Buffer.concat([rec, data]);
  });
  return Uint8Array.from(Buffer.concat([header, ...records]));
}

const HEARTBEAT_S = 60;
const IDS = { jt701: "8043396604", teltonika: "356307042441013" } as const;
const TELTONIKA_IO = JSON.parse(
  '{"seal":{"io":1,"closedWhen":1},"tamper":{"io":2,"tamperedWhen":1},"batteryPct":{"io":113}}',
) as { seal: { io: number; closedWhen: number } };

/** A live session of the kit against the simulated device, every step prompted. */
export async function session(
  protocol: "jt701" | "teltonika",
  misbehaviours: readonly Misbehaviour[] = [],
  recordPath?: string,
): Promise<ConformanceReport> {
  const clock = new SimClock(Date.UTC(2026, 2, 2, 8, 0));
  let device: ConformanceDevice | undefined;
  try {
    return await runLive({
      protocol,
      expectedId: IDS[protocol],
      heartbeatS: HEARTBEAT_S,
      ...(protocol === "teltonika" ? { teltonikaIo: TELTONIKA_IO } : {}),
      port: 0,
      host: "127.0.0.1",
      interactive: true,
      ...(recordPath === undefined ? {} : { recordPath }),
      durationS: 0,
      stepTimeoutS: 0.5,
      clock: () => clock.nowMs,
      log: () => undefined,
      technician: { perform: (step) => device!.act(step.id) },
      async onListening(port) {
        device = new ConformanceDevice({
          protocol,
          host: "127.0.0.1",
          port,
          id: IDS[protocol],
          clock,
          heartbeatS: HEARTBEAT_S,
          misbehaviours,
        });
        await device.heartbeats(4);
      },
      afterSteps: () => device!.heartbeats(4),
    });
  } finally {
    device?.close();
  }
}
