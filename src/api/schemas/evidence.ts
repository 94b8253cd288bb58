/**
 * The schema of an alarm's evidence as the API shows it (see docs/evidence.md): registered once as
 * the `AlarmEvidence` component, referred to by the `Alarm` view.
 */
import { Type } from "@fastify/type-provider-typebox";
import { ALARM_TYPES } from "../../core/domain/model.js";
import { StringEnum, Time } from "./common.js";

const Opt = Type.Optional;
const Position = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 2,
  description: "[lon, lat] in degrees.",
});

export const EVIDENCE_ROLES = ["began", "worst", "last", "ended", "before", "located_by"] as const;

const EvidencePoint = Type.Object({
  at: Time,
  position: Opt(Position),
  fixAgeS: Opt(
    Type.Number({ description: "How much older than `at` the fix giving `position` is, in seconds." }),
  ),
  office: Opt(Type.String({ description: "The office zone where a passive seal was read." })),
});

const EvidenceReading = Type.Object({
  role: StringEnum(EVIDENCE_ROLES, {
    description:
      "began: first reading of the condition; worst: farthest off the corridor or lowest battery; last: latest still in the condition; ended: the reading that ended it; before: the seal state before an opening; located_by: the earlier fix that places a reading without a position.",
  }),
  deviceId: Type.String(),
  at: Time,
  receivedAt: Time,
  position: Opt(Position),
  seq: Opt(Type.Integer({ description: "The stored reading's place in the durable log." })),
  protocol: Opt(Type.String()),
  report: Opt(
    Type.Array(Type.String(), {
      description: 'What the device itself reported, e.g. "steel rope cut (JT701 bit 3)".',
    }),
  ),
});

const EvidenceMeasure = Type.Object(
  {
    type: StringEnum(ALARM_TYPES),
    distanceM: Opt(Type.Number({ description: "route_deviation: largest distance from the route." })),
    corridorM: Opt(Type.Number({ description: "route_deviation: the corridor's allowed distance." })),
    durationS: Opt(
      Type.Number({
        description: "route_deviation, unauthorized_stop, restricted_zone: how long it lasted.",
      }),
    ),
    minDurationS: Opt(Type.Number({ description: "route_deviation: how long off the corridor raises it." })),
    allowedS: Opt(
      Type.Number({ description: "unauthorized_stop: allowed stop; signal_loss: allowed silence." }),
    ),
    radiusM: Opt(Type.Number({ description: "unauthorized_stop: the stop radius." })),
    stopSpeedKmh: Opt(Type.Number({ description: "unauthorized_stop: at or below this speed is stopped." })),
    zoneId: Opt(Type.String({ description: "restricted_zone: the zone entered." })),
    zoneName: Opt(Type.String()),
    batteryPct: Opt(Type.Number({ description: "low_battery: lowest level reported." })),
    thresholdPct: Opt(Type.Number({ description: "low_battery: the alarm level." })),
    clearPct: Opt(Type.Number({ description: "low_battery: the level that clears it." })),
    silentS: Opt(Type.Number({ description: "signal_loss: time without a message." })),
    sinceArming: Opt(Type.Boolean({ description: "signal_loss: nothing received since arming." })),
    deadline: Opt(Time),
    lateS: Opt(Type.Number({ description: "overdue: time past the deadline." })),
    destination: Opt(Type.String({ description: "overdue: the destination office." })),
    destinationName: Opt(Type.String()),
    reports: Opt(Type.Integer({ description: "tamper: consecutive tamper reports." })),
    maxFixAgeS: Opt(Type.Number({ description: "unauthorized_opening: how old a locating fix may be." })),
    located: Opt(Type.Boolean({ description: "unauthorized_opening: whether a fix placed the opening." })),
    office: Opt(
      Type.String({ description: "unexpected_checkpoint, seal_mismatch: where the seal was read." }),
    ),
    officeName: Opt(Type.String()),
    expectedOffices: Opt(Type.Array(Type.String())),
    sealNumber: Opt(Type.String({ description: "seal_mismatch: the number found." })),
    declaredSeals: Opt(Type.Array(Type.String())),
  },
  { description: "The measured value against the threshold; which members are present depends on `type`." },
);

export const AlarmEvidenceView = Type.Object(
  {
    reason: Type.String({
      description: 'What happened in plain words, e.g. "steel rope cut (JT701 bit 3)".',
    }),
    measure: EvidenceMeasure,
    began: EvidencePoint,
    ended: Type.Union([EvidencePoint, Type.Null()]),
    readings: Type.Array(EvidenceReading),
    asOf: Time,
  },
  {
    $id: "AlarmEvidence",
    description:
      "Why the alarm was raised, where and on which readings. Durations of an alarm still open run to `asOf`.",
  },
);
