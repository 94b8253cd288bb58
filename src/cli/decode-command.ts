/** `sealwatch decode --protocol jt701|teltonika [--imei IMEI] HEX`: prints the readings of one frame. */
import { parseArgs } from "node:util";
import type { NormalizedReading } from "../core/domain/reading.js";
import { fromAscii, fromHex, toHex } from "../protocols/bytes.js";
import { createJointechFramer, decodeJointechFrame } from "../protocols/jointech/index.js";
import type { DecodeOutcome, Framer } from "../protocols/protocol.js";
import {
  createTeltonikaFramer,
  decodeTeltonikaFrame,
  decodeTeltonikaUdp,
} from "../protocols/teltonika/index.js";
import { UsageError, type Command, type CommandIo } from "./command.js";

const HELP = `Usage: sealwatch decode --protocol jt701|teltonika [--imei IMEI] [--udp] [--no-verify] HEX

Decodes one device frame and prints its normalized readings as a JSON array (times as UTC ISO 8601
strings, the raw frame as hex, 64-bit values as strings). The answer the device expects, if any, and
the identity the frame announces are printed on standard error.

HEX is the frame in hex (spaces allowed). A jt701 text frame may also be given as its ASCII text,
starting with "(".

Options:
  --protocol NAME  jt701 (Jointech JT701/JT600 $ and ( frames, JT709A/JT705A JT808 frames) or
                   teltonika (Codec 8 / 8E / 16)
  --imei IMEI      the IMEI a Teltonika connection logged in with (AVL packets carry none)
  --udp            the Teltonika frame is a UDP datagram
  --no-verify      decode even when the checksum or length is wrong (forensics)
  -h, --help       show this help

Exit codes: 0 decoded, 2 wrong arguments or a frame that cannot be read.`;

export const decodeCommand: Command = {
  name: "decode",
  summary: "decode one device frame (jt701 or teltonika) to normalized readings",
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        protocol: { type: "string" },
        imei: { type: "string" },
        udp: { type: "boolean", default: false },
        "no-verify": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    const protocol = values.protocol;
    if (protocol !== "jt701" && protocol !== "teltonika") {
      throw new UsageError("--protocol must be jt701 or teltonika", HELP);
    }
    if (positionals.length === 0) throw new UsageError("decode takes one frame (HEX)", HELP);
    const input = positionals.join(" ").trim();
    const bytes = protocol === "jt701" && input.startsWith("(") ? fromAscii(input) : fromHex(input);
    if (bytes === undefined || bytes.length === 0) {
      io.err("decode: the frame is not hex (pairs of 0-9, a-f)");
      return 2;
    }
    const verify = values["no-verify"] !== true;
    let outcomes: DecodeOutcome[];
    if (protocol === "teltonika" && values.udp === true) {
      outcomes = [decodeTeltonikaUdp(bytes, { verifyCrc: verify })];
    } else {
      const framed = frames(
        protocol === "jt701" ? createJointechFramer() : createTeltonikaFramer(),
        bytes,
        io,
      );
      if (framed === undefined) return 2;
      outcomes = framed.map((frame) =>
        protocol === "jt701"
          ? decodeJointechFrame(frame, { nowMs: Date.now(), verifyChecksum: verify })
          : decodeTeltonikaFrame(frame, {
              verifyCrc: verify,
              ...(values.imei !== undefined ? { deviceId: values.imei } : {}),
            }),
      );
    }
    const readings: NormalizedReading[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === "rejected") {
        const hint = outcome.rejection.reason === "unknown_device" ? " (pass --imei)" : "";
        io.err(
          `decode: cannot read the frame: ${outcome.rejection.reason}: ${outcome.rejection.detail}${hint}`,
        );
        return 2;
      }
      readings.push(...outcome.readings);
      if (outcome.identity !== undefined) io.err(`identity: ${outcome.identity}`);
      if (outcome.commandResult !== undefined) io.err(`command result: ${outcome.commandResult}`);
      if (outcome.ack !== undefined) io.err(`answer: ${toHex(outcome.ack)}${printable(outcome.ack)}`);
    }
    io.out(JSON.stringify(readings.map(toJson), jsonValue, 2));
    return 0;
  },
};

/** The whole frames in `bytes`, or undefined (after saying why) when they are not exactly whole frames. */
function frames(framer: Framer, bytes: Uint8Array, io: CommandIo): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (const item of framer.push(bytes)) {
    if (item.kind === "rejected") {
      io.err(`decode: cannot read the frame: ${item.rejection.reason}: ${item.rejection.detail}`);
      return undefined;
    }
    out.push(item.frame);
  }
  if (framer.buffered > 0) {
    io.err(
      `decode: cannot read the frame: truncated (${framer.buffered} bytes wait for the rest of a frame)`,
    );
    return undefined;
  }
  return out;
}

function printable(bytes: Uint8Array): string {
  return bytes.every((b) => b >= 0x20 && b < 0x7f)
    ? ` ${JSON.stringify(Buffer.from(bytes).toString("latin1"))}`
    : "";
}

function toJson(reading: NormalizedReading): Record<string, unknown> {
  const { deviceId, atMs, raw, ...rest } = reading;
  return { deviceId, at: new Date(atMs).toISOString(), ...rest, raw: toHex(raw) };
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
