/**
 * Logins, sessions and API keys: turns a bearer credential into a `Principal`, or refuses it.
 * Sessions are short-lived and revocable (logout, or disabling the user); the store keeps only the
 * SHA-256 of each token and secret.
 */
import { SealwatchError } from "../../core/errors.js";
import type { Clock } from "../../monitor/clock.js";
import type { AccessStore, UserRecord } from "../../store/ports.js";
import { LoginThrottle } from "./login-throttle.js";
import { dummyHash, verifyPassword } from "./passwords.js";
import type { Principal } from "./policy.js";
import { isSessionToken, newSessionToken, parseApiKey, sameHash, sha256Hex } from "./tokens.js";

export interface LoginLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface LoginResult {
  readonly token: string;
  readonly expiresAtMs: number;
  readonly user: UserRecord;
}

export class Authenticator {
  readonly throttle = new LoginThrottle();

  constructor(
    private readonly access: AccessStore,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
  ) {}

  /** Checks a username and password; throttled, and every failure logged with the address. */
  async login(username: string, password: string, address: string, log: LoginLogger): Promise<LoginResult> {
    const now = this.clock.nowMs();
    const waitMs = this.throttle.waitMs(username, address, now);
    if (waitMs > 0) {
      log.warn({ username, address, waitMs }, "login throttled after repeated failures");
      throw new LoginThrottledError(Math.ceil(waitMs / 1000));
    }
    const user = await this.access.userByName(username);
    // The hash is checked even for an unknown user, so that timing does not tell which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!ok || user === undefined || user.disabled) {
      const failures = this.throttle.failed(username, address, now);
      log.warn(
        {
          username,
          address,
          failures,
          reason: user === undefined ? "unknown user" : user.disabled ? "disabled" : "wrong password",
        },
        "failed login",
      );
      throw new SealwatchError("UNAUTHENTICATED", "wrong username or password");
    }
    this.throttle.succeeded(username);
    const { token, hash } = newSessionToken();
    const expiresAtMs = now + this.sessionTtlMs;
    await this.access.putSession({ tokenHash: hash, userId: user.id, createdAtMs: now, expiresAtMs });
    log.info({ username: user.username, userId: user.id, address }, "login");
    return { token, expiresAtMs, user };
  }

  /** The caller named by an `Authorization: Bearer ...` header; UNAUTHENTICATED otherwise. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === "") {
      throw new SealwatchError(
        "UNAUTHENTICATED",
        "authentication required: send Authorization: Bearer <token>",
      );
    }
    if (isSessionToken(token)) return this.session(token);
    const key = parseApiKey(token);
    if (key !== undefined) return this.apiKey(key.id, key.secret);
    throw new SealwatchError(
      "UNAUTHENTICATED",
      "the bearer token is not a Sealwatch session token or API key",
    );
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionHash !== undefined)
      await this.access.revokeSession(principal.sessionHash, this.clock.nowMs());
  }

  private async session(token: string): Promise<Principal> {
    const hash = sha256Hex(token);
    const session = await this.access.session(hash);
    const now = this.clock.nowMs();
    if (session === undefined || session.revokedAtMs !== undefined || session.expiresAtMs <= now) {
      throw new SealwatchError(
        "UNAUTHENTICATED",
        "the session is invalid, expired or logged out; log in again",
      );
    }
    const user = await this.access.user(session.userId);
    if (user === undefined || user.disabled) {
      throw new SealwatchError("UNAUTHENTICATED", "the session's user is disabled; log in again");
    }
    return { ...principalOfUser(user), sessionHash: hash };
  }

  private async apiKey(id: string, secret: string): Promise<Principal> {
    const key = await this.access.apiKey(id);
    if (key === undefined || key.revokedAtMs !== undefined || !sameHash(sha256Hex(secret), key.secretHash)) {
      throw new SealwatchError("UNAUTHENTICATED", "the API key is invalid or revoked");
    }
    return {
      kind: "apiKey",
      id: key.id,
      name: key.name,
      role: key.role,
      ...(key.companyId === undefined ? {} : { companyId: key.companyId }),
      offices: key.offices ?? [],
      actor: `apikey:${key.id}`,
    };
  }
}

export function principalOfUser(user: UserRecord): Principal {
  return {
    kind: "user",
    id: user.id,
    name: user.username,
    role: user.role,
    ...(user.companyId === undefined ? {} : { companyId: user.companyId }),
    offices: user.offices ?? [],
    actor: `user:${user.id}`,
  };
}

/** LOGIN_THROTTLED with the seconds to wait, for the Retry-After header. */
export class LoginThrottledError extends SealwatchError {
  constructor(readonly retryAfterS: number) {
    super("LOGIN_THROTTLED", `too many failed logins; retry in ${retryAfterS} s`);
  }
}
