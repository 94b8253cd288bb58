/**
 * Reads a packet capture (libpcap `.pcap`, microsecond or nanosecond, either byte order; or
 * `.pcapng`) of a device talking TCP to a server, and gives the kit's events: per TCP connection an
 * open, the device's bytes and the server's answers reassembled in sequence order (retransmissions
 * dropped, segments out of order put back in place), and a close. Link layers: Ethernet (with VLAN
 * tags), Linux cooked (SLL, SLL2), raw IP and BSD loopback; IPv4 and IPv6.
 *
 * Nothing in a capture is trusted: a truncated packet, a fragment, a lost segment or an unknown
 * link layer becomes an "unreadable" event that says so, and reading goes on.
 */
import type { CaptureEvent } from "./events.js";

export interface PcapOptions {
  /** The server's TCP port; without it, the port the first connection was opened to. */
  readonly serverPort?: number;
}

interface Packet {
  readonly atMs: number;
  readonly linkType: number;
  readonly data: Uint8Array;
}

interface Segment {
  readonly atMs: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly syn: boolean;
  readonly fin: boolean;
  readonly rst: boolean;
  readonly ack: boolean;
  readonly payload: Uint8Array;
}

type Problem = { readonly atMs?: number; readonly detail: string };

const MAX_PACKETS = 5_000_000;

/** Whether `bytes` starts like a pcap or pcapng file. */
export function looksLikePcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const m = Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString("hex");
  return ["a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1", "0a0d0d0a"].includes(m);
}

function readPcap(bytes: Uint8Array, problems: Problem[]): Packet[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 24) {
    problems.push({ detail: "pcap: shorter than its 24-byte header" });
    return [];
  }
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (at: number): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const linkType = u32(20) & 0xffff;
  const packets: Packet[] = [];
  let at = 24;
  while (at + 16 <= b.length && packets.length < MAX_PACKETS) {
    const sec = u32(at);
    const frac = u32(at + 4);
    const caplen = u32(at + 8);
    if (at + 16 + caplen > b.length) {
      problems.push({
        detail: `pcap: the last packet is cut short (${b.length - at - 16} of ${caplen} bytes)`,
      });
      break;
    }
    packets.push({
      atMs: sec * 1000 + (nano ? frac / 1e6 : frac / 1e3),
      linkType,
      data: bytes.subarray(at + 16, at + 16 + caplen),
    });
    at += 16 + caplen;
  }
  if (at < b.length && at + 16 > b.length)
    problems.push({ detail: `pcap: ${b.length - at} trailing byte(s)` });
  return packets;
}

