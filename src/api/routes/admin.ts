/** Companies (traders, carriers, seal operators), users and API keys: the administrator's work. */
import { Type } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import type { UserRecord } from "../../store/ports.js";
import { hashPassword } from "../auth/passwords.js";
import { newApiKey } from "../auth/tokens.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { notFound } from "../errors.js";
import { Id, IdParams, NoContent, Strict, StringEnum, withErrors } from "../schemas/common.js";
import { AEO_STATUSES, ROLE_VALUES } from "../schemas/views.js";
import { checkPassword } from "../auth/password-policy.js";
import { USERNAME_PATTERN, checkScope, createUser } from "../services/users.js";
import { apiKeyView, companyView, userView } from "../views.js";

const CompanyBody = Strict({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(["trader", "carrier", "operator"]),
  country: Type.Optional(Type.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2." })),
  aeo: Type.Optional(
    StringEnum(AEO_STATUSES, {
      description:
        "Authorised economic operator certificate: AEOC, AEOS or AEOF (credited by the risk rules).",
    }),
  ),
});

const Offices = Type.Array(Id, {
  maxItems: 100,
  uniqueItems: true,
  description: "Office zone ids (officers).",
});

const NewUserBody = Strict({
  username: Type.String({ pattern: USERNAME_PATTERN }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  role: StringEnum(ROLE_VALUES),
  companyId: Type.Optional(Id),
  offices: Type.Optional(Offices),
});

const UserPatch = Strict({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  role: Type.Optional(StringEnum(ROLE_VALUES)),
  companyId: Type.Optional(Type.Union([Id, Type.Null()])),
  offices: Type.Optional(Offices),
  disabled: Type.Optional(Type.Boolean()),
});

const ApiKeyBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: StringEnum(ROLE_VALUES),
  companyId: Type.Optional(Id),
  offices: Type.Optional(Offices),
});

const KeyParams = Strict({ id: Type.String({ pattern: "^[0-9a-f]{16}$", maxLength: 16 }) });

