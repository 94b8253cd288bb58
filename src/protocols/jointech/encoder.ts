/**
 * What the platform sends to Jointech devices: the acknowledgements they wait for, the JT808-framed
 * answers of the JT709A/JT705A, and downlink commands. Text commands follow the vendor's JT701D
 * protocol manual V1.4 ("(" command word "," parameters ")"); the JT600 tracker commands (S07, S09,
 * S17) follow the JT600 command set.
 */
import { fromAscii } from "../bytes.js";

/** `(P35)`: the JT701's (before JT701D) answer to a binary frame that asked for one. */
export function encodeP35(): Uint8Array {
  return fromAscii("(P35)");
}

/** `(P69,0,serial)`: the general answer to JT701D binary frames, P45 lock reports and WLNET data. */
export function encodeP69(serial: number): Uint8Array {
  return fromAscii(`(P69,0,${serial})`);
}

/** `(S39)`: the answer to U01/U02/U03 position reports. */
export function encodeS39(): Uint8Array {
  return fromAscii("(S39)");
}

/** `(S20)`: the answer to a U06 alarm report. */
export function encodeS20(): Uint8Array {
  return fromAscii("(S20)");
}

/** `(P52,2,password)`: the answer to a dynamic-password report. */
export function encodeDynamicPasswordAck(password: string): Uint8Array {
  return fromAscii(`(P52,2,${password})`);
}

/** `(P22,DDMMYYhhmmss)`: grants UTC time to a device that asked for it with `(id,P22,2)`. */
export function encodeTimeSync(nowMs: number): Uint8Array {
  const d = new Date(nowMs);
  const two = (v: number): string => String(v).padStart(2, "0");
  return fromAscii(
    `(P22,${two(d.getUTCDate())}${two(d.getUTCMonth() + 1)}${two(d.getUTCFullYear() % 100)}` +
      `${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())})`,
  );
}

/** Commands for the JT701 e-lock and the JT600 trackers. */
export type JointechCommand =
  /** P43: unlock with the static password (default 888888). The lock answers `(id,P43,ok,wrongCount)`. */
  | { readonly type: "unlockStaticPassword"; readonly password: string }
  /** P52,3: unlock with the dynamic password the lock last reported (P52,2). */
  | { readonly type: "unlockDynamicPassword"; readonly password: string }
  | { readonly type: "engineStop" }
  | { readonly type: "engineResume" }
  /** S09: the device's time zone as an offset from UTC in minutes. */
  | { readonly type: "setTimezone"; readonly offsetMinutes: number }
  | { readonly type: "reboot" };

export type EncodeResult =
  | { readonly kind: "encoded"; readonly bytes: Uint8Array }
  | { readonly kind: "refused"; readonly detail: string };

/** A password may not hold the frame's own delimiters. */
const PASSWORD = /^[^(),=\s]{1,16}$/;

export function encodeJointechCommand(command: JointechCommand): EncodeResult {
  switch (command.type) {
    case "unlockStaticPassword":
    case "unlockDynamicPassword": {
      if (!PASSWORD.test(command.password)) {
        return { kind: "refused", detail: "a password is 1–16 characters without ( ) , = or spaces" };
      }
      const text =
        command.type === "unlockStaticPassword" ? `(P43,${command.password})` : `(P52,3,${command.password})`;
      return { kind: "encoded", bytes: fromAscii(text) };
    }
    case "engineStop":
      return { kind: "encoded", bytes: fromAscii("(S07,0)") };
    case "engineResume":
      return { kind: "encoded", bytes: fromAscii("(S07,1)") };
    case "setTimezone": {
      if (!Number.isInteger(command.offsetMinutes) || Math.abs(command.offsetMinutes) > 14 * 60) {
        return { kind: "refused", detail: "the offset is whole minutes within ±14 h" };
      }
      return { kind: "encoded", bytes: fromAscii(`(S09,1,${command.offsetMinutes})`) };
    }
    case "reboot":
      return { kind: "encoded", bytes: fromAscii("(S17)") };
  }
}

