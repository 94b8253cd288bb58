/**
 * Assembles a trip's risk record from the store: its devices, its readings from arming to the
 * moment evaluated, its alarms with their outcomes, and the history around it (the corridor's past
 * transit times, the trader's and carrier's past trips and confirmed incidents, the devices' past
 * tamper alarms). The evaluation itself is pure (`core/risk/evaluate.ts`).
 */
import { resolveRules } from "../core/domain/rules.js";
import type { RiskCompany, RiskHistory, RiskReading, RiskRecord } from "../core/risk/record.js";
import type { AlarmRecord, CompanyRecord, ReadingRecord, Store, TripRecord } from "../store/ports.js";

/** What the history of every trip shares, read once for a batch of evaluations (what-if, figures). */
export interface HistoryIndex {
  readonly trips: readonly TripRecord[];
  /** Trips with a confirmed breach or an irregularity found at inspection. */
  readonly incidentTrips: ReadonlySet<string>;
  readonly tamperAlarms: readonly AlarmRecord[];
  readonly companies: ReadonlyMap<string, CompanyRecord>;
}

export async function historyIndex(store: Store): Promise<HistoryIndex> {
  const [trips, resolved, inspections, tamperAlarms, companies] = await Promise.all([
    store.trips.list({ states: ["arrived", "closed"] }),
    store.alarms.list({ workflow: ["resolved"] }),
    store.inspections.list(),
    store.alarms.list({ types: ["tamper"] }),
    store.access.companies(),
  ]);
  const incidentTrips = new Set<string>();
  for (const alarm of resolved)
    if (alarm.outcome === "confirmed_breach" && !alarm.retracted) incidentTrips.add(alarm.trip);
  for (const inspection of inspections)
    if (inspection.outcome?.result === "irregularity_found") incidentTrips.add(inspection.tripId);
  return {
    trips,
    incidentTrips,
    tamperAlarms: tamperAlarms.filter(
      (a) => !a.retracted && a.outcome !== "false_alarm" && a.outcome !== "technical_fault",
    ),
    companies: new Map(companies.map((c) => [c.id, c])),
  };
}

export function carrierOf(trip: TripRecord): string | undefined {
  const declaration = trip.declaration as { carrierId?: unknown } | undefined;
  return typeof declaration?.carrierId === "string" ? declaration.carrierId : undefined;
}

/** The history of `trip` as of `beforeMs`: only trips that arrived before it count. */
export function historyOf(trip: TripRecord, index: HistoryIndex, beforeMs: number): RiskHistory {
  const past = index.trips.filter(
    (t) => t.id !== trip.id && t.arrivedAtMs !== undefined && t.arrivedAtMs < beforeMs,
  );
  const company = (id: string | undefined, role: "trader" | "carrier"): RiskCompany | undefined => {
    if (id === undefined) return undefined;
    const theirs = past.filter((t) => (role === "trader" ? t.companyId === id : carrierOf(t) === id));
    const record = index.companies.get(id);
    return {
      id,
      name: record?.name ?? id,
      ...(record?.aeo === undefined ? {} : { aeo: record.aeo }),
      pastTrips: theirs.length,
      confirmedIncidents: theirs.filter((t) => index.incidentTrips.has(t.id)).length,
    };
  };
  const devicePastTamperAlarms: Record<string, number> = {};
  for (const alarm of index.tamperAlarms)
    if (
      alarm.device !== null &&
      alarm.trip !== trip.id &&
      alarm.startedAtMs < beforeMs &&
      trip.devices.includes(alarm.device)
    )
      devicePastTamperAlarms[alarm.device] = (devicePastTamperAlarms[alarm.device] ?? 0) + 1;
  const trader = company(trip.companyId, "trader");
  const carrier = company(carrierOf(trip), "carrier");
  return {
    corridorTransitsMs: past
      .filter(
        (t) => t.origin === trip.origin && t.destination === trip.destination && t.armedAtMs !== undefined,
      )
      .map((t) => t.arrivedAtMs! - t.armedAtMs!),
    ...(trader === undefined ? {} : { trader }),
    ...(carrier === undefined ? {} : { carrier }),
    devicePastTamperAlarms,
  };
}

function riskReading(r: ReadingRecord): RiskReading {
  return {
    deviceId: r.deviceId,
    kind: r.kind,
    atMs: r.atMs,
    ...(r.lon === undefined ? {} : { lon: r.lon }),
    ...(r.lat === undefined ? {} : { lat: r.lat }),
    ...(r.valid === undefined ? {} : { valid: r.valid }),
    ...(r.seal === undefined ? {} : { seal: r.seal }),
    ...(r.batteryPct === undefined ? {} : { batteryPct: r.batteryPct }),
    ...(r.office === undefined ? {} : { office: r.office }),
    ...(r.readStatus === undefined ? {} : { readStatus: r.readStatus }),
  };
}

/** The trip's own part of the record, as of `asOfMs`, with `alarms` as they are now (their outcomes). */
export async function loadRiskRecord(
  store: Store,
  trip: TripRecord,
  asOfMs: number,
  history: RiskHistory,
  randomDraw: number,
  alarms?: readonly AlarmRecord[],
): Promise<RiskRecord> {
  const fromMs = trip.armedAtMs ?? asOfMs;
  const devices = [];
  const readings: RiskReading[] = [];
  for (const id of trip.devices) {
    const device = await store.devices.get(id);
    devices.push({
      id,
      class: device?.class ?? "active",
      ...(device?.reportIntervalS === undefined ? {} : { reportIntervalS: device.reportIntervalS }),
    });
    for (const r of await store.readings.forDevice(id, fromMs, asOfMs + 1)) readings.push(riskReading(r));
  }
  readings.sort((a, b) => a.atMs - b.atMs);
  const tripAlarms = alarms ?? (await store.alarms.forTrip(trip.id));
  return {
    trip: {
      id: trip.id,
      origin: trip.origin,
      destination: trip.destination,
      route: trip.route,
      corridorM: resolveRules(trip.rules).corridorM,
      deadlineMs: trip.deadlineMs,
      ...(trip.armedAtMs === undefined ? {} : { armedAtMs: trip.armedAtMs }),
      ...(trip.arrivedAtMs === undefined || trip.arrivedAtMs > asOfMs
        ? {}
        : { arrivedAtMs: trip.arrivedAtMs }),
    },
    devices,
    readings,
    alarms: tripAlarms
      .filter((a) => a.startedAtMs <= asOfMs)
      .map((a) => ({
        id: a.id,
        type: a.type,
        severity: a.severity,
        device: a.device,
        startedAtMs: a.startedAtMs,
        clearedAtMs: a.clearedAtMs !== null && a.clearedAtMs > asOfMs ? null : a.clearedAtMs,
        retracted: a.retracted,
        workflow: a.workflow,
        ...(a.outcome === undefined ? {} : { outcome: a.outcome }),
        ...(a.zone === undefined ? {} : { zone: a.zone }),
        ...(a.evidence === undefined
          ? {}
          : {
              evidence: {
                reason: a.evidence.reason,
                ...(a.evidence.began.position === undefined ? {} : { began: a.evidence.began.position }),
              },
            }),
      })),
    history,
    asOfMs,
    randomDraw,
  };
}
