/**
 * The demo's accounts: one per role (an officer per office, a trader or carrier user per company),
 * with passwords generated the first time a demo data folder is used and kept in
 * `<dataDir>/demo-credentials.json` (readable by its owner only), so that a restarted demo keeps
 * its logins. No password is written in the code.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatePassword } from "../api/auth/passwords.js";
import type { Role } from "../store/ports.js";
import { SIM_COMPANIES } from "../sim/fleet.js";
import { DEMO_ZONES } from "./corridors.js";

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly displayName: string;
  readonly offices?: readonly string[];
  readonly companyId?: string;
}

export interface DemoCredentials {
  readonly createdAt: string;
  readonly users: readonly DemoUser[];
  /** Token of the API key the HTTP gateway uses (role gateway). */
  readonly gatewayApiKey?: string;
}

export const CREDENTIALS_FILE = "demo-credentials.json";

/** The accounts the demo has, without passwords. */
export function demoAccounts(): Omit<DemoUser, "password">[] {
  const accounts: Omit<DemoUser, "password">[] = [
    { username: "admin", role: "admin", displayName: "Administrator" },
    { username: "supervisor", role: "supervisor", displayName: "Duty supervisor" },
    { username: "operator", role: "operator", displayName: "Control-room operator" },
    { username: "instructor", role: "instructor", displayName: "Training instructor" },
  ];
  for (const office of DEMO_ZONES.filter((z) => z.kind === "office")) {
    accounts.push({
      username: `officer-${office.id.toLowerCase()}`,
      role: "officer",
      displayName: `Officer, ${office.name}`,
      offices: [office.id],
    });
  }
  for (const company of SIM_COMPANIES) {
    accounts.push({
      username: `${company.kind}-${company.id.split("-")[0]}`,
      role: "trader",
      displayName: `${company.kind === "carrier" ? "Carrier" : "Trader"}, ${company.name}`,
      companyId: company.id,
    });
  }
  return accounts;
}

/** Reads the data folder's credentials, creating (and saving) passwords for accounts that lack one. */
export function loadOrCreateCredentials(dataDir: string): DemoCredentials {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, CREDENTIALS_FILE);
  const saved: Partial<DemoCredentials> = existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as DemoCredentials)
    : {};
  const byName = new Map((saved.users ?? []).map((u) => [u.username, u]));
  const users = demoAccounts().map((account) => ({
    ...account,
    password: byName.get(account.username)?.password ?? generatePassword(16),
  }));
  const credentials: DemoCredentials = {
    createdAt: saved.createdAt ?? new Date().toISOString(),
    users,
    ...(saved.gatewayApiKey === undefined ? {} : { gatewayApiKey: saved.gatewayApiKey }),
  };
  saveCredentials(dataDir, credentials);
  return credentials;
}

export function saveCredentials(dataDir: string, credentials: DemoCredentials): void {
  const path = join(dataDir, CREDENTIALS_FILE);
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Reads a credentials file (the demo's, or one written by hand in the same format). */
export function readCredentialsFile(path: string): DemoCredentials {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<DemoCredentials>;
  if (!Array.isArray(parsed.users))
    throw new Error(`${path}: expected { "users": [ { "username", "password", "role", … } ] }`);
  return {
    createdAt: parsed.createdAt ?? "",
    users: parsed.users,
    ...(parsed.gatewayApiKey === undefined ? {} : { gatewayApiKey: parsed.gatewayApiKey }),
  };
}

export function userWithRole(credentials: DemoCredentials, role: Role): DemoUser | undefined {
  return credentials.users.find((u) => u.role === role);
}
