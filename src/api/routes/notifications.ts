/**
 * Alarm notifications in the API: rules (`/notifications/rules`) and offices' on-call rosters
 * (`/notifications/rosters`), written by supervisors and administrators, every change audited; and
 * each user's own profile (`/me/notifications`: language, e-mail address, browsers to push to).
 * A rule may only route alarms to people who may see them: a named trader only for their company's
 * trips, a named officer only at their offices (the notifier checks each trip again when sending).
 * See docs/notifications.md.
 */
import { randomBytes } from "node:crypto";
import { Type, type Static } from "@fastify/type-provider-typebox";
import { isEmailAddress, pushProblems, rosterProblems, ruleProblems } from "../../core/notify/checks.js";
import type { NotificationProfile, NotificationRule, OnCallRoster } from "../../core/notify/model.js";
import { onDuty } from "../../core/notify/routing.js";
import { SealwatchError } from "../../core/errors.js";
import type { UserRecord } from "../../store/ports.js";
import type { ApiApp } from "../app.js";
import { ROLE_PERMISSIONS } from "../auth/policy.js";
import { principalOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { invalid } from "../input-checks.js";
import { IdParams, NoContent, withErrors } from "../schemas/common.js";
import {
  OfficeParams,
  ProfileBody,
  ProfileView,
  RosterBody,
  RosterView,
  RuleBody,
  RuleView,
} from "../schemas/notifications.js";
import { iso } from "../views.js";

type RuleInput = Static<typeof RuleBody>;
type RosterInput = Static<typeof RosterBody>;

const DEFAULT_LANGUAGE = "en";

function ruleView(r: NotificationRule) {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    match: r.match,
    channels: [...r.channels],
    chain: [...r.chain],
    ...(r.webhookSubscriptionId === undefined ? {} : { webhookSubscriptionId: r.webhookSubscriptionId }),
    ...(r.quietHours === undefined ? {} : { quietHours: r.quietHours }),
    createdAt: iso(r.createdAtMs),
    updatedAt: iso(r.updatedAtMs),
    updatedBy: r.updatedBy,
  };
}

function rosterView(r: OnCallRoster, nowMs: number) {
  return {
    office: r.office,
    timeZone: r.timeZone,
    shifts: [...r.shifts],
    supervisorIds: [...r.supervisorIds],
    onDutyNow: onDuty(r, nowMs),
    updatedAt: iso(r.updatedAtMs),
    updatedBy: r.updatedBy,
  };
}

function refuse(field: string, problems: readonly string[]): SealwatchError {
  return invalid(field, problems.join("; "));
}

