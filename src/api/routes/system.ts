/** Health: for load balancers and the deployment's checks (no credentials). */
import { Type } from "@fastify/type-provider-typebox";
import type { ApiApp } from "../app.js";
import type { ApiContext } from "../context.js";
import { iso } from "../views.js";

export function systemRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    "/health",
    {
      config: { public: true },
      schema: {
        tags: ["system"],
        summary: "Liveness: the API answers and the engine host takes inputs",
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal("ok"), time: Type.String(), store: Type.String() }),
        },
      },
    },
    () => ({ status: "ok" as const, time: iso(ctx.now()), store: ctx.store.kind }),
  );
}
