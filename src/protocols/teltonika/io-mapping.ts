/**
 * Which Teltonika IO elements mean seal, tamper and battery, per device model. Teltonika devices
 * carry no fixed "seal" field: an installer wires the seal's loop to a digital input, or a BLE seal
 * reports through an IO, so the meaning is configuration. The default only reads the battery level
 * (IO 113, "Battery Level" in percent on the FMB/FMC/FMM families); seal and tamper are set per model.
 *
 * Example: a seal loop on DIN1 (IO 1, 1 when the loop is closed) and a case switch on DIN2 (IO 2):
 *   { seal: { io: 1, closedWhen: 1 }, tamper: { io: 2, tamperedWhen: 1 }, batteryPct: { io: 113 } }
 */
import type { NormalizedReading } from "../../core/domain/reading.js";

export interface TeltonikaIoMapping {
  /** "closed" when the IO equals `closedWhen`, "open" when it holds another value. */
  readonly seal?: { readonly io: number; readonly closedWhen: number };
  /** True when the IO equals `tamperedWhen`, false when it holds another value. */
  readonly tamper?: { readonly io: number; readonly tamperedWhen: number };
  /** Battery level in percent: the IO's value times `scale` (default 1); values outside 0–100 are ignored. */
  readonly batteryPct?: { readonly io: number; readonly scale?: number };
}

export interface TeltonikaIoMappingTable {
  /** For models not listed (and when the model is unknown). */
  readonly default: TeltonikaIoMapping;
  /** By device model name, e.g. "FMC130". */
  readonly models: Readonly<Record<string, TeltonikaIoMapping>>;
}

export const DEFAULT_TELTONIKA_IO_MAPPING: TeltonikaIoMapping = Object.freeze({
  batteryPct: Object.freeze({ io: 113 }),
});

export const DEFAULT_TELTONIKA_IO_TABLE: TeltonikaIoMappingTable = Object.freeze({
  default: DEFAULT_TELTONIKA_IO_MAPPING,
  models: Object.freeze({}),
});

export function mappingForModel(
  table: TeltonikaIoMappingTable,
  model: string | undefined,
): TeltonikaIoMapping {
  return (model !== undefined ? table.models[model] : undefined) ?? table.default;
}

/** What is wrong with a mapping (empty when it is usable); checked once when configuration is loaded. */
export function ioMappingProblems(mapping: TeltonikaIoMapping): string[] {
  const problems: string[] = [];
  const ioOk = (io: number): boolean => Number.isInteger(io) && io >= 0 && io <= 0xffff;
  if (mapping.seal !== undefined) {
    if (!ioOk(mapping.seal.io)) problems.push(`seal.io ${mapping.seal.io} is not an IO id (0–65535)`);
    if (!Number.isFinite(mapping.seal.closedWhen)) problems.push("seal.closedWhen is not a number");
  }
  if (mapping.tamper !== undefined) {
    if (!ioOk(mapping.tamper.io)) problems.push(`tamper.io ${mapping.tamper.io} is not an IO id (0–65535)`);
    if (!Number.isFinite(mapping.tamper.tamperedWhen)) problems.push("tamper.tamperedWhen is not a number");
  }
  if (mapping.batteryPct !== undefined) {
    if (!ioOk(mapping.batteryPct.io))
      problems.push(`batteryPct.io ${mapping.batteryPct.io} is not an IO id (0–65535)`);
    const scale = mapping.batteryPct.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) problems.push("batteryPct.scale is not a positive number");
  }
  return problems;
}

function numeric(value: number | bigint | string | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}

/** The reading with seal, tamper and battery set from its IO elements as `mapping` says. */
export function applyIoMapping(reading: NormalizedReading, mapping: TeltonikaIoMapping): NormalizedReading {
  const vendor = reading.vendor;
  if (vendor?.vendor !== "teltonika") return reading;
  const io = vendor.io;
  let seal = reading.seal;
  let tamper = reading.tamper;
  let batteryPct = reading.batteryPct;
  if (mapping.seal !== undefined) {
    const v = numeric(io[mapping.seal.io]);
    if (v !== undefined) seal = v === mapping.seal.closedWhen ? "closed" : "open";
  }
  if (mapping.tamper !== undefined) {
    const v = numeric(io[mapping.tamper.io]);
    if (v !== undefined) tamper = v === mapping.tamper.tamperedWhen;
  }
  if (mapping.batteryPct !== undefined) {
    const v = numeric(io[mapping.batteryPct.io]);
    const pct = v === undefined ? undefined : v * (mapping.batteryPct.scale ?? 1);
    if (pct !== undefined && pct >= 0 && pct <= 100) batteryPct = pct;
  }
  return {
    ...reading,
    ...(seal !== undefined ? { seal } : {}),
    ...(tamper !== undefined ? { tamper } : {}),
    ...(batteryPct !== undefined ? { batteryPct } : {}),
  };
}
