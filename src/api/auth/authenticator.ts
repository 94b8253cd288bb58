/**
 * Logins, sessions and API keys: turns a bearer credential into a `Principal`, or refuses it.
 * Sessions are short-lived and revocable (logout, or disabling the user); the store keeps only the
 * SHA-256 of each token and secret.
 */
import { SealwatchError } from "../../core/errors.js";
import type { Clock } from "../../monitor/clock.js";
import type { AccessStore, ApiKeyRecord, UserRecord } from "../../store/ports.js";
import { LoginThrottle } from "./login-throttle.js";
import { dummyHash, hashPassword, verifyPassword } from "./passwords.js";
import { checkPassword } from "./password-policy.js";
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
    this.checkThrottle(username, address, now, log, "login");
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

  /**
   * Changes a user's own password. The current password is a guess like a login's, so it is
   * throttled with the same counters (per user and per address): a stolen session cannot be used to
   * find the password. A wrong one answers WRONG_PASSWORD (401), a throttled attempt LOGIN_THROTTLED
   * (429). On success every other session of the user ends; the one used stays.
   */
  async changePassword(
    principal: Principal,
    change: { readonly currentPassword: string; readonly newPassword: string },
    address: string,
    log: LoginLogger,
  ): Promise<UserRecord> {
    if (principal.kind !== "user") throw new SealwatchError("FORBIDDEN", "an API key has no password");
    const user = await this.access.user(principal.id);
    if (user === undefined || user.disabled)
      throw new SealwatchError("UNAUTHENTICATED", "the session's user is disabled; log in again");
    const now = this.clock.nowMs();
    this.checkThrottle(user.username, address, now, log, "password change");
    if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
      const failures = this.throttle.failed(user.username, address, now);
      log.warn(
        { username: user.username, address, failures },
        "password change with a wrong current password",
      );
      throw new SealwatchError("WRONG_PASSWORD", "the current password is wrong");
    }
    this.throttle.succeeded(user.username);
    if (change.newPassword === change.currentPassword)
      throw new SealwatchError("WEAK_PASSWORD", "the new password is the current one");
    checkPassword(change.newPassword, [user.username, user.displayName]);
    const changed: UserRecord = {
      ...user,
      passwordHash: await hashPassword(change.newPassword),
      updatedAtMs: now,
    };
    await this.access.putUser(changed);
    await this.access.revokeUserSessions(user.id, now, principal.sessionHash);
    log.info({ username: user.username, userId: user.id, address }, "password changed; other sessions ended");
    return changed;
  }

  private checkThrottle(
    username: string,
    address: string,
    nowMs: number,
    log: LoginLogger,
    what: string,
  ): void {
    const waitMs = this.throttle.waitMs(username, address, nowMs);
    if (waitMs <= 0) return;
    log.warn({ username, address, waitMs }, `${what} throttled after repeated failures`);
    throw new LoginThrottledError(Math.ceil(waitMs / 1000));
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

  /**
   * Whether the credential a principal was made from still holds, for a connection that outlives
   * its request (the live stream): undefined if it does, else why it ended. A change of the user's
   * or key's role or scope ends it too (what the connection filters by would be stale).
   */
  async ended(principal: Principal): Promise<CredentialEnd | undefined> {
    const now = this.clock.nowMs();
    if (principal.kind === "apiKey") {
      const key = await this.access.apiKey(principal.id);
      if (key === undefined || key.revokedAtMs !== undefined) return "key_revoked";
      return sameScope(principal, principalOfApiKey(key)) ? undefined : "access_changed";
    }
    // The user first: disabling also ends the sessions, and the reason to give is the disabling.
    const user = await this.access.user(principal.id);
    if (user === undefined || user.disabled) return "user_disabled";
    if (principal.sessionHash !== undefined) {
      const session = await this.access.session(principal.sessionHash);
      if (session === undefined || session.revokedAtMs !== undefined) return "logged_out";
      if (session.expiresAtMs <= now) return "session_expired";
    }
    return sameScope(principal, principalOfUser(user)) ? undefined : "access_changed";
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
    return principalOfApiKey(key);
  }
}

/** Why a credential stopped holding (the live stream's `end` event says it). */
export type CredentialEnd =
  "logged_out" | "session_expired" | "user_disabled" | "key_revoked" | "access_changed";

export const CREDENTIAL_END_MESSAGES: Readonly<Record<CredentialEnd, string>> = {
  logged_out: "the session was logged out or ended (a password change, an administrator); log in again",
  session_expired: "the session expired; log in again",
  user_disabled: "the user was disabled",
  key_revoked: "the API key was revoked",
  access_changed: "the caller's role or scope changed; reconnect to follow with the new one",
};

function sameScope(a: Principal, b: Principal): boolean {
  return (
    a.role === b.role &&
    a.companyId === b.companyId &&
    a.offices.length === b.offices.length &&
    a.offices.every((office, i) => b.offices[i] === office)
  );
}

export function principalOfApiKey(key: ApiKeyRecord): Principal {
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
