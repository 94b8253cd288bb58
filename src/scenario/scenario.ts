/**
 * The scenario format of the monitoring contract (section 4): zones, devices, trips, inputs in arrival
 * order, and optionally the expected result. A malformed scenario is reported with every offending
 * path; a malformed *input* is not an error here (the replay rejects it and goes on).
 */
import type { Device, DeviceClass, RuleOverrides, TripSpec, Zone, ZoneKind } from "../core/domain/model.js";
import { validateSealIdentifiers } from "../core/identifiers/index.js";
import { RULE_KEYS } from "../core/domain/rules.js";
import type { LonLat } from "../core/geo/sphere.js";
import { checkPolygon } from "../core/geo/polygon-check.js";
import type { ZoneShape } from "../core/geo/zone-index.js";
import {
  Problems,
  checkArray,
  checkNumber,
  checkPosition,
  checkString,
  checkTime,
  describe,
  isObject,
  join,
} from "./json-checks.js";

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly zones: Zone[];
  readonly devices: Device[];
  readonly trips: TripSpec[];
  /** Raw inputs, in arrival order; each is checked when replayed. */
  readonly inputs: unknown[];
  /** The `expected` block, unparsed (see `expected.ts`). */
  readonly expected: unknown;
}

export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the scenario is malformed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

const ZONE_KINDS: readonly ZoneKind[] = ["office", "rest", "restricted"];
const DEVICE_CLASSES: readonly DeviceClass[] = ["active", "semi-active", "passive"];

/** Checks a parsed JSON document and returns the scenario, or throws `ScenarioError` listing every problem. */
export function parseScenario(document: unknown): Scenario {
  const problems = new Problems();
  if (!isObject(document)) {
    throw new ScenarioError([`a scenario must be a JSON object, got ${describe(document)}`]);
  }
  const name = checkString(document, "name", "", problems, { optional: true }) ?? "";
  const description = checkString(document, "description", "", problems, { optional: true }) ?? "";

  const zones: Zone[] = [];
  const zoneKinds = new Map<string, ZoneKind>();
  (checkArray(document, "zones", "", problems) ?? []).forEach((raw, i) => {
    const zone = parseZone(raw, `zones[${i}]`, problems);
    if (zone === undefined) return;
    if (zoneKinds.has(zone.id)) problems.add(`zones[${i}].id`, `zone id "${zone.id}" is used twice`);
    else {
      zoneKinds.set(zone.id, zone.kind);
      zones.push(zone);
    }
  });

  const devices: Device[] = [];
  const deviceIds = new Set<string>();
  (checkArray(document, "devices", "", problems) ?? []).forEach((raw, i) => {
    const device = parseDevice(raw, `devices[${i}]`, problems);
    if (device === undefined) return;
    if (deviceIds.has(device.id)) problems.add(`devices[${i}].id`, `device id "${device.id}" is used twice`);
    else {
      deviceIds.add(device.id);
      devices.push(device);
    }
  });

  const trips: TripSpec[] = [];
  const tripIds = new Set<string>();
  (checkArray(document, "trips", "", problems) ?? []).forEach((raw, i) => {
    const trip = parseTrip(raw, `trips[${i}]`, problems, zoneKinds, deviceIds);
    if (trip === undefined) return;
    if (tripIds.has(trip.id)) problems.add(`trips[${i}].id`, `trip id "${trip.id}" is used twice`);
    else {
      tripIds.add(trip.id);
      trips.push(trip);
    }
  });

  const inputs = checkArray(document, "inputs", "", problems) ?? [];
  const expected = document.expected;
  if (expected !== undefined && !isObject(expected))
    problems.add("expected", `must be an object, got ${describe(expected)}`);
  if (!problems.empty) throw new ScenarioError(problems.list);
  return { name, description, zones, devices, trips, inputs, expected };
}

