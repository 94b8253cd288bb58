/**
 * Creating and changing users: the rules that hold wherever a user comes from (the API, the first
 * start, the demo's seed). Traders and carriers belong to a company; officers to one or more offices.
 */
import { SealwatchError } from "../../core/errors.js";
import { usernameKey } from "../../core/identity/username.js";
import type { Clock } from "../../monitor/clock.js";
import type { Role, Store, UserRecord } from "../../store/ports.js";
import { checkPassword } from "../auth/password-policy.js";
import { hashPassword } from "../auth/passwords.js";

export interface NewUser {
  readonly username: string;
  readonly displayName?: string;
  readonly password: string;
  readonly role: Role;
  readonly companyId?: string;
  readonly offices?: readonly string[];
}

export const USERNAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$";

/** Checks that the role's scope is given and exists: a company for traders, offices for officers. */
export async function checkScope(
  store: Store,
  role: Role,
  companyId: string | undefined,
  offices: readonly string[] | undefined,
): Promise<void> {
  if (role === "trader" && companyId === undefined)
    throw new SealwatchError("INVALID_DEFINITION", "a trader or carrier user needs a companyId");
  if (role !== "trader" && companyId !== undefined)
    throw new SealwatchError("INVALID_DEFINITION", `a ${role} has no company (only traders and carriers do)`);
  if (role === "officer" && (offices === undefined || offices.length === 0))
    throw new SealwatchError("INVALID_DEFINITION", "an officer needs at least one office");
  if (role !== "officer" && offices !== undefined && offices.length > 0)
    throw new SealwatchError("INVALID_DEFINITION", `a ${role} has no offices (only officers do)`);
  if (companyId !== undefined && (await store.access.company(companyId)) === undefined)
    throw new SealwatchError("UNKNOWN_REFERENCE", `company "${companyId}" does not exist`);
  for (const office of offices ?? []) {
    const zone = await store.zones.get(office);
    if (zone === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `office "${office}" does not exist`);
    if (zone.kind !== "office")
      throw new SealwatchError(
        "INVALID_DEFINITION",
        `zone "${office}" is a ${zone.kind} zone, not an office`,
      );
  }
}

export async function createUser(store: Store, clock: Clock, input: NewUser): Promise<UserRecord> {
  checkPassword(input.password, [input.username, input.displayName]);
  await checkScope(store, input.role, input.companyId, input.offices);
  const id = usernameKey(input.username);
  if (
    (await store.access.userByName(input.username)) !== undefined ||
    (await store.access.user(id)) !== undefined
  )
    throw new SealwatchError("DUPLICATE_ID", `user "${input.username}" already exists`);
  const now = clock.nowMs();
  const user: UserRecord = {
    id,
    username: input.username,
    displayName: input.displayName ?? input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    ...(input.companyId === undefined ? {} : { companyId: input.companyId }),
    ...(input.offices === undefined || input.offices.length === 0 ? {} : { offices: [...input.offices] }),
    disabled: false,
    createdAtMs: now,
    updatedAtMs: now,
  };
  await store.access.putUser(user);
  return user;
}
