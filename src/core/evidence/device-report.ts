/**
 * What a device itself reported, in plain words, from a stored reading's normalized fields and its
 * vendor details: which JT701 lock-status bits were set, which Teltonika IO element triggered the
 * record, what an EPCIS event or a JSON message said. Only what bears on the alarm is named.
 */
import type { AlarmType } from "../domain/model.js";
import type { JointechLockStatus } from "../domain/reading.js";

/** The fields of a stored reading the words are made from (a `ReadingRecord` fits). */
export interface ReportedReading {
  readonly protocol: string;
  readonly kind?: "message" | "read";
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  readonly office?: string;
  readonly readStatus?: "intact" | "broken";
  /** Vendor details as stored (JSON): see `VendorDetails`. */
  readonly vendor?: unknown;
}

/** JT701 lock-status bits that explain an alarm, with their bit numbers and words. */
const JOINTECH_BITS: readonly {
  readonly flag: keyof JointechLockStatus;
  readonly bit: number;
  readonly words: string;
  readonly bears: readonly AlarmType[];
}[] = [
  { flag: "ropeCut", bit: 3, words: "steel rope cut", bears: ["tamper", "unauthorized_opening"] },
  { flag: "backCapOpened", bit: 12, words: "back cap opened", bears: ["tamper", "unauthorized_opening"] },
  { flag: "vibration", bit: 4, words: "vibration alarm", bears: ["tamper"] },
  { flag: "unlockAlarm", bit: 8, words: "left unlocked too long", bears: ["unauthorized_opening"] },
  { flag: "fiveWrongPasswords", bit: 9, words: "five wrong passwords", bears: ["tamper"] },
  {
    flag: "illegalRfidCard",
    bit: 10,
    words: "unauthorized RFID card swiped",
    bears: ["tamper", "unauthorized_opening"],
  },
  {
    flag: "motorFault",
    bit: 14,
    words: "motor fault, lock stuck",
    bears: ["tamper", "unauthorized_opening"],
  },
  { flag: "lowBattery", bit: 11, words: "battery low", bears: ["low_battery"] },
];

/** Common Teltonika AVL IO ids (FMB/FMC/FMM families) and their names. */
const TELTONIKA_IO_NAMES: Readonly<Record<number, string>> = {
  1: "digital input 1",
  2: "digital input 2",
  3: "digital input 3",
  66: "external voltage",
  67: "battery voltage",
  113: "battery level",
  179: "digital output 1",
  239: "ignition",
  240: "movement",
  246: "towing detection",
  247: "crash detection",
  249: "jamming detection",
  252: "unplug detection",
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jointechWords(vendor: Json, alarm: AlarmType, reading: ReportedReading): string[] {
  const status = vendor.lockStatus;
  const words: string[] = [];
  if (isRecord(status)) {
    for (const { flag, bit, words: text, bears } of JOINTECH_BITS) {
      if (status[flag] === true && bears.includes(alarm)) words.push(`${text} (JT701 bit ${bit})`);
    }
    if (alarm === "unauthorized_opening" && reading.seal === "open") {
      if (status.ropeInserted === false) words.push("steel rope pulled out (JT701 bit 6 clear)");
      if (status.motorLocked === false) words.push("lock motor unlocked (JT701 bit 7 clear)");
    }
  }
  const message = typeof vendor.message === "string" ? vendor.message : undefined;
  if (words.length === 0 && message !== undefined) {
    const generic = genericWords(reading, alarm);
    return generic.map((w) => `${w} (Jointech ${message} message)`);
  }
  return words;
}

function teltonikaWords(vendor: Json, alarm: AlarmType, reading: ReportedReading): string[] {
  const io = isRecord(vendor.io) ? vendor.io : {};
  const eventIoId = typeof vendor.eventIoId === "number" ? vendor.eventIoId : 0;
  const generic = genericWords(reading, alarm);
  if (eventIoId === 0) return generic.map((w) => `${w} (Teltonika IO elements)`);
  const name = TELTONIKA_IO_NAMES[eventIoId];
  const value = io[String(eventIoId)];
  const event = `Teltonika event on IO ${eventIoId}${name === undefined ? "" : ` (${name})`}${
    typeof value === "number" || typeof value === "string" ? ` = ${value}` : ""
  }`;
  return generic.length === 0 ? [event] : generic.map((w) => `${w} (${event})`);
}

function epcisWords(vendor: Json, alarm: AlarmType, reading: ReportedReading): string[] {
  const parts: string[] = [];
  if (typeof vendor.disposition === "string") parts.push(`disposition ${lastSegment(vendor.disposition)}`);
  if (typeof vendor.bizStep === "string") parts.push(`step ${lastSegment(vendor.bizStep)}`);
  if (typeof vendor.readPoint === "string") parts.push(`read point ${vendor.readPoint}`);
  const generic = genericWords(reading, alarm);
  const said = parts.length === 0 ? "EPCIS event" : `EPCIS event: ${parts.join(", ")}`;
  return generic.length === 0 ? [said] : generic.map((w) => `${w} (${said})`);
}

function lastSegment(uri: string): string {
  const cut = Math.max(uri.lastIndexOf("/"), uri.lastIndexOf(":"));
  return uri.slice(cut + 1);
}

/** Words from the normalized fields alone, for the alarm at hand. */
function genericWords(reading: ReportedReading, alarm: AlarmType): string[] {
  switch (alarm) {
    case "tamper":
      if (reading.readStatus === "broken") return ["seal found broken when read"];
      return reading.tamper === true ? ["tampering reported"] : [];
    case "unauthorized_opening":
      return reading.seal === "open" ? ["seal reported open"] : [];
    case "low_battery":
      return reading.batteryPct === undefined ? [] : [`battery ${reading.batteryPct} % reported`];
    case "route_deviation":
    case "unauthorized_stop":
    case "restricted_zone":
    case "signal_loss":
    case "overdue":
    case "unexpected_checkpoint":
    case "seal_mismatch":
      // Measured by Sealwatch, not reported by the device.
      return [];
  }
}

/** The device's own words about `alarm` in one stored reading; empty when it says nothing about it. */
export function deviceReportWords(reading: ReportedReading, alarm: AlarmType): string[] {
  const vendor = isRecord(reading.vendor) ? reading.vendor : undefined;
  switch (vendor?.vendor) {
    case "jointech":
      return jointechWords(vendor, alarm, reading);
    case "teltonika":
      return teltonikaWords(vendor, alarm, reading);
    case "epcis":
      return epcisWords(vendor, alarm, reading);
    default: {
      const via = reading.protocol === "scenario" ? "scenario input" : `${reading.protocol} message`;
      return genericWords(reading, alarm).map((w) => `${w} (${via})`);
    }
  }
}
