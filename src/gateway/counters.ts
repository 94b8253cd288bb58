/**
 * What the gateway counts, for the metrics endpoint and the tests: frames (or messages) received,
 * rejections by transport and reason, readings acknowledged, connections opened, open and closed by
 * reason. Plain numbers; a Prometheus exporter reads `snapshot()`.
 */
import type { RejectionReason } from "../protocols/protocol.js";

/** How a reading reached the gateway. */
export type Transport = "jt701" | "teltonika" | "teltonika-udp" | "mqtt" | "http" | "epcis";

export const TRANSPORTS: readonly Transport[] = [
  "jt701",
  "teltonika",
  "teltonika-udp",
  "mqtt",
  "http",
  "epcis",
];

/** Why a frame, a message or an item was refused (the protocol's reasons and the gateway's own). */
export type RejectReason =
  | RejectionReason
  /** The device is registered but retired. */
  | "retired_device"
  /** A frame or message names another device than the connection, topic or envelope. */
  | "identity_mismatch"
  /** A frame whose first byte arrived more than `deviceFrameTimeoutS` ago is still incomplete. */
  | "slow_frame"
  /** The store could not take the readings: no acknowledgement, the device sends them again. */
  | "store_failed"
  /** A reading holds a value the store cannot keep (READING_REFUSED): dropped, the frame answered. */
  | "unstorable"
  /** A device that must sign its messages sent one unsigned. */
  | "unsigned"
  /** The envelope names a key the device does not have. */
  | "unknown_key"
  /** The envelope's key was retired before the message arrived. */
  | "retired_key"
  /** The MAC does not match or the ciphertext does not authenticate: forged or altered. */
  | "forged"
  /** The counter is not above the last one accepted with that key. */
  | "replayed"
  /** The JSON does not follow the reading schema or the envelope format. */
  | "invalid"
  /** A message or body over its size limit. */
  | "too_large"
  /** An MQTT publish outside `sealwatch/devices/{deviceId}/readings`. */
  | "bad_topic"
  /** A passive read names an office that is not an office zone. */
  | "unknown_office"
  /** Too many datagrams already wait for the store: dropped unanswered, the device resends. */
  | "overloaded";

/** Every reason, once (a test keeps docs/protocols/mqtt-http.md in step with it). */
const REASONS: Readonly<Record<RejectReason, true>> = {
  malformed: true,
  oversized: true,
  bad_checksum: true,
  unsupported: true,
  unknown_device: true,
  implausible: true,
  retired_device: true,
  identity_mismatch: true,
  slow_frame: true,
  store_failed: true,
  unstorable: true,
  unsigned: true,
  unknown_key: true,
  retired_key: true,
  forged: true,
  replayed: true,
  invalid: true,
  too_large: true,
  bad_topic: true,
  unknown_office: true,
  overloaded: true,
};

export const REJECT_REASONS = Object.keys(REASONS) as readonly RejectReason[];

/** Why a device connection ended. */
export type CloseReason =
  | "peer_closed"
  | "idle_timeout"
  | "too_many_bad_frames"
  | "slow_frame"
  | "refused_login"
  | "identity_mismatch"
  | "socket_error"
  | "shutdown"
  /** A frame went unanswered with later frames behind it: their answers would be taken for its. */
  | "unanswered_frame"
  /** No login (no accepted frame naming a device) within `deviceLoginTimeoutS`. */
  | "login_timeout"
  /** Too many connections not yet logged in from the peer's address, or the listener is full. */
  | "too_many_connections"
  /** The device sent more than its frame or byte budget for `deviceOverBudgetCloseS` on end. */
  | "over_budget";

export interface CountersSnapshot {
  readonly framesReceived: Readonly<Record<string, number>>;
  readonly rejected: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly readingsAcknowledged: Readonly<Record<string, number>>;
  readonly readingsDuplicate: Readonly<Record<string, number>>;
  readonly connectionsOpened: Readonly<Record<string, number>>;
  readonly connectionsOpen: Readonly<Record<string, number>>;
  readonly connectionsClosed: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly commandsSent: number;
}

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

function nested(record: Record<string, Record<string, number>>, key: string): Record<string, number> {
  let inner = record[key];
  if (inner === undefined) record[key] = inner = {};
  return inner;
}

export class GatewayCounters {
  private readonly framesReceived: Record<string, number> = {};
  private readonly rejections: Record<string, Record<string, number>> = {};
  private readonly acks: Record<string, number> = {};
  private readonly duplicates: Record<string, number> = {};
  private readonly opened: Record<string, number> = {};
  private readonly open: Record<string, number> = {};
  private readonly closed: Record<string, Record<string, number>> = {};
  private commands = 0;

  /** A whole frame (TCP), message (MQTT) or item (HTTP) arrived. */
  received(transport: Transport, count = 1): void {
    bump(this.framesReceived, transport, count);
  }

  rejected(transport: Transport, reason: RejectReason): void {
    bump(nested(this.rejections, transport), reason);
  }

  /** Readings made durable and acknowledged (duplicates counted apart as well). */
  acknowledged(transport: Transport, readings: number, duplicates = 0): void {
    bump(this.acks, transport, readings);
    if (duplicates > 0) bump(this.duplicates, transport, duplicates);
  }

  connectionOpened(transport: Transport): void {
    bump(this.opened, transport);
    bump(this.open, transport);
  }

  connectionClosed(transport: Transport, reason: CloseReason): void {
    bump(this.open, transport, -1);
    bump(nested(this.closed, transport), reason);
  }

  commandSent(): void {
    this.commands++;
  }

  /** How many of `transport`'s inputs were rejected for `reason` (all reasons when omitted). */
  rejectedCount(transport: Transport, reason?: RejectReason): number {
    const byReason = this.rejections[transport] ?? {};
    if (reason !== undefined) return byReason[reason] ?? 0;
    return Object.values(byReason).reduce((a, b) => a + b, 0);
  }

  acknowledgedCount(transport: Transport): number {
    return this.acks[transport] ?? 0;
  }

  closedCount(transport: Transport, reason: CloseReason): number {
    return this.closed[transport]?.[reason] ?? 0;
  }

  snapshot(): CountersSnapshot {
    const copyNested = (r: Record<string, Record<string, number>>): Record<string, Record<string, number>> =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { ...v }]));
    return {
      framesReceived: { ...this.framesReceived },
      rejected: copyNested(this.rejections),
      readingsAcknowledged: { ...this.acks },
      readingsDuplicate: { ...this.duplicates },
      connectionsOpened: { ...this.opened },
      connectionsOpen: { ...this.open },
      connectionsClosed: copyNested(this.closed),
      commandsSent: this.commands,
    };
  }
}