function readPcapng(bytes: Uint8Array, problems: Problem[]): Packet[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: Packet[] = [];
  let le = true;
  const interfaces: { linkType: number; unitsPerS: number }[] = [];
  let at = 0;
  while (at + 12 <= b.length && packets.length < MAX_PACKETS) {
    let type = le ? b.readUInt32LE(at) : b.readUInt32BE(at);
    if (type === 0x0a0d0d0a) {
      le = b.readUInt32LE(at + 8) === 0x1a2b3c4d;
      type = 0x0a0d0d0a;
      interfaces.length = 0;
    }
    const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u16 = (o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const length = u32(at + 4);
    if (length < 12 || length % 4 !== 0 || at + length > b.length) {
      problems.push({ detail: `pcapng: a block of ${length} bytes at offset ${at} does not fit` });
      break;
    }
    if (type === 1 && length >= 20) {
      let unitsPerS = 1e6;
      for (let o = at + 16; o + 4 <= at + length - 4;) {
        const code = u16(o);
        const len = u16(o + 2);
        if (code === 0) break;
        if (code === 9 && len >= 1) {
          const v = b[o + 4]!;
          unitsPerS = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
        }
        o += 4 + Math.ceil(len / 4) * 4;
      }
      interfaces.push({ linkType: u16(at + 8), unitsPerS });
    } else if (type === 6 && length >= 32) {
      const iface = interfaces[u32(at + 8)];
      const caplen = u32(at + 20);
      if (iface === undefined || 28 + caplen > length) {
        problems.push({ detail: `pcapng: a packet block at offset ${at} names no interface or overruns` });
      } else {
        const units = u32(at + 12) * 2 ** 32 + u32(at + 16);
        packets.push({
          atMs: (units / iface.unitsPerS) * 1000,
          linkType: iface.linkType,
          data: bytes.subarray(at + 28, at + 28 + caplen),
        });
      }
    }
    at += length;
  }
  return packets;
}

/** The IP packet inside a link-layer frame, or why not. */
function ipOf(p: Packet): Uint8Array | string {
  const d = p.data;
  let offset: number;
  let ethertype: number | undefined;
  switch (p.linkType) {
    case 0: // BSD loopback: a 4-byte address family in host order
      offset = 4;
      break;
    case 1: {
      offset = 14;
      if (d.length < 14) return "Ethernet frame too short";
      ethertype = (d[12]! << 8) | d[13]!;
      while ((ethertype === 0x8100 || ethertype === 0x88a8) && d.length >= offset + 4) {
        ethertype = (d[offset + 2]! << 8) | d[offset + 3]!;
        offset += 4;
      }
      break;
    }
    case 12:
    case 101:
      offset = 0;
      break;
    case 113:
      if (d.length < 16) return "Linux cooked frame too short";
      ethertype = (d[14]! << 8) | d[15]!;
      offset = 16;
      break;
    case 276:
      if (d.length < 20) return "Linux cooked (v2) frame too short";
      ethertype = (d[0]! << 8) | d[1]!;
      offset = 20;
      break;
    default:
      return `link type ${p.linkType} is not read (Ethernet, Linux cooked, raw IP and loopback are)`;
  }
  if (ethertype !== undefined && ethertype !== 0x0800 && ethertype !== 0x86dd) return "";
  return d.subarray(offset);
}

function address(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  return Buffer.from(bytes)
    .toString("hex")
    .replace(/(.{4})(?!$)/g, "$1:");
}

/** The TCP segment in an IP packet; "" for packets that are not TCP (skipped quietly). */
function segmentOf(ip: Uint8Array, atMs: number): Segment | string {
  if (ip.length < 1) return "empty IP packet";
  const version = ip[0]! >> 4;
  let src: string;
  let dst: string;
  let tcp: Uint8Array;
  if (version === 4) {
    const ihl = (ip[0]! & 15) * 4;
    if (ip.length < 20 || ihl < 20 || ip.length < ihl) return "IPv4 header cut short";
    if (ip[9] !== 6) return "";
    const flagsFrag = (ip[6]! << 8) | ip[7]!;
    if ((flagsFrag & 0x2000) !== 0 || (flagsFrag & 0x1fff) !== 0)
      return "a fragmented IPv4 packet (not reassembled)";
    const total = (ip[2]! << 8) | ip[3]!;
    src = address(ip.subarray(12, 16));
    dst = address(ip.subarray(16, 20));
    tcp = ip.subarray(ihl, Math.min(ip.length, Math.max(ihl, total)));
  } else if (version === 6) {
    if (ip.length < 40) return "IPv6 header cut short";
    if (ip[6] !== 6)
      return ip[6] === 17 || ip[6] === 58 ? "" : "an IPv6 packet with extension headers (not read)";
    const payloadLength = (ip[4]! << 8) | ip[5]!;
    src = address(ip.subarray(8, 24));
    dst = address(ip.subarray(24, 40));
    tcp = ip.subarray(40, Math.min(ip.length, 40 + payloadLength));
  } else return "";
  if (tcp.length < 20) return "TCP header cut short";
  const dataOffset = (tcp[12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > tcp.length) return "TCP header length out of range";
  const flags = tcp[13]!;
  return {
    atMs,
    src,
    dst,
    srcPort: (tcp[0]! << 8) | tcp[1]!,
    dstPort: (tcp[2]! << 8) | tcp[3]!,
    seq: ((tcp[4]! << 24) | (tcp[5]! << 16) | (tcp[6]! << 8) | tcp[7]!) >>> 0,
    fin: (flags & 1) !== 0,
    syn: (flags & 2) !== 0,
    rst: (flags & 4) !== 0,
    ack: (flags & 16) !== 0,
    payload: tcp.subarray(dataOffset),
  };
}

/** Sequence-space difference a − b (32-bit wraparound). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** One direction of a TCP connection, reassembled. */
class Reassembly {
  private next: number | undefined;
  private readonly held: { seq: number; atMs: number; payload: Uint8Array }[] = [];

  constructor(
    private readonly emit: (atMs: number, bytes: Uint8Array) => void,
    private readonly lost: (atMs: number, detail: string) => void,
  ) {}

  segment(s: Segment): void {
    if (s.syn) this.next = (s.seq + 1) >>> 0;
    if (s.payload.length === 0) return;
    this.next ??= s.seq;
    this.held.push({ seq: s.seq, atMs: s.atMs, payload: s.payload });
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const i = this.held.findIndex((h) => seqDiff(h.seq, this.next!) <= 0);
      if (i < 0) break;
      const h = this.held.splice(i, 1)[0]!;
      const skip = seqDiff(this.next!, h.seq);
      if (skip < h.payload.length) {
        this.emit(h.atMs, h.payload.subarray(skip));
        this.next = (h.seq + h.payload.length) >>> 0;
      }
    }
    if (this.held.length > 1000) this.flush();
  }

  /** Gives up on what is missing: says how much, and goes on from the next held segment. */
  flush(): void {
    while (this.held.length > 0) {
      const first = this.held.reduce((a, b) => (seqDiff(b.seq, a.seq) < 0 ? b : a));
      this.lost(
        first.atMs,
        `${seqDiff(first.seq, this.next!)} byte(s) of the TCP stream are missing from the capture`,
      );
      this.next = first.seq;
      this.drain();
    }
  }
}

interface Flow {
  readonly key: string;
  readonly events: CaptureEvent[];
  readonly firstAtMs: number;
  readonly toServer: Reassembly;
  readonly toDevice: Reassembly;
  closed: boolean;
}

/** The kit's events of the TCP connections to the server in a pcap or pcapng file. */
export function readPcapEvents(bytes: Uint8Array, options: PcapOptions = {}): CaptureEvent[] {
  const problems: Problem[] = [];
  const pcapng =
    bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
  const packets = pcapng ? readPcapng(bytes, problems) : readPcap(bytes, problems);
  const segments: Segment[] = [];
  const reasons = new Map<string, number>();
  for (const p of packets) {
    const ip = ipOf(p);
    const seg = typeof ip === "string" ? ip : segmentOf(ip, p.atMs);
    if (typeof seg === "string") {
      if (seg !== "") reasons.set(seg, (reasons.get(seg) ?? 0) + 1);
      continue;
    }
    segments.push(seg);
  }
  let serverPort = options.serverPort;
  serverPort ??= segments.find((s) => s.syn && !s.ack)?.dstPort;
  serverPort ??= segments.find((s) => s.payload.length > 0)?.dstPort;
  const flows = new Map<string, Flow>();
  const ordered: Flow[] = [];
  for (const s of segments) {
    const toServer = s.dstPort === serverPort;
    if (!toServer && s.srcPort !== serverPort) continue;
    const key = toServer ? `${s.src}:${s.srcPort}` : `${s.dst}:${s.dstPort}`;
    let flow = flows.get(key);
    if (flow === undefined || (flow.closed && s.syn && toServer)) {
      const events: CaptureEvent[] = [{ kind: "connection", phase: "open", atMs: s.atMs }];
      const lost = (atMs: number, detail: string): void => {
        events.push({ kind: "unreadable", atMs, detail, gap: true });
      };
      flow = {
        key,
        events,
        firstAtMs: s.atMs,
        toServer: new Reassembly(
          (atMs, b) => events.push({ kind: "bytes", direction: "device", atMs, bytes: b }),
          lost,
        ),
        toDevice: new Reassembly(
          (atMs, b) => events.push({ kind: "bytes", direction: "server", atMs, bytes: b }),
          lost,
        ),
        closed: false,
      };
      flows.set(key, flow);
      ordered.push(flow);
    }
    (toServer ? flow.toServer : flow.toDevice).segment(s);
    if ((s.fin || s.rst) && !flow.closed) {
      flow.toServer.flush();
      flow.toDevice.flush();
      flow.events.push({ kind: "connection", phase: "close", atMs: s.atMs });
      flow.closed = true;
    }
  }
  const events: CaptureEvent[] = problems.map((p) => ({ kind: "unreadable", detail: p.detail }));
  for (const [reason, n] of reasons) events.push({ kind: "unreadable", detail: `${n} packet(s): ${reason}` });
  if (serverPort === undefined)
    events.push({ kind: "unreadable", detail: "no TCP connection found in the capture" });
  for (const flow of ordered.sort((a, b) => a.firstAtMs - b.firstAtMs)) {
    flow.toServer.flush();
    flow.toDevice.flush();
    events.push(...flow.events);
    if (!flow.closed) events.push({ kind: "connection", phase: "close" });
  }
  return events;
}