function parseZone(raw: unknown, path: string, problems: Problems): Zone | undefined {
  if (!isObject(raw)) {
    problems.add(path, `a zone must be an object, got ${describe(raw)}`);
    return undefined;
  }
  const id = checkString(raw, "id", path, problems);
  const kindText = checkString(raw, "kind", path, problems);
  const name = checkString(raw, "name", path, problems, { optional: true });
  let kind: ZoneKind | undefined;
  if (kindText !== undefined) {
    if ((ZONE_KINDS as readonly string[]).includes(kindText)) kind = kindText as ZoneKind;
    else problems.add(join(path, "kind"), `"${kindText}" is not one of ${ZONE_KINDS.join(", ")}`);
  }
  let shape: ZoneShape | undefined;
  const hasPolygon = raw.polygon !== undefined;
  const hasCircle = raw.circle !== undefined;
  if (hasPolygon === hasCircle) {
    problems.add(
      path,
      hasPolygon ? "a zone has either a polygon or a circle, not both" : "a zone needs a polygon or a circle",
    );
  } else if (hasPolygon) {
    shape = parsePolygon(raw.polygon, join(path, "polygon"), problems);
  } else {
    shape = parseCircle(raw.circle, join(path, "circle"), problems);
  }
  if (id === undefined || kind === undefined || shape === undefined) return undefined;
  return name === undefined ? { id, kind, shape } : { id, kind, name, shape };
}

function parsePolygon(raw: unknown, path: string, problems: Problems): ZoneShape | undefined {
  if (!Array.isArray(raw)) {
    problems.add(path, `a polygon is an array of [lon, lat] pairs, got ${describe(raw)}`);
    return undefined;
  }
  const ring: LonLat[] = [];
  let ok = true;
  raw.forEach((point, i) => {
    const position = checkPosition(point, `${path}[${i}]`, problems);
    if (position === undefined) ok = false;
    else ring.push(position);
  });
  if (!ok) return undefined;
  // A scenario polygon may leave out the closing position; the checks of zone geometry then apply.
  const closed =
    ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1];
  const checked = checkPolygon([closed || ring.length === 0 ? ring : [...ring, ring[0]!]]);
  if (!checked.ok) {
    problems.add(path, checked.reason);
    return undefined;
  }
  return { type: "polygon", ring: checked.rings[0]! };
}

function parseCircle(raw: unknown, path: string, problems: Problems): ZoneShape | undefined {
  if (!isObject(raw)) {
    problems.add(path, `a circle is { "center": [lon, lat], "radiusM": number }, got ${describe(raw)}`);
    return undefined;
  }
  let center: LonLat | undefined;
  if (raw.center === undefined) problems.add(join(path, "center"), "is required");
  else center = checkPosition(raw.center, join(path, "center"), problems);
  const radiusM = checkNumber(raw, "radiusM", path, problems, { min: 0, exclusiveMin: true });
  if (center === undefined || radiusM === undefined) return undefined;
  return { type: "circle", center, radiusM };
}

function parseDevice(raw: unknown, path: string, problems: Problems): Device | undefined {
  if (!isObject(raw)) {
    problems.add(path, `a device must be an object, got ${describe(raw)}`);
    return undefined;
  }
  const id = checkString(raw, "id", path, problems);
  const classText = checkString(raw, "class", path, problems);
  let deviceClass: DeviceClass | undefined;
  if (classText !== undefined) {
    if ((DEVICE_CLASSES as readonly string[]).includes(classText)) deviceClass = classText as DeviceClass;
    else problems.add(join(path, "class"), `"${classText}" is not one of ${DEVICE_CLASSES.join(", ")}`);
  }
  const reportIntervalS = checkNumber(raw, "reportIntervalS", path, problems, {
    min: 0,
    exclusiveMin: true,
    optional: true,
  });
  if (id === undefined || deviceClass === undefined) return undefined;
  return reportIntervalS === undefined
    ? { id, class: deviceClass }
    : { id, class: deviceClass, reportIntervalS };
}

