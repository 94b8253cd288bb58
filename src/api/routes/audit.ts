/** The audit chain: read it (paged by sequence number) and verify it. */
import { Type } from "@fastify/type-provider-typebox";
import type { ApiApp } from "../app.js";
import type { ApiContext } from "../context.js";
import { BoundedInteger, Strict, withErrors } from "../schemas/common.js";
import { auditView } from "../views.js";

export function auditRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/audit",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["audit"],
        summary: "Audit records in chain order; page with afterSeq = the last seq seen",
        querystring: Strict({
          subjectType: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
          subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          afterSeq: Type.Optional(BoundedInteger(0, Number.MAX_SAFE_INTEGER, { default: 0 })),
          limit: Type.Optional(BoundedInteger(1, 1000, { default: 100 })),
        }),
        response: withErrors({
          200: Type.Object({
            items: Type.Array(Type.Ref("AuditRecord")),
            nextAfterSeq: Type.Optional(Type.Integer({ description: "Present when there may be more." })),
          }),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const records = await ctx.store.audit.list({
        ...(q.subjectType === undefined ? {} : { subjectType: q.subjectType }),
        ...(q.subjectId === undefined ? {} : { subjectId: q.subjectId }),
        afterSeq: q.afterSeq ?? 0,
        limit,
      });
      const last = records[records.length - 1];
      return {
        items: records.map(auditView),
        ...(records.length === limit && last !== undefined ? { nextAfterSeq: last.seq } : {}),
      };
    },
  );

  app.get(
    "/audit/verify",
    {
      config: { permission: "audit.read" },
      schema: {
        tags: ["audit"],
        summary: "Recompute the whole hash chain; name the first broken record",
        response: withErrors({
          200: Type.Object({
            ok: Type.Boolean(),
            records: Type.Integer(),
            head: Type.Optional(Type.Object({ seq: Type.Integer(), hash: Type.String() })),
            firstBroken: Type.Optional(Type.Integer()),
            problem: Type.Optional(Type.String()),
          }),
        }),
      },
    },
    async () => ctx.store.audit.verify(),
  );
}
