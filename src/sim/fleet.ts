/**
 * The simulated fleet, planned from a seed: which corridor each conveyance runs, which device seals
 * it and over which transport the device talks, which company it belongs to, and for every trip how
 * long it takes and which incident (if any) befalls it. Pure: the same seed and size give the same
 * plan, so a demo or a test can be run again and compared.
 */
import { containerCheckDigit } from "../core/identifiers/container-number.js";
import { mrnCheckCharacter } from "../core/identifiers/mrn.js";
import { DEMO_CORRIDORS, type DemoCorridor } from "../demo/corridors.js";
import { Rng } from "./rng.js";

/** How a simulated device reaches the gateway. */
export type SimTransport = "jt701" | "teltonika" | "mqtt" | "http";

export const SIM_TRANSPORTS: readonly SimTransport[] = ["jt701", "teltonika", "mqtt", "http"];

/** What can go wrong on a trip; each maps to the alarm the engine should raise. */
export type IncidentKind =
  "deviation" | "stop" | "tamper" | "opening" | "signal_loss" | "low_battery" | "overdue";

export const INCIDENT_KINDS: readonly IncidentKind[] = [
  "deviation",
  "stop",
  "tamper",
  "opening",
  "signal_loss",
  "low_battery",
  "overdue",
];

/** The companies whose cargo the fleet carries (tenancy of trips and devices). */
export interface SimCompany {
  readonly id: string;
  readonly name: string;
  readonly kind: "trader" | "carrier";
  readonly country: string;
}

export const SIM_COMPANIES: readonly SimCompany[] = [
  { id: "northwind-trading", name: "Northwind Trading Ltd", kind: "trader", country: "KE" },
  { id: "lotus-logistics", name: "Lotus Logistics Co.", kind: "carrier", country: "TH" },
];

export interface VehiclePlan {
  readonly index: number;
  /** Short label, e.g. "TH-007". */
  readonly label: string;
  readonly corridor: DemoCorridor;
  readonly transport: SimTransport;
  /** Registry id of the device sealing the load. */
  readonly deviceId: string;
  /** What the device presents on its transport: JT701 lock id, Teltonika IMEI, or the device id. */
  readonly identifier: string;
  readonly vendor: string;
  readonly model: string;
  readonly companyId: string;
  /** Plate or wagon number. */
  readonly registration: string;
  readonly nationality: string;
  readonly driver: string;
  /** Wall-clock milliseconds between two reports (2–5 s: a compressed 5-minute interval). */
  readonly reportEveryMs: number;
  /** Device per-trip randomness (trip plans are drawn from it in order). */
  readonly seed: number;
}

export interface TripPlan {
  /** 1 for the vehicle's first trip in this run. */
  readonly number: number;
  /** Runs the corridor from its destination back to its origin. */
  readonly reverse: boolean;
  /** Where along the route the trip starts (first trips join the demo mid-way). */
  readonly startFraction: number;
  /** Wall-clock milliseconds from departure to arrival, were nothing to happen. */
  readonly travelMs: number;
  readonly incident?: IncidentKind;
  /** Wall-clock milliseconds after departure when the incident starts. */
  readonly incidentAfterMs: number;
  readonly speedKmh: number;
  readonly startBatteryPct: number;
  readonly mrn: string;
  readonly containers: readonly string[];
  readonly goods: string;
}

export interface FleetOptions {
  readonly seed: number;
  readonly vehicles: number;
}

/** Rule overrides every simulated trip carries: the contract's durations compressed like the clock. */
export const SIM_RULES = {
  deviationMinS: 8,
  stopMinS: 15,
  signalLossS: 20,
  openingFixMaxAgeS: 60,
} as const;

/** Reporting interval the devices are registered with (the simulated wall-clock interval, rounded up). */
export const SIM_REPORT_INTERVAL_S = 5;

const DRIVERS = [
  "Somchai P.",
  "Anan K.",
  "Wong Ka-ho",
  "Chan Tai-man",
  "Otieno W.",
  "Kamau N.",
  "Mwangi J.",
  "Juraj H.",
  "Peter K.",
  "Nattapong S.",
  "Achieng O.",
  "Lee Siu-ming",
];

