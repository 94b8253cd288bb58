/**
 * Response schemas: the shapes of `views.ts`, registered once by id so that the OpenAPI document
 * lists each as a component and every route refers to it.
 */
import { Type } from "@fastify/type-provider-typebox";
import { AlarmEvidenceView } from "./evidence.js";
import { HandoverView, KeySet, PartnerView } from "./federation.js";
import { ALARM_TYPES } from "../../core/domain/model.js";
import { RULE_KEYS } from "../../core/domain/rules.js";
import { ROLES } from "../../store/ports.js";
import { ErrorResponse, StringEnum, Time } from "./common.js";

export const ROLE_VALUES = ROLES;
export const ZONE_KINDS = ["office", "rest", "restricted"] as const;
export const DEVICE_CLASSES = ["active", "semi-active", "passive"] as const;
export const DEVICE_PROTOCOLS = ["jt701", "teltonika", "mqtt", "http", "epcis"] as const;
export const LIFECYCLES = ["in_stock", "assigned", "in_use", "maintenance", "retired"] as const;
export const TRIP_STATES = ["declared", "armed", "in_transit", "arrived", "closed", "cancelled"] as const;
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const WORKFLOWS = ["open", "acknowledged", "resolved"] as const;
export const OUTCOMES = ["confirmed_breach", "false_alarm", "technical_fault"] as const;
export const AEO_STATUSES = ["AEOC", "AEOS", "AEOF"] as const;
export const CONVEYANCE_MODES = ["road", "rail", "sea", "air"] as const;
export const ALARM_TYPE_VALUES = ALARM_TYPES;

const Opt = Type.Optional;
const Geometry = Type.Object({
  type: Type.String(),
  coordinates: Type.Unknown({ description: "GeoJSON coordinates, [lon, lat] order." }),
});

export const ZoneView = Type.Object(
  {
    type: Type.Literal("Feature"),
    id: Type.String(),
    geometry: Geometry,
    properties: Type.Object({
      kind: StringEnum(ZONE_KINDS),
      name: Opt(Type.String()),
      officeCode: Opt(Type.String()),
      unLocode: Opt(Type.String()),
      radiusM: Opt(Type.Number()),
      createdAt: Time,
      updatedAt: Time,
    }),
  },
  { $id: "Zone", description: "A zone (office, rest area or restricted area) as a GeoJSON Feature." },
);

export const ZoneCollection = Type.Object(
  { type: Type.Literal("FeatureCollection"), features: Type.Array(Type.Ref("Zone")) },
  { $id: "ZoneCollection" },
);

export const DeviceView = Type.Object(
  {
    id: Type.String(),
    class: StringEnum(DEVICE_CLASSES),
    vendor: Type.String(),
    model: Type.String(),
    protocol: Type.String(),
    identifiers: Type.Array(Type.String()),
    reportIntervalS: Opt(Type.Number()),
    lifecycle: StringEnum(LIFECYCLES),
    companyId: Opt(Type.String()),
    settings: Opt(Type.Unknown()),
    activeTripId: Opt(Type.String({ description: "The live trip the device is on, if any." })),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: "Device" },
);

const RulesView = Type.Object(Object.fromEntries(RULE_KEYS.map((key) => [key, Opt(Type.Number())])));

export const TripView = Type.Object(
  {
    id: Type.String(),
    reference: Opt(Type.String()),
    mrn: Opt(Type.String()),
    state: StringEnum(TRIP_STATES),
    origin: Type.String(),
    destination: Type.String(),
    checkpoints: Type.Array(Type.String()),
    route: Type.Object({
      type: Type.Literal("LineString"),
      coordinates: Type.Array(Type.Array(Type.Number())),
    }),
    devices: Type.Array(Type.String()),
    deadline: Time,
    rules: RulesView,
    companyId: Opt(Type.String()),
    carrierId: Opt(Type.String()),
    containers: Type.Array(Type.String()),
    seals: Type.Array(Type.String()),
    conveyance: Opt(
      Type.Object({
        mode: StringEnum(CONVEYANCE_MODES),
        registration: Opt(Type.String()),
        nationality: Opt(Type.String()),
        imo: Opt(Type.String()),
        driver: Opt(Type.String()),
      }),
    ),
    goodsDescription: Opt(Type.String()),
    declaredBy: Opt(Type.String()),
    armedAt: Opt(Time),
    inTransitAt: Opt(Time),
    arrivedAt: Opt(Time),
    closedAt: Opt(Time),
    cancelledAt: Opt(Time),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: "Trip" },
);