function parseTrip(
  raw: unknown,
  path: string,
  problems: Problems,
  zoneKinds: ReadonlyMap<string, ZoneKind>,
  deviceIds: ReadonlySet<string>,
): TripSpec | undefined {
  if (!isObject(raw)) {
    problems.add(path, `a trip must be an object, got ${describe(raw)}`);
    return undefined;
  }
  let ok = true;
  const office = (value: string | undefined, at: string): void => {
    if (value === undefined) return;
    const kind = zoneKinds.get(value);
    if (kind === undefined) {
      problems.add(at, `"${value}" is not a zone of this scenario`);
      ok = false;
    } else if (kind !== "office") {
      problems.add(at, `"${value}" is a ${kind} zone, not an office`);
      ok = false;
    }
  };
  const id = checkString(raw, "id", path, problems);
  const reference = checkString(raw, "reference", path, problems, { optional: true });
  const origin = checkString(raw, "origin", path, problems);
  office(origin, join(path, "origin"));
  const destination = checkString(raw, "destination", path, problems);
  office(destination, join(path, "destination"));
  const deadlineMs = checkTime(raw, "deadline", path, problems);

  const devices: string[] = [];
  const rawDevices = checkArray(raw, "devices", path, problems);
  if (rawDevices !== undefined) {
    if (rawDevices.length === 0) {
      problems.add(join(path, "devices"), "a trip needs at least one device");
      ok = false;
    }
    rawDevices.forEach((device, i) => {
      const at = `${join(path, "devices")}[${i}]`;
      if (typeof device !== "string") {
        problems.add(at, `must be a device id, got ${describe(device)}`);
        ok = false;
      } else if (!deviceIds.has(device)) {
        problems.add(at, `"${device}" is not a device of this scenario`);
        ok = false;
      } else if (devices.includes(device)) {
        problems.add(at, `device "${device}" is listed twice`);
        ok = false;
      } else devices.push(device);
    });
  }

  const route: LonLat[] = [];
  const rawRoute = checkArray(raw, "route", path, problems);
  if (rawRoute !== undefined) {
    if (rawRoute.length === 0) {
      problems.add(join(path, "route"), "a route needs at least one [lon, lat] vertex");
      ok = false;
    }
    rawRoute.forEach((point, i) => {
      const position = checkPosition(point, `${join(path, "route")}[${i}]`, problems);
      if (position === undefined) ok = false;
      else route.push(position);
    });
  }

  const rawCheckpoints = checkArray(raw, "checkpoints", path, problems, true);
  const checkpoints: string[] | undefined = rawCheckpoints === undefined ? undefined : [];
  if (rawCheckpoints !== undefined && checkpoints !== undefined) {
    rawCheckpoints.forEach((checkpoint, i) => {
      const at = `${join(path, "checkpoints")}[${i}]`;
      if (typeof checkpoint !== "string") {
        problems.add(at, `must be an office id, got ${describe(checkpoint)}`);
        ok = false;
        return;
      }
      office(checkpoint, at);
      checkpoints.push(checkpoint);
    });
  }

  const rules = parseRules(raw.rules, join(path, "rules"), problems);
  if (rules === null) ok = false;

  // Extension: the declared seal numbers (ISO 17712 / ISO 18185), for seal_mismatch.
  let seals: readonly string[] | undefined;
  if (raw.seals !== undefined) {
    const checked = validateSealIdentifiers(raw.seals);
    if (checked.ok) seals = checked.value;
    else {
      problems.add(join(path, "seals"), checked.reason);
      ok = false;
    }
  }
  if (
    !ok ||
    id === undefined ||
    origin === undefined ||
    destination === undefined ||
    deadlineMs === undefined
  ) {
    return undefined;
  }
  const spec: TripSpec = { id, origin, destination, route, devices, deadlineMs };
  return {
    ...spec,
    ...(reference === undefined ? {} : { reference }),
    ...(checkpoints === undefined ? {} : { checkpoints }),
    ...(rules === undefined || rules === null ? {} : { rules }),
    ...(seals === undefined ? {} : { seals }),
  };
}

/** Returns the overrides, undefined when absent, or null when malformed (problems recorded). */
function parseRules(raw: unknown, path: string, problems: Problems): RuleOverrides | undefined | null {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    problems.add(path, `rules must be an object, got ${describe(raw)}`);
    return null;
  }
  const overrides: Record<string, number> = {};
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (!(RULE_KEYS as string[]).includes(key)) {
      problems.add(join(path, key), `unknown rule (the rules are ${RULE_KEYS.join(", ")})`);
      ok = false;
      continue;
    }
    const max = key === "lowBatteryPct" || key === "lowBatteryClearPct" ? 100 : undefined;
    const exclusiveMin = key === "signalLossS";
    const number = checkNumber(raw, key, path, problems, {
      min: 0,
      exclusiveMin,
      ...(max === undefined ? {} : { max }),
    });
    if (number === undefined) ok = false;
    else overrides[key] = number;
  }
  return ok ? overrides : null;
}