export function notificationRoutes(app: ApiApp, ctx: ApiContext): void {
  /** A user who may be told about alarms: exists, enabled, and a role that reads alarms. */
  async function alarmReader(field: string, userId: string): Promise<UserRecord> {
    const user = await ctx.store.access.user(userId);
    if (user === undefined || user.disabled)
      throw invalid(field, `user "${userId}" does not exist or is disabled`);
    if (!ROLE_PERMISSIONS[user.role].has("alarms.read"))
      throw invalid(field, `user "${userId}" is a ${user.role} and may not see alarms`);
    return user;
  }

  async function office(field: string, id: string): Promise<void> {
    const zone = await ctx.store.zones.get(id);
    if (zone?.kind !== "office") throw invalid(field, `"${id}" is not an office zone`);
  }

  /** Everything about a rule that needs the store: offices, users and their scope, the subscription. */
  async function checkRule(body: RuleInput): Promise<void> {
    const problems = ruleProblems(body);
    if (problems.length > 0) throw refuse("body", problems);
    for (const [i, id] of (body.match.offices ?? []).entries()) await office(`body.match.offices[${i}]`, id);
    for (const [i, c] of (body.match.corridors ?? []).entries()) {
      await office(`body.match.corridors[${i}].origin`, c.origin);
      await office(`body.match.corridors[${i}].destination`, c.destination);
    }
    for (const [i, id] of (body.match.companies ?? []).entries())
      if ((await ctx.store.access.company(id)) === undefined)
        throw invalid(`body.match.companies[${i}]`, `company "${id}" does not exist`);
    for (const [i, step] of body.chain.entries()) {
      if (step.to.kind !== "user") continue;
      const field = `body.chain[${i}].to.userId`;
      const user = await alarmReader(field, step.to.userId);
      // Tenancy: the rule's alarms must all be ones this user may see.
      if (user.role === "trader") {
        const companies = body.match.companies;
        if (companies === undefined || companies.some((c) => c !== user.companyId))
          throw invalid(
            field,
            `trader "${user.id}" may only be told of company ${user.companyId ?? "(none)"}'s alarms: set match.companies to it`,
          );
      }
      if (user.role === "officer") {
        const offices = body.match.offices;
        if (offices === undefined || offices.some((o) => !(user.offices ?? []).includes(o)))
          throw invalid(
            field,
            `officer "${user.id}" may only be told of alarms at their offices: set match.offices within ${(user.offices ?? []).join(", ") || "(none)"}`,
          );
      }
    }
    if (body.webhookSubscriptionId !== undefined) {
      const subscription = await ctx.store.subscriptions.get(body.webhookSubscriptionId);
      if (subscription?.status !== "active")
        throw invalid(
          "body.webhookSubscriptionId",
          `subscription "${body.webhookSubscriptionId}" does not exist`,
        );
    }
  }

  function ruleOf(
    id: string,
    body: RuleInput,
    createdAtMs: number,
    nowMs: number,
    actor: string,
  ): NotificationRule {
    return {
      id,
      name: body.name,
      enabled: body.enabled ?? true,
      match: body.match,
      channels: body.channels,
      chain: body.chain,
      ...(body.webhookSubscriptionId === undefined
        ? {}
        : { webhookSubscriptionId: body.webhookSubscriptionId }),
      ...(body.quietHours === undefined ? {} : { quietHours: body.quietHours }),
      createdAtMs,
      updatedAtMs: nowMs,
      updatedBy: actor,
    };
  }

  async function audit(
    actor: string,
    action: string,
    subjectType: string,
    subjectId: string,
    details: unknown,
  ) {
    await ctx.store.audit.append({ atMs: ctx.now(), actor, action, subjectType, subjectId, details });
  }

  const rules = { permission: "notify.rules" as const };
  const tags = ["notifications"];

  app.get(
    "/notifications/rules",
    {
      config: rules,
      schema: {
        tags,
        summary: "Notification rules",
        response: withErrors({ 200: Type.Object({ items: Type.Array(RuleView) }) }),
      },
    },
    async () => ({ items: (await ctx.store.notify.rules()).map(ruleView) }),
  );

  app.post(
    "/notifications/rules",
    {
      config: rules,
      schema: {
        tags,
        summary: "Add a notification rule",
        body: RuleBody,
        response: withErrors({ 201: RuleView }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await checkRule(request.body);
      const now = ctx.now();
      const rule = ruleOf(`rule-${randomBytes(8).toString("hex")}`, request.body, now, now, p.actor);
      await ctx.store.notify.putRule(rule);
      await audit(p.actor, "notification.rule.create", "notification_rule", rule.id, request.body);
      return reply.code(201).send(ruleView(rule));
    },
  );

  app.get(
    "/notifications/rules/:id",
    {
      config: rules,
      schema: {
        tags,
        summary: "One notification rule",
        params: IdParams,
        response: withErrors({ 200: RuleView }),
      },
    },
    async (request) => {
      const rule = await ctx.store.notify.rule(request.params.id);
      if (rule === undefined) throw notFound("notification rule", request.params.id);
      return ruleView(rule);
    },
  );

  app.put(
    "/notifications/rules/:id",
    {
      config: rules,
      schema: {
        tags,
        summary: "Replace a notification rule (alarms already being notified go on under the new chain)",
        params: IdParams,
        body: RuleBody,
        response: withErrors({ 200: RuleView }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const old = await ctx.store.notify.rule(request.params.id);
      if (old === undefined) throw notFound("notification rule", request.params.id);
      await checkRule(request.body);
      const rule = ruleOf(old.id, request.body, old.createdAtMs, ctx.now(), p.actor);
      await ctx.store.notify.putRule(rule);
      await audit(p.actor, "notification.rule.update", "notification_rule", rule.id, request.body);
      return ruleView(rule);
    },
  );

  app.delete(
    "/notifications/rules/:id",
    {
      config: rules,
      schema: {
        tags,
        summary: "Delete a notification rule",
        params: IdParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (!(await ctx.store.notify.deleteRule(request.params.id)))
        throw notFound("notification rule", request.params.id);
      await audit(p.actor, "notification.rule.delete", "notification_rule", request.params.id, undefined);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/notifications/rosters",
    {
      config: rules,
      schema: {
        tags,
        summary: "Offices' on-call rosters, with who is on duty now",
        response: withErrors({ 200: Type.Object({ items: Type.Array(RosterView) }) }),
      },
    },
    async () => {
      const now = ctx.now();
      return { items: (await ctx.store.notify.rosters()).map((r) => rosterView(r, now)) };
    },
  );

  app.put(
    "/notifications/rosters/:office",
    {
      config: rules,
      schema: {
        tags,
        summary: "Set an office's on-call roster",
        params: OfficeParams,
        body: RosterBody,
        response: withErrors({ 200: RosterView }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      const body: RosterInput = request.body;
      const problems = rosterProblems(body);
      if (problems.length > 0) throw refuse("body", problems);
      await office("params.office", request.params.office);
      for (const [i, shift] of body.shifts.entries())
        for (const [k, id] of shift.userIds.entries()) {
          const field = `body.shifts[${i}].userIds[${k}]`;
          const user = await alarmReader(field, id);
          if (user.role === "trader") throw invalid(field, `trader "${id}" cannot be on duty at an office`);
          if (user.role === "officer" && !(user.offices ?? []).includes(request.params.office))
            throw invalid(field, `officer "${id}" does not act at office ${request.params.office}`);
        }
      for (const [i, id] of body.supervisorIds.entries()) {
        const user = await alarmReader(`body.supervisorIds[${i}]`, id);
        if (user.role !== "supervisor" && user.role !== "admin")
          throw invalid(`body.supervisorIds[${i}]`, `user "${id}" is a ${user.role}, not a supervisor`);
      }
      const now = ctx.now();
      const roster: OnCallRoster = {
        office: request.params.office,
        ...body,
        updatedAtMs: now,
        updatedBy: p.actor,
      };
      await ctx.store.notify.putRoster(roster);
      await audit(p.actor, "notification.roster.set", "office", roster.office, body);
      return rosterView(roster, now);
    },
  );

  app.delete(
    "/notifications/rosters/:office",
    {
      config: rules,
      schema: {
        tags,
        summary: "Remove an office's on-call roster",
        params: OfficeParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (!(await ctx.store.notify.deleteRoster(request.params.office)))
        throw notFound("on-call roster", request.params.office);
      await audit(p.actor, "notification.roster.delete", "office", request.params.office, undefined);
      return reply.code(204).send(null);
    },
  );

  const profileView = (profile: NotificationProfile | undefined) => ({
    language: profile?.language ?? DEFAULT_LANGUAGE,
    ...(profile?.email === undefined ? {} : { email: profile.email }),
    push: (profile?.push ?? []).map((s) => ({ endpoint: s.endpoint })),
    ...(ctx.deps.config.vapidPublicKey === undefined
      ? {}
      : { vapidPublicKey: ctx.deps.config.vapidPublicKey }),
  });

  app.get(
    "/me/notifications",
    {
      config: { permission: "self" },
      schema: {
        tags,
        summary: "Your notification profile: language, e-mail address, browsers to push to",
        response: withErrors({ 200: ProfileView }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind !== "user") throw new SealwatchError("FORBIDDEN", "an API key has no notification profile");
      return profileView(await ctx.store.notify.profile(p.id));
    },
  );

  app.put(
    "/me/notifications",
    {
      config: { permission: "self" },
      schema: {
        tags,
        summary: "Set your notification profile (the language is also the dashboard's)",
        body: ProfileBody,
        response: withErrors({ 200: ProfileView }),
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (p.kind !== "user") throw new SealwatchError("FORBIDDEN", "an API key has no notification profile");
      const body = request.body;
      if (body.email !== undefined && !isEmailAddress(body.email))
        throw invalid("body.email", "is not a plain e-mail address (name@domain, no display name)");
      const push = body.push ?? [];
      const problems = push.flatMap((s, i) => pushProblems(s, `body.push[${i}]`));
      if (problems.length > 0) throw refuse("body", problems);
      const profile: NotificationProfile = {
        userId: p.id,
        language: body.language,
        ...(body.email === undefined ? {} : { email: body.email }),
        push,
        updatedAtMs: ctx.now(),
      };
      await ctx.store.notify.putProfile(profile);
      // The address and push endpoints are personal data: the audit says what changed, not to what.
      await audit(p.actor, "notification.profile.set", "user", p.id, {
        language: profile.language,
        email: profile.email !== undefined,
        pushSubscriptions: push.length,
      });
      return profileView(profile);
    },
  );
}
