/**
 * The one JSON body parser of the API (every route, the HTTP ingest included): the nesting depth is
 * checked on the text before anything parses it, so that a body thousands of levels deep never
 * reaches a recursive serialiser or a structured clone to the SQLite worker; then fastify's own
 * parser, which refuses `__proto__` and `constructor.prototype` keys. Failures are registry errors
 * that say what is wrong.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { SealwatchError } from "../../core/errors.js";
import { jsonTextTooDeep } from "../../core/json-depth.js";

/** Media types parsed as JSON (GeoJSON zones are JSON too). */
export const JSON_MEDIA_TYPES = ["application/json", "application/geo+json"] as const;

type Done = (error: Error | null, value?: unknown) => void;

/** Replaces the app's JSON parser with the depth-limited one. */
export function registerJsonParser(app: FastifyInstance, maxDepth: number): void {
  const secure = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(
    [...JSON_MEDIA_TYPES],
    { parseAs: "string" },
    (request: FastifyRequest, body: string | Buffer, done: Done) => {
      const text = typeof body === "string" ? body : body.toString("utf8");
      const at = jsonTextTooDeep(text, maxDepth);
      if (at !== undefined) {
        done(
          new SealwatchError(
            "BODY_TOO_DEEP",
            `body: arrays and objects nested more than ${maxDepth} levels deep (from character ${at})`,
          ),
        );
        return;
      }
      void secure(request, text, (error: Error | null, value?: unknown) => {
        if (error === null || error === undefined) done(null, value);
        else done(new SealwatchError("MALFORMED_BODY", jsonProblem(text)));
      });
    },
  );
}

/**
 * Why a text is not an acceptable JSON body, in words. Only a position is given, never the parser's
 * own message, which quotes the body (a password in a malformed login would reach the log).
 */
function jsonProblem(text: string): string {
  if (text.trim() === "") return "body: empty, but the content type says JSON";
  try {
    JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    return `body: not valid JSON${position === undefined ? "" : ` (at character ${position})`}`;
  }
  return 'body: the keys "__proto__" and "constructor.prototype" are not accepted';
}
