/** Login (session tokens), logout, the caller, and changing one's own password. */
import { Type } from "@fastify/type-provider-typebox";
import { SealwatchError } from "../../core/errors.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { ApiApp } from "../app.js";
import { principalOf, type ApiContext } from "../context.js";
import { NoContent, Strict, withErrors } from "../schemas/common.js";
import { ROLE_VALUES } from "../schemas/views.js";
import { StringEnum } from "../schemas/common.js";
import { checkPassword } from "../services/users.js";
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
      config: { permission: "self" },
      schema: {
        tags: ["auth"],
        summary: "Change one's own password (users, not API keys)",
        body: PasswordBody,
        response: withErrors({ 204: NoContent }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.kind !== "user") throw new SealwatchError("FORBIDDEN", "an API key has no password");
      const user = await ctx.store.access.user(p.id);
      if (user === undefined) throw new SealwatchError("UNAUTHENTICATED", "the user no longer exists");
      if (!(await verifyPassword(request.body.currentPassword, user.passwordHash)))
        throw new SealwatchError("FORBIDDEN", "the current password is wrong");
      checkPassword(request.body.newPassword);
      const now = ctx.now();
      await ctx.store.access.putUser({
        ...user,
        passwordHash: await hashPassword(request.body.newPassword),
        updatedAtMs: now,
      });
      await ctx.store.audit.append({
        atMs: now,
        actor: p.actor,
        action: "user.password",
        subjectType: "user",
        subjectId: user.id,
      });
      return reply.code(204).send(null);
    },
  );
}
