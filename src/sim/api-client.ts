/**
 * A small client of the Sealwatch HTTP API for the simulator and the demo: logs in with a username
 * and password (or uses an API key), logs in again when the session expires, and turns error
 * answers (`{ code, message, statusCode }`) into `ApiCallError`s.
 */

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

const REQUEST_TIMEOUT_MS = 20_000;

export class ApiClient {
  private token: string | undefined;
  private loggingIn: Promise<string> | undefined;

  /** `auth`: a user's credentials, or an API key's bearer token. */
  constructor(
    readonly baseUrl: string,
    private readonly auth: Credentials | { readonly token: string },
  ) {
    if ("token" in auth) this.token = auth.token;
  }

  /** Who this client acts as, for log lines. */
  get who(): string {
    return "username" in this.auth ? this.auth.username : "api key";
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>("PUT", path, body);
  }

  /** The session token (logging in first if needed), e.g. for the live stream. */
  async sessionToken(): Promise<string> {
    return this.token ?? (await this.login());
  }

  async call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = await this.sessionToken();
    let response: Response;
    try {
      response = await fetch(new URL(`/api/v1${path}`, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiCallError(
        0,
        "UNREACHABLE",
        `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (response.status === 401 && !retried && "username" in this.auth) {
      this.token = undefined;
      return this.call<T>(method, path, body, true);
    }
    return parse<T>(response, `${method} ${path}`);
  }

  private login(): Promise<string> {
    if (!("username" in this.auth))
      return Promise.reject(new ApiCallError(401, "UNAUTHENTICATED", "the API key was refused"));
    const credentials = this.auth;
    this.loggingIn ??= (async () => {
      try {
        const response = await fetch(new URL("/api/v1/auth/login", this.baseUrl), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: credentials.username, password: credentials.password }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const result = await parse<{ token: string }>(response, `login as ${credentials.username}`);
        this.token = result.token;
        return result.token;
      } finally {
        this.loggingIn = undefined;
      }
    })();
    return this.loggingIn;
  }
}

async function parse<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  let value: unknown = undefined;
  if (text !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  if (!response.ok) {
    const error = (typeof value === "object" && value !== null ? value : {}) as {
      code?: string;
      message?: string;
    };
    throw new ApiCallError(
      response.status,
      error.code ?? `HTTP_${response.status}`,
      `${what}: ${error.message ?? (typeof value === "string" ? value.slice(0, 200) : response.statusText)}`,
    );
  }
  return value as T;
}
