/**
 * The structured (JSON) logs: one pino logger for the process, children per component. Bearer
 * tokens never reach the log: the Authorization header is not logged and `access_token` is cut
 * from logged URLs.
 */
import { pino, type DestinationStream, type Logger } from "pino";

/** A URL with its `access_token` query parameter hidden. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/g, "$1[redacted]");
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "sealwatch" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["req.headers.authorization", "headers.authorization", "token"],
        censor: "[redacted]",
      },
      serializers: {
        req(request: { method?: string; url?: string; ip?: string }) {
          return { method: request.method, url: redactUrl(request.url ?? ""), remoteAddress: request.ip };
        },
      },
    },
    destination,
  );
}
