/**
 * The inspection at destination as the API shows it: the risk recommendation (channel, score, every
 * reason with its points), the officer's decision and the outcome of the check. Staff see it all;
 * traders see the channel and the release (and the reasons when the configuration says so).
 */
import { Type } from "@fastify/type-provider-typebox";
import { CHANNELS } from "../../core/risk/rule-set.js";
import { INSPECTION_DECISIONS, INSPECTION_RESULTS } from "../../store/inspection-ports.js";
import { StringEnum, Time } from "./common.js";

const Opt = Type.Optional;

export const RISK_FACTORS = [
  "alarm",
  "seal",
  "route",
  "signal",
  "transit",
  "device",
  "trader",
  "carrier",
  "random",
] as const;

export const RiskReasonView = Type.Object(
  {
    factor: StringEnum(RISK_FACTORS),
    code: Type.String({ description: 'Stable code, e.g. "alarm.unauthorized_opening", "signal.gaps".' }),
    weight: Type.Number({ description: "Points added to the score (negative: a credit)." }),
    text: Type.String({ description: "The reason in an officer's words." }),
    floor: Opt(StringEnum(CHANNELS, { description: "The lowest channel this reason imposes." })),
    alarmId: Opt(Type.String()),
    position: Opt(Type.Array(Type.Number(), { description: "[lon, lat] where it began." })),
    at: Opt(Time),
  },
  { $id: "RiskReason" },
);

export const InspectionView = Type.Object(
  {
    tripId: Type.String(),
    office: Type.String({ description: "The destination office, where the decision is taken." }),
    state: StringEnum(["live", "fixed"], {
      description: "live: evaluated now while the trip travels; fixed: evaluated at arrival and kept.",
    }),
    channel: StringEnum(CHANNELS, {
      description:
        "green: release; yellow: documentary check and seal verification; red: physical inspection.",
    }),
    recommendedDecision: StringEnum(INSPECTION_DECISIONS),
    score: Opt(Type.Number()),
    riskChannel: Opt(StringEnum(CHANNELS, { description: "The channel before random selection." })),
    reasons: Opt(Type.Array(Type.Ref("RiskReason"))),
    ruleSet: Opt(Type.Object({ id: Type.String(), version: Type.String() })),
    randomSelection: Opt(Type.Object({ share: Type.Number(), selected: Type.Boolean() })),
    asOf: Time,
    arrivedAt: Opt(Time),
    fixedAt: Opt(Time),
    decision: Opt(
      Type.Object({
        kind: StringEnum(INSPECTION_DECISIONS),
        reason: Opt(Type.String()),
        departsFromRecommendation: Type.Boolean(),
        by: Type.String(),
        office: Type.String(),
        at: Time,
      }),
    ),
    outcome: Opt(
      Type.Object({
        result: StringEnum(INSPECTION_RESULTS),
        description: Opt(Type.String()),
        by: Type.String(),
        at: Time,
      }),
    ),
    released: Type.Boolean(),
    releasedAt: Opt(Time),
    disarm: Opt(
      Type.Object({
        allowed: Type.Boolean(),
        refusal: Opt(Type.String({ description: "Why a disarm would be refused now." })),
      }),
    ),
  },
  { $id: "Inspection", description: "The inspection at destination of one trip (docs/risk.md)." },
);

/** Registered on the app with the shared schemas. */
export const INSPECTION_SCHEMAS = [RiskReasonView, InspectionView];
