/**
 * The structured (JSON) logs: one pino logger for the process, children per component. No
 * credential reaches the log (`log-redaction.ts`): every line's details, its message and the
 * bindings of child loggers are searched for credential-named members in any spelling and for
 * token-shaped values, and logged URLs lose credential parameters however their names are encoded.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import { redactDetails, redactText, redactUrl } from "./log-redaction.js";

export { redactUrl } from "./log-redaction.js";

export function createLogger(
  level: string,
  destination?: DestinationStream,
  base: Record<string, unknown> = { service: "sealwatch" },
): Logger {
  const logger = pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { log: (details) => redactDetails(details) as Record<string, unknown> },
      hooks: {
        logMethod(args: unknown[], method) {
          const cleaned = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
          return method.apply(this, cleaned as Parameters<typeof method>);
        },
      },
      serializers: {
        req(request: { method?: string; url?: string; ip?: string }) {
          return { method: request.method, url: redactUrl(request.url ?? ""), remoteAddress: request.ip };
        },
      },
    },
    destination,
  );
  // Child bindings skip the formatters; every child (and its children) inherits this `child`.
  // Taken unbound on purpose: called with each child as `this`, so grandchildren keep their chain.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const child = logger.child as unknown as (this: Logger, bindings: object, options?: object) => Logger;
  Object.defineProperty(logger, "child", {
    value(this: Logger, bindings: object, options?: object): Logger {
      return child.call(this, redactDetails(bindings) as object, options);
    },
  });
  return logger;
}