/** The JT808 message ids the JT709A/JT705A variant uses. */
export const JT808 = {
  terminalResponse: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  register: 0x0100,
  auth: 0x0102,
  location: 0x0200,
  locationJointech: 0x5501,
  locationJointechBlind: 0x5502,
  platformResponse: 0x8001,
  jointechResponse: 0x4401,
} as const;

export interface Jt808Message {
  readonly messageId: number;
  /** The terminal id as 12 decimal digits (6 BCD bytes). */
  readonly deviceId: string;
  readonly serial: number;
  readonly body: Uint8Array;
  /** 0x5501/0x5502 and their 0x4401 answer carry a one-byte serial; every other message two. */
  readonly serialBytes?: 1 | 2;
  /** Attribute bit 15: the Jointech messages' "answer me" flag. */
  readonly ackRequested?: boolean;
}

/** A whole escaped JT808 frame: 0x7e, header, body, XOR checksum, 0x7e. */
export function encodeJt808(message: Jt808Message): Uint8Array {
  const serialBytes = message.serialBytes ?? 2;
  const plain = new Uint8Array(4 + 6 + serialBytes + message.body.length + 1);
  plain[0] = message.messageId >> 8;
  plain[1] = message.messageId & 0xff;
  const attribute = (message.body.length & 0x3ff) | (message.ackRequested === true ? 0x8000 : 0);
  plain[2] = attribute >> 8;
  plain[3] = attribute & 0xff;
  const id = message.deviceId.padStart(12, "0").slice(-12);
  for (let i = 0; i < 6; i++) plain[4 + i] = parseInt(id.slice(i * 2, i * 2 + 2), 16);
  if (serialBytes === 1) plain[10] = message.serial & 0xff;
  else {
    plain[10] = (message.serial >> 8) & 0xff;
    plain[11] = message.serial & 0xff;
  }
  plain.set(message.body, 10 + serialBytes);
  let xor = 0;
  for (let i = 0; i < plain.length - 1; i++) xor ^= plain[i]!;
  plain[plain.length - 1] = xor;
  return escapeJt808(plain);
}

function escapeJt808(plain: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of plain) if (b === 0x7e || b === 0x7d) extra++;
  const out = new Uint8Array(plain.length + extra + 2);
  out[0] = 0x7e;
  let o = 1;
  for (const b of plain) {
    if (b === 0x7e || b === 0x7d) {
      out[o++] = 0x7d;
      out[o++] = b === 0x7e ? 0x02 : 0x01;
    } else out[o++] = b;
  }
  out[o] = 0x7e;
  return out;
}

/** 0x8001, the platform's general response: the serial and id of the message answered, result 0 (ok). */
export function encodeJt808GeneralResponse(
  deviceId: string,
  replySerial: number,
  replyMessageId: number,
  serial = 0,
): Uint8Array {
  const body = Uint8Array.of(
    replySerial >> 8,
    replySerial & 0xff,
    replyMessageId >> 8,
    replyMessageId & 0xff,
    0,
  );
  return encodeJt808({ messageId: JT808.platformResponse, deviceId, serial, body });
}

/** 0x4401, the Jointech answer to a 0x5501/0x5502 that set attribute bit 15: message id, result 0. */
export function encodeJt808JointechResponse(deviceId: string, replyMessageId: number): Uint8Array {
  const body = Uint8Array.of(replyMessageId >> 8, replyMessageId & 0xff, 0);
  return encodeJt808({ messageId: JT808.jointechResponse, deviceId, serial: 1, serialBytes: 1, body });
}

/** The answer to `(id,…,BASE,2,TIME)`: the same sentence with TIME replaced by UTC yyyyMMddHHmmss. */
export function encodeBaseTimeReply(sentence: string, nowMs: number): Uint8Array {
  const iso = new Date(nowMs).toISOString(); // 2024-01-02T03:04:05.678Z
  const stamp =
    iso.slice(0, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19);
  return fromAscii(sentence.replace(/TIME\)$/, `${stamp})`));
}
