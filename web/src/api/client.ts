/**
 * The dashboard's HTTP client: the session token in sessionStorage (gone when the tab closes),
 * `{ code, message }` errors as ApiError, and a 401 UNAUTHENTICATED anywhere ends the session.
 */

const TOKEN_KEY = "sealwatch.token";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let onUnauthenticated: (() => void) | undefined;

/** Called when the server refuses the session (expired or revoked). */
export function setUnauthenticatedHandler(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

/** The server ended the session some other way (the live stream's `end` event): as a refusal. */
export function sessionEnded(): void {
  onUnauthenticated?.();
}

export function getToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const token = getToken();
  const response = await fetch(`/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  const text = await response.text();
  let value: unknown;
  try {
    value = text === "" ? undefined : JSON.parse(text);
  } catch {
    value = text;
  }
  if (!response.ok) {
    const body = (typeof value === "object" && value !== null ? value : {}) as {
      code?: string;
      message?: string;
    };
    // Only an invalid credential ends the session (not, say, a wrong current password).
    if (response.status === 401 && body.code === "UNAUTHENTICATED" && path !== "/auth/login")
      onUnauthenticated?.();
    throw new ApiError(
      response.status,
      body.code ?? `HTTP_${response.status}`,
      body.message ?? response.statusText,
    );
  }
  return value as T;
}

/** A query string from defined values (arrays repeat the key). */
export function query(
  params: Record<string, string | number | boolean | readonly string[] | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) search.append(key, v);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