export function adminRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/companies",
    {
      config: { permission: "companies.read" },
      schema: {
        tags: ["admin"],
        summary: "List companies",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("Company")) }) }),
      },
    },
    async () => ({ items: (await ctx.store.access.companies()).map(companyView) }),
  );

  app.post(
    "/companies",
    {
      config: { permission: "companies.write" },
      schema: {
        tags: ["admin"],
        summary: "Register a trader, carrier or seal operator",
        body: CompanyBody,
        response: withErrors({ 201: Type.Ref("Company") }),
      },
    },
    async (request, reply) => {
      const body = request.body;
      if ((await ctx.store.access.company(body.id)) !== undefined)
        throw new SealwatchError("DUPLICATE_ID", `company "${body.id}" already exists`);
      const now = ctx.now();
      const company = { ...body, createdAtMs: now };
      await ctx.store.access.putCompany(company);
      await ctx.store.audit.append({
        atMs: now,
        actor: principalOf(request).actor,
        action: "company.create",
        subjectType: "company",
        subjectId: company.id,
        details: body,
      });
      return reply.code(201).send(companyView(company));
    },
  );

  app.get(
    "/users",
    {
      config: { permission: "users.read" },
      schema: {
        tags: ["admin"],
        summary: "List users (staff pick assignees here)",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("User")) }) }),
      },
    },
    async () => ({ items: (await ctx.store.access.users()).map(userView) }),
  );

  app.post(
    "/users",
    {
      config: { permission: "users.write" },
      schema: {
        tags: ["admin"],
        summary: "Create a user",
        body: NewUserBody,
        response: withErrors({ 201: Type.Ref("User") }),
      },
    },
    async (request, reply) => {
      const user = await createUser(ctx.store, ctx.deps.clock, request.body);
      await ctx.store.audit.append({
        atMs: user.createdAtMs,
        actor: principalOf(request).actor,
        action: "user.create",
        subjectType: "user",
        subjectId: user.id,
        details: {
          username: user.username,
          role: user.role,
          companyId: user.companyId,
          offices: user.offices,
        },
      });
      return reply.code(201).send(userView(user));
    },
  );

  app.patch(
    "/users/:id",
    {
      config: { permission: "users.write" },
      schema: {
        tags: ["admin"],
        summary: "Change a user: name, role, scope, password, disabled",
        params: IdParams,
        body: UserPatch,
        response: withErrors({ 200: Type.Ref("User") }),
      },
    },
    async (request) => {
      const user = await ctx.store.access.user(request.params.id);
      if (user === undefined) throw notFound("user", request.params.id);
      const patch = request.body;
      const role = patch.role ?? user.role;
      const companyId = patch.companyId === null ? undefined : (patch.companyId ?? user.companyId);
      const offices = patch.offices ?? user.offices;
      await checkScope(ctx.store, role, companyId, offices);
      if (patch.password !== undefined)
        checkPassword(patch.password, [user.username, patch.displayName ?? user.displayName]);
      const now = ctx.now();
      const { companyId: _c, offices: _o, ...rest } = user;
      const next: UserRecord = {
        ...rest,
        ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
        role,
        ...(companyId === undefined ? {} : { companyId }),
        ...(offices === undefined || offices.length === 0 ? {} : { offices: [...offices] }),
        ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
        ...(patch.password === undefined ? {} : { passwordHash: await hashPassword(patch.password) }),
        updatedAtMs: now,
      };
      await ctx.store.access.putUser(next);
      // A new password or disabling ends every session: none comes back if the user is re-enabled.
      if (patch.password !== undefined || patch.disabled === true)
        await ctx.store.access.revokeUserSessions(user.id, now);
      const { password: _p, ...shown } = patch;
      await ctx.store.audit.append({
        atMs: now,
        actor: principalOf(request).actor,
        action: "user.update",
        subjectType: "user",
        subjectId: user.id,
        details: { ...shown, ...(patch.password === undefined ? {} : { passwordChanged: true }) },
      });
      return userView(next);
    },
  );

  app.get(
    "/api-keys",
    {
      config: { permission: "apikeys.manage" },
      schema: {
        tags: ["admin"],
        summary: "List API keys (never their secrets)",
        response: withErrors({ 200: Type.Object({ items: Type.Array(Type.Ref("ApiKey")) }) }),
      },
    },
    async () => ({ items: (await ctx.store.access.apiKeys()).map(apiKeyView) }),
  );

  app.post(
    "/api-keys",
    {
      config: { permission: "apikeys.manage" },
      schema: {
        tags: ["admin"],
        summary: "Issue an API key for a system (declaration system: officer; reader gateway: gateway)",
        body: ApiKeyBody,
        response: withErrors({
          201: Type.Object({
            key: Type.Ref("ApiKey"),
            token: Type.String({ description: "Shown once: keep it." }),
          }),
        }),
      },
    },
    async (request, reply) => {
      const body = request.body;
      await checkScope(ctx.store, body.role, body.companyId, body.offices);
      const issued = newApiKey();
      const now = ctx.now();
      const key = {
        id: issued.id,
        secretHash: issued.secretHash,
        name: body.name,
        role: body.role,
        ...(body.companyId === undefined ? {} : { companyId: body.companyId }),
        ...(body.offices === undefined ? {} : { offices: body.offices }),
        createdAtMs: now,
      };
      await ctx.store.access.putApiKey(key);
      await ctx.store.audit.append({
        atMs: now,
        actor: principalOf(request).actor,
        action: "apikey.create",
        subjectType: "apikey",
        subjectId: key.id,
        details: { name: key.name, role: key.role, companyId: body.companyId, offices: body.offices },
      });
      return reply.code(201).send({ key: apiKeyView(key), token: issued.token });
    },
  );

  app.delete(
    "/api-keys/:id",
    {
      config: { permission: "apikeys.manage" },
      schema: {
        tags: ["admin"],
        summary: "Revoke an API key",
        params: KeyParams,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const key = await ctx.store.access.apiKey(request.params.id);
      if (key === undefined) throw notFound("API key", request.params.id);
      if (key.revokedAtMs === undefined) {
        const now = ctx.now();
        await ctx.store.access.putApiKey({ ...key, revokedAtMs: now });
        await ctx.store.audit.append({
          atMs: now,
          actor: principalOf(request).actor,
          action: "apikey.revoke",
          subjectType: "apikey",
          subjectId: key.id,
        });
      }
      return reply.code(204).send(null);
    },
  );
}