const GOODS = [
  "Electronic components",
  "Frozen seafood",
  "Pharmaceuticals",
  "Automotive parts",
  "Textiles and garments",
  "Tea in bulk bags",
  "Mobile phones",
  "Machine tools",
  "Cut flowers",
  "Solar panels",
];

const CONTAINER_OWNERS = ["MSK", "CSQ", "OOL", "TGH", "MED", "HLX"];

/** How the corridors share the fleet (weights), and the transports their devices use. */
const CORRIDOR_WEIGHTS: Readonly<Record<string, number>> = {
  "TH-LCB-NKI": 3,
  "HK-ACT-LMC": 2,
  "KE-MSA-MLB": 3,
  "KE-MSA-NBO": 2,
  "SK-DOB-BTS": 2,
};

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** A container number with its ISO 6346 check digit. */
export function containerNumber(owner: string, serial: number): string {
  for (let s = serial; ; s++) {
    const body = `${owner}U${pad(s % 1_000_000, 6)}`;
    const check = containerCheckDigit(body);
    if (check === undefined) throw new Error(`not a container number body: ${body}`);
    // Remainder 10 gives an ambiguous check digit 0 that serials conventionally avoid.
    if (check.remainder !== 10) return `${body}${check.digit}`;
  }
}

/** A transit MRN (procedure category J) with its check character. */
export function transitMrn(year: number, country: string, office: string, serial: number): string {
  const place = office
    .replace(/[^A-Z]/g, "")
    .slice(0, 3)
    .padEnd(3, "X");
  for (let s = serial; ; s++) {
    const body = `${pad(year % 100, 2)}${country}${place}${pad(s % 1e9, 9)}J`;
    const check = mrnCheckCharacter(body);
    if (check === undefined) throw new Error(`not an MRN body: ${body}`);
    if (check.remainder !== 10) return `${body}${check.digit}`;
  }
}

function corridorOrder(): DemoCorridor[] {
  const order: DemoCorridor[] = [];
  for (const corridor of DEMO_CORRIDORS) {
    for (let i = 0; i < (CORRIDOR_WEIGHTS[corridor.id] ?? 1); i++) order.push(corridor);
  }
  return order;
}

function deviceOf(transport: SimTransport, country: string, index: number) {
  const n = index + 1;
  switch (transport) {
    case "jt701":
      return {
        deviceId: `ELK-${country}-${pad(n, 4)}`,
        // The lock id: 10 BCD digits in the `$` frame header.
        identifier: `70100${pad(n, 5)}`,
        vendor: "Jointech",
        model: "JT701",
      };
    case "teltonika":
      return {
        deviceId: `TRK-${country}-${pad(n, 4)}`,
        identifier: `35209110${pad(n, 7)}`,
        vendor: "Teltonika",
        model: "FMC130",
      };
    case "mqtt":
      return {
        deviceId: `ESM-${country}-${pad(n, 4)}`,
        identifier: `ESM-${country}-${pad(n, 4)}`,
        vendor: "Sealwatch",
        model: "e-seal MQTT",
      };
    case "http":
      return {
        deviceId: `ESH-${country}-${pad(n, 4)}`,
        identifier: `ESH-${country}-${pad(n, 4)}`,
        vendor: "Sealwatch",
        model: "e-seal HTTP",
      };
  }
}

function registrationOf(corridor: DemoCorridor, rng: Rng): string {
  switch (corridor.country) {
    case "TH":
      return `${rng.int(70, 79)}-${pad(rng.int(1, 9999), 4)}`;
    case "HK":
      return `${rng.pick(["KT", "LV", "XH", "UM"])} ${rng.int(100, 9999)}`;
    case "KE":
      return `K${rng.pick(["CA", "CB", "CC", "CD", "DA"])} ${rng.int(100, 999)}${String.fromCharCode(65 + rng.int(0, 25))}`;
    default:
      return `${rng.pick(["33 52", "31 54", "33 56"])} ${pad(rng.int(0, 9999), 4)}-${rng.int(0, 9)}`;
  }
}

