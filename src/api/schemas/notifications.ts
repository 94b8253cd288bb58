/**
 * Schemas of the notification routes: rules, on-call rosters and a user's own notification profile.
 * The shapes and sizes are checked here; what needs the store or the clock (chains without loops,
 * IANA zones, who may be told) is checked by the route with src/core/notify/checks.ts.
 */
import { Type } from "@fastify/type-provider-typebox";
import { ALARM_TYPES } from "../../core/domain/model.js";
import { LANGUAGES, NOTIFY_CHANNELS } from "../../core/notify/model.js";
import { Id, OneOf, Strict, StringEnum } from "./common.js";

const Clock = Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: "Local time HH:MM." });
const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const Ids = (maxItems: number, description: string) =>
  Type.Array(Id, { minItems: 1, maxItems, uniqueItems: true, description });

const ChainTarget = OneOf(
  [
    Strict({
      kind: StringEnum(["on_duty"]),
      rank: Type.Optional(
        Type.Integer({ minimum: 0, maximum: 20, description: "0: first on duty, 1: the next…" }),
      ),
    }),
    Strict({ kind: StringEnum(["user"]), userId: Id }),
    Strict({ kind: StringEnum(["supervisors"]) }),
  ],
  "kind",
);

export const RuleBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  enabled: Type.Optional(Type.Boolean({ description: "Default true." })),
  match: Strict(
    {
      alarmTypes: Type.Optional(
        Type.Array(StringEnum(ALARM_TYPES), { minItems: 1, maxItems: 20, uniqueItems: true }),
      ),
      severities: Type.Optional(
        Type.Array(StringEnum(SEVERITIES), { minItems: 1, maxItems: 4, uniqueItems: true }),
      ),
      offices: Type.Optional(Ids(50, "Office zone ids: departure, destination or checkpoint of the trip.")),
      corridors: Type.Optional(
        Type.Array(Strict({ origin: Id, destination: Id }), { minItems: 1, maxItems: 50 }),
      ),
      companies: Type.Optional(Ids(50, "Companies whose trips the rule is about.")),
    },
    { description: "Which alarms; an absent list matches every value." },
  ),
  channels: Type.Array(StringEnum(NOTIFY_CHANNELS), { minItems: 1, maxItems: 3, uniqueItems: true }),
  chain: Type.Array(Strict({ afterMin: Type.Integer({ minimum: 0, maximum: 10_080 }), to: ChainTarget }), {
    minItems: 1,
    maxItems: 10,
    description: "Who is told, and after how many minutes unacknowledged.",
  }),
  webhookSubscriptionId: Type.Optional(Id),
  quietHours: Type.Optional(
    Strict(
      { start: Clock, end: Clock },
      { description: "Local hours when non-critical alarms wait (never critical ones)." },
    ),
  ),
});

export const RuleView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  match: Type.Unknown(),
  channels: Type.Array(Type.String()),
  chain: Type.Array(Type.Unknown()),
  webhookSubscriptionId: Type.Optional(Type.String()),
  quietHours: Type.Optional(Type.Object({ start: Type.String(), end: Type.String() })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

export const RosterBody = Strict({
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone, e.g. Asia/Bangkok." }),
  shifts: Type.Array(
    Strict({
      days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
        minItems: 1,
        maxItems: 7,
        uniqueItems: true,
        description: "ISO weekdays the shift starts on: 1 Monday … 7 Sunday.",
      }),
      start: Clock,
      end: Type.String({ ...Clock, description: "Local HH:MM; at or before start: runs past midnight." }),
      userIds: Ids(20, "Who is on duty, first told first."),
    }),
    { maxItems: 50 },
  ),
  supervisorIds: Type.Array(Id, { maxItems: 20, uniqueItems: true }),
});

export const RosterView = Type.Object({
  office: Type.String(),
  timeZone: Type.String(),
  shifts: Type.Array(Type.Unknown()),
  supervisorIds: Type.Array(Type.String()),
  onDutyNow: Type.Array(Type.String()),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const PushSubscription = Strict({
  endpoint: Type.String({ minLength: 1, maxLength: 2000 }),
  keys: Strict({
    p256dh: Type.String({ minLength: 1, maxLength: 200 }),
    auth: Type.String({ minLength: 1, maxLength: 100 }),
  }),
});

export const ProfileBody = Strict({
  language: StringEnum(LANGUAGES, { description: "en, th, zh (Traditional), sk, ru, sw." }),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
  push: Type.Optional(Type.Array(PushSubscription, { maxItems: 10 })),
});

export const ProfileView = Type.Object({
  language: Type.String(),
  email: Type.Optional(Type.String()),
  push: Type.Array(Type.Object({ endpoint: Type.String() })),
  vapidPublicKey: Type.Optional(
    Type.String({ description: "The server's VAPID key, for the browser's pushManager.subscribe." }),
  ),
});

export const OfficeParams = Strict({ office: Id });