export const AlarmView = Type.Object(
  {
    id: Type.String(),
    type: StringEnum(ALARM_TYPES),
    severity: StringEnum(SEVERITIES),
    tripId: Type.String(),
    deviceId: Type.Union([Type.String(), Type.Null()]),
    zone: Opt(Type.String()),
    startedAt: Time,
    clearedAt: Type.Union([Time, Type.Null()]),
    retracted: Type.Boolean({ description: "Later data showed the alarm never happened." }),
    workflow: StringEnum(WORKFLOWS),
    assignee: Opt(Type.String()),
    outcome: Opt(StringEnum(OUTCOMES)),
    raisedAt: Time,
    ackDueAt: Time,
    acknowledgedAt: Opt(Time),
    resolvedAt: Opt(Time),
    escalatedAt: Opt(Time),
    updatedAt: Time,
    evidence: Opt(Type.Ref("AlarmEvidence")),
  },
  { $id: "Alarm" },
);

export const AlarmActionView = Type.Object(
  {
    id: Type.String(),
    alarmId: Type.String(),
    action: StringEnum(["acknowledge", "assign", "comment", "resolve", "escalate", "report"]),
    actor: Type.String(),
    at: Time,
    details: Opt(Type.Unknown()),
  },
  { $id: "AlarmAction" },
);

export const AuditView = Type.Object(
  {
    seq: Type.Integer(),
    at: Time,
    actor: Type.String(),
    action: Type.String(),
    subjectType: Type.String(),
    subjectId: Type.String(),
    details: Opt(Type.Unknown()),
    prevHash: Type.String(),
    hash: Type.String(),
  },
  { $id: "AuditRecord" },
);

export const UserView = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: StringEnum(ROLE_VALUES),
    companyId: Opt(Type.String()),
    offices: Type.Array(Type.String()),
    disabled: Type.Boolean(),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: "User" },
);

export const CompanyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: StringEnum(["trader", "carrier", "operator"]),
    country: Opt(Type.String()),
    aeo: Opt(StringEnum(AEO_STATUSES)),
    createdAt: Time,
  },
  { $id: "Company" },
);

export const ApiKeyView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: StringEnum(ROLE_VALUES),
    companyId: Opt(Type.String()),
    offices: Type.Array(Type.String()),
    createdAt: Time,
    revokedAt: Opt(Time),
  },
  { $id: "ApiKey" },
);

export const DeviceCommandView = Type.Object(
  {
    id: Type.String(),
    deviceId: Type.String(),
    tripId: Opt(Type.String()),
    command: Type.String(),
    status: StringEnum(["queued", "sent", "acknowledged", "failed"]),
    actor: Type.String(),
    createdAt: Time,
    sentAt: Opt(Time),
    acknowledgedAt: Opt(Time),
    error: Opt(Type.String()),
  },
  { $id: "DeviceCommand" },
);

export const DeviceKeyView = Type.Object(
  {
    deviceId: Type.String(),
    keyId: Type.String(),
    algorithm: StringEnum(["hmac-sha256", "aes-256-gcm"]),
    createdAt: Time,
    retiredAt: Opt(Time),
    lastCounter: Type.Integer(),
  },
  { $id: "DeviceKey" },
);

/** Every shared schema, registered on the app before the routes. */
export const SHARED_SCHEMAS = [
  ErrorResponse,
  ZoneView,
  ZoneCollection,
  DeviceView,
  TripView,
  AlarmEvidenceView,
  AlarmView,
  AlarmActionView,
  AuditView,
  UserView,
  CompanyView,
  ApiKeyView,
  DeviceCommandView,
  DeviceKeyView,
  KeySet,
  PartnerView,
  HandoverView,
];