/** Plans `options.vehicles` conveyances. */
export function planFleet(options: FleetOptions): VehiclePlan[] {
  const rng = new Rng(options.seed);
  const corridors = corridorOrder();
  const perCountry = new Map<string, number>();
  const vehicles: VehiclePlan[] = [];
  for (let index = 0; index < options.vehicles; index++) {
    const corridor = corridors[index % corridors.length]!;
    const transport = SIM_TRANSPORTS[Math.floor(index / corridors.length + index) % SIM_TRANSPORTS.length]!;
    const countryIndex = perCountry.get(corridor.country) ?? 0;
    perCountry.set(corridor.country, countryIndex + 1);
    const device = deviceOf(transport, corridor.country, index);
    vehicles.push({
      index,
      label: `${corridor.country}-${pad(countryIndex + 1, 3)}`,
      corridor,
      transport,
      ...device,
      companyId: SIM_COMPANIES[index % SIM_COMPANIES.length]!.id,
      registration:
        corridor.mode === "rail"
          ? `WAG ${rng.int(31, 33)} 56 ${pad(rng.int(0, 9999), 4)} ${rng.int(100, 999)}-${rng.int(0, 9)}`
          : registrationOf(corridor, rng),
      nationality: corridor.country,
      driver: corridor.mode === "rail" ? "ZSSK Cargo crew" : rng.pick(DRIVERS),
      reportEveryMs: Math.round(rng.between(2_000, 5_000)),
      seed: Math.floor(rng.next() * 2 ** 31),
    });
  }
  return vehicles;
}

/**
 * The plan of a vehicle's `number`-th trip. The first trips start part-way along their corridor and
 * meet their incident within the first minute, so that a newcomer sees alarms at once; later trips
 * start at an office and meet an incident one time in three.
 */
export function planTrip(
  vehicle: VehiclePlan,
  number: number,
  startedAtMs: number,
  /** Latest time after departure for a first trip's incident (default 40 s; tests shorten it). */
  firstIncidentWithinMs = 40_000,
): TripPlan {
  const rng = new Rng(vehicle.seed).fork(number * 7919);
  const first = number === 1;
  // First trips: every third vehicle meets an incident, the kinds in turn, so each shows up early.
  let incident: IncidentKind | undefined;
  if (first) {
    if (vehicle.index % 3 === 0) incident = INCIDENT_KINDS[(vehicle.index / 3) % INCIDENT_KINDS.length];
  } else if (rng.chance(0.35)) {
    incident = rng.pick(INCIDENT_KINDS);
  }
  const travelMs = Math.round(rng.between(4 * 60_000, 8 * 60_000));
  const year = new Date(startedAtMs).getUTCFullYear();
  const owner = rng.pick(CONTAINER_OWNERS);
  const containers =
    vehicle.corridor.mode === "rail" || rng.chance(0.3)
      ? [containerNumber(owner, rng.int(100_000, 999_999)), containerNumber(owner, rng.int(100_000, 999_999))]
      : [containerNumber(owner, rng.int(100_000, 999_999))];
  const reverse = !first && number % 2 === 0;
  const origin = reverse ? vehicle.corridor.destination : vehicle.corridor.origin;
  return {
    number,
    reverse,
    startFraction: first ? rng.between(0.05, 0.6) : 0,
    travelMs,
    ...(incident === undefined ? {} : { incident }),
    incidentAfterMs: first
      ? Math.round(rng.between(Math.min(12_000, firstIncidentWithinMs / 3), firstIncidentWithinMs))
      : Math.round(rng.between(0.2, 0.6) * travelMs),
    speedKmh: vehicle.corridor.mode === "rail" ? rng.between(45, 70) : rng.between(55, 85),
    startBatteryPct: incident === "low_battery" ? rng.int(19, 22) : rng.int(60, 100),
    mrn: transitMrn(
      year,
      vehicle.corridor.country === "HK" ? "HK" : vehicle.corridor.country,
      origin.slice(3),
      rng.int(0, 999_999_999),
    ),
    containers: [...new Set(containers)],
    goods: rng.pick(GOODS),
  };
}
