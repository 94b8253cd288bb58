/** The trip facts every canonical event carries, from the stored trip and zones (pure). */
import type { AlarmRecord, TripRecord, ZoneRecord } from "../store/ports.js";
import {
  eaeuCode,
  type AlarmFacts,
  type AlarmOutcomeKind,
  type EventPlace,
  type TripFacts,
} from "./events.js";

/** Zones by id, as the adapters look offices up. */
export type ZoneLookup = ReadonlyMap<string, ZoneRecord>;

interface DeclarationShape {
  readonly mrn?: string;
  readonly lrn?: string;
  readonly containers?: readonly string[];
  readonly seals?: readonly string[];
  readonly conveyance?: {
    readonly mode?: string;
    readonly registration?: string;
    readonly nationality?: string;
  };
}

export function tripFacts(trip: TripRecord, zones: ZoneLookup): TripFacts {
  const declaration = (trip.declaration ?? {}) as DeclarationShape;
  const originCode = zones.get(trip.origin)?.officeCode;
  const destinationCode = zones.get(trip.destination)?.officeCode;
  const conveyance = declaration.conveyance;
  return {
    id: trip.id,
    ...(trip.reference === undefined ? {} : { reference: trip.reference }),
    ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
    origin: trip.origin,
    destination: trip.destination,
    ...(originCode === undefined ? {} : { originCode }),
    ...(destinationCode === undefined ? {} : { destinationCode }),
    containers: [...(declaration.containers ?? [])],
    seals: [...(declaration.seals ?? [])],
    ...(conveyance === undefined
      ? {}
      : {
          conveyance: {
            ...(conveyance.mode === undefined ? {} : { mode: conveyance.mode }),
            ...(conveyance.registration === undefined ? {} : { registration: conveyance.registration }),
            ...(conveyance.nationality === undefined ? {} : { nationality: conveyance.nationality }),
          },
        }),
  };
}

/** An office as a place: its zone id, customs code, UN/LOCODE and country (from the code). */
export function officePlace(office: string, zones: ZoneLookup): EventPlace {
  const zone = zones.get(office);
  const code = zone?.officeCode;
  return {
    office,
    ...(code === undefined ? {} : { officeCode: code, country: code.slice(0, 2) }),
    ...(zone?.unLocode === undefined ? {} : { unLocode: zone.unLocode }),
  };
}

export function alarmFacts(
  alarm: AlarmRecord,
  resolution?: { outcome: AlarmOutcomeKind; notes?: string },
): AlarmFacts {
  const outcome = resolution?.outcome ?? alarm.outcome;
  const evidence = alarm.evidence;
  return {
    id: alarm.id,
    type: alarm.type,
    severity: alarm.severity,
    startedAtMs: alarm.startedAtMs,
    clearedAtMs: alarm.clearedAtMs,
    ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
    eaeuCode: eaeuCode(alarm.type, outcome),
    ...(outcome === undefined ? {} : { outcome }),
    ...(resolution?.notes === undefined ? {} : { notes: resolution.notes }),
    ...(evidence === undefined ? {} : { evidence }),
  };
}
