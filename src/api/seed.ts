/**
 * First start: when the store has no user at all, an administrator is created so that someone can
 * log in. Its name comes from `adminUsername`; its password from `adminPassword`, or, when that is
 * unset, a random one-time password written once to the log (change it at once with
 * POST /api/v1/auth/password). Nothing here is a built-in password.
 */
import type { Config } from "../config/schema.js";
import type { Clock } from "../monitor/clock.js";
import type { Store, UserRecord } from "../store/ports.js";
import { generatePassword } from "./auth/passwords.js";
import { createUser, type NewUser } from "./services/users.js";

export interface SeedLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface FirstAdmin {
  readonly user: UserRecord;
  /** Set when the password was generated (it was logged once and is not kept anywhere). */
  readonly generatedPassword?: string;
}

/** Creates the first administrator if the store has no user; returns it, or undefined. */
export async function ensureAdmin(
  store: Store,
  config: Pick<Config, "adminUsername" | "adminPassword">,
  clock: Clock,
  logger: SeedLogger,
): Promise<FirstAdmin | undefined> {
  if ((await store.access.users()).length > 0) return undefined;
  const generated = config.adminPassword === undefined ? generatePassword(20) : undefined;
  const user = await createUser(store, clock, {
    username: config.adminUsername,
    displayName: "Administrator",
    password: config.adminPassword ?? generated!,
    role: "admin",
  });
  await store.audit.append({
    atMs: clock.nowMs(),
    actor: "system",
    action: "user.create",
    subjectType: "user",
    subjectId: user.id,
    details: { role: "admin", firstStart: true },
  });
  if (generated === undefined) {
    logger.info(
      { username: user.username },
      "first start: created the administrator with the configured password",
    );
    return { user };
  }
  logger.warn(
    { username: user.username, oneTimePassword: generated },
    "first start: created the administrator with this one-time password; log in and change it now (POST /api/v1/auth/password)",
  );
  return { user, generatedPassword: generated };
}

/** Creates the users that do not exist yet (tests, the demo); returns every user named. */
export async function seedUsers(
  store: Store,
  clock: Clock,
  users: readonly NewUser[],
): Promise<UserRecord[]> {
  const result: UserRecord[] = [];
  for (const input of users) {
    const existing = await store.access.userByName(input.username);
    result.push(existing ?? (await createUser(store, clock, input)));
  }
  return result;
}
