/**
 * The one place where failures become HTTP answers: every error response is
 * `{ code, message, statusCode }` with a code from the registry in src/core/errors.ts. A 5xx answer
 * never carries internals (paths, SQL, stack): its message is the registry's description, and the
 * error itself goes to the log.
 */
import { ERROR_CODES, SealwatchError, type ErrorCode } from "../core/errors.js";

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly statusCode: number;
}

/** An ajv error as fastify attaches it to a validation failure. */
interface ValidationIssue {
  readonly instancePath?: string;
  readonly keyword?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

interface FrameworkError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
  readonly validation?: readonly ValidationIssue[];
  readonly validationContext?: string;
}

/**
 * Fastify's own errors that are the client's fault, by registry code. Their messages are the
 * registry's descriptions (the framework's wording names internals such as content-type parsers).
 */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_BODY",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_BODY",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "MALFORMED_BODY",
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_BAD_URL: "MALFORMED_REQUEST",
  FST_ERR_INVALID_URL: "MALFORMED_REQUEST",
  FST_ERR_MAX_PARAM_LENGTH: "URI_TOO_LONG",
  FST_ERR_NOT_FOUND: "ROUTE_NOT_FOUND",
};

/** Any other client error, by HTTP status (the message is then the registry's description). */
const GENERIC_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "MALFORMED_REQUEST",
  404: "ROUTE_NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  408: "REQUEST_TIMEOUT",
  413: "BODY_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  431: "HEADERS_TOO_LARGE",
};

/** Whether the error is the server's fault (logged in full, answered generically). */
export function isServerError(body: ErrorBody): boolean {
  return body.statusCode >= 500;
}

/** Maps anything thrown while handling a request to the response body. */
export function errorBody(error: unknown): ErrorBody {
  if (error instanceof SealwatchError) return bodyOf(error.code, error.message);
  const framework = (typeof error === "object" && error !== null ? error : {}) as FrameworkError;
  if (Array.isArray(framework.validation) && framework.validation.length > 0) {
    return bodyOf("VALIDATION_FAILED", describeValidation(framework.validation, framework.validationContext));
  }
  const mapped = framework.code === undefined ? undefined : FRAMEWORK_CODES[framework.code];
  if (mapped !== undefined) return bodyOf(mapped, "");
  const status = framework.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return bodyOf(GENERIC_BY_STATUS[status] ?? "MALFORMED_REQUEST", "");
  return bodyOf("INTERNAL_ERROR", "");
}

function bodyOf(code: ErrorCode, message: string): ErrorBody {
  const { status, description } = ERROR_CODES[code];
  // A server error says what kind of failure it was, never where or why in detail.
  const shown = status >= 500 || message === "" ? description : message;
  return { code, message: shown, statusCode: status };
}

/** "body.containers[1]: check digit ..." from an ajv error list (the first error is the one shown). */
export function describeValidation(issues: readonly ValidationIssue[], context = "body"): string {
  const issue = issues[0]!;
  const where = fieldPath(context, issue.instancePath ?? "");
  const params = issue.params ?? {};
  switch (issue.keyword ?? "") {
    case "additionalProperties":
      return `${where}: unknown field "${String(params.additionalProperty)}"`;
    case "required":
      return `${where}: missing required field "${String(params.missingProperty)}"`;
    case "enum":
      return `${where}: must be one of ${(params.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(", ") ?? "the allowed values"}`;
    case "const":
      return `${where}: must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${where}: ${issue.message ?? "is invalid"}`;
  }
}

/** `body` + `/containers/1/number` → `body.containers[1].number`. */
export function fieldPath(context: string, pointer: string): string {
  const root = context === "querystring" ? "query" : context;
  let path = root;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  return path;
}

/** A 404 that does not say whether the thing exists (for callers who may not see it). */
export function notFound(kind: string, id: string): SealwatchError {
  return new SealwatchError("NOT_FOUND", `${kind} "${id}" not found`);
}

export function forbidden(message: string): SealwatchError {
  return new SealwatchError("FORBIDDEN", message);
}
