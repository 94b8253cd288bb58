/** Login (session tokens), logout, the caller, and changing one's own password. */
import { Type } from "@fastify/type-provider-typebox";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { NoContent, Strict, withErrors } from "../schemas/common.js";
import { ROLE_VALUES } from "../schemas/views.js";
import { StringEnum } from "../schemas/common.js";
import { iso, userView } from "../views.js";

const LoginBody = Strict({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

const PasswordBody = Strict({
  currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
});

const Me = Type.Object({
  kind: StringEnum(["user", "apiKey"]),
  id: Type.String(),
  name: Type.String(),
  role: StringEnum(ROLE_VALUES),
  companyId: Type.Optional(Type.String()),
  offices: Type.Array(Type.String()),
  actor: Type.String(),
});

export function authRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    "/auth/login",
    {
      config: {
        public: true,
        rateLimit: { max: ctx.deps.config.loginRateLimitPerMin, timeWindow: 60_000 },
      },
      schema: {
        tags: ["auth"],
        summary: "Log in with a username and password; returns a session token",
        security: [],
        body: LoginBody,
        response: withErrors({
          200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: Type.Ref("User") }),
        }),
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const result = await ctx.auth.login(username, password, request.ip, request.log);
      return { token: result.token, expiresAt: iso(result.expiresAtMs), user: userView(result.user) };
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { permission: "self" },
      schema: {
        tags: ["auth"],
        summary: "Revoke the session token used",
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      await ctx.auth.logout(principalOf(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/me",
    {
      config: { permission: "self" },
      schema: {
        tags: ["auth"],
        summary: "Who the caller is: role, company, offices",
        response: withErrors({ 200: Me }),
      },
    },
    (request) => {
      const p = principalOf(request);
      return {
        kind: p.kind,
        id: p.id,
        name: p.name,
        role: p.role,
        ...(p.companyId === undefined ? {} : { companyId: p.companyId }),
        offices: [...p.offices],
        actor: p.actor,
      };
    },
  );

  app.post(
    "/auth/password",
    {
      config: {
        permission: "self",
        rateLimit: { max: ctx.deps.config.loginRateLimitPerMin, timeWindow: 60_000 },
      },
      schema: {
        tags: ["auth"],
        summary: "Change one's own password (users, not API keys); ends the user's other sessions",
        description:
          "A wrong current password answers 401 WRONG_PASSWORD and counts as a failed login for the user and the address; after repeated failures 429 LOGIN_THROTTLED with Retry-After. A new password that breaks the policy answers 400 WEAK_PASSWORD naming the rule.",
        body: PasswordBody,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const user = await ctx.auth.changePassword(p, request.body, request.ip, request.log);
      await ctx.store.audit.append({
        atMs: user.updatedAtMs,
        actor: p.actor,
        action: "user.password",
        subjectType: "user",
        subjectId: user.id,
        details: { otherSessionsEnded: true },
      });
      return reply.code(204).send(null);
    },
  );
}
