/**
 * The whole role × endpoint matrix: every route of the API, called by every role (and without
 * credentials), gets the expected status. Allowed callers get the route's success status on a
 * fixture they may see; other roles get 403; anonymous callers 401; public routes answer everyone.
 * The table is written out here, apart from the policy in src/api/auth/policy.ts, so that a change
 * of either shows up as a failure.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { jcs } from "../../src/core/canonical-json.js";
import { jwkThumbprint, publicJwkOf, signCompact } from "../../src/dossier/jose.js";
import { ROTATION_TYP } from "../../src/federation/instance-keys.js";
import type { Role } from "../../src/store/ports.js";
import { createHarness, DESTINATION, MIDWAY, ORIGIN, PASSWORD, ROLES, type Harness } from "./support.js";

type Who = Role | "anonymous";
const CALLERS: readonly Who[] = [...ROLES, "anonymous"];

interface Call {
  readonly url: string;
  readonly body?: unknown;
  /** A token to use instead of the role's usual one (a fresh session for logout). */
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

interface Row {
  readonly method: string;
  /** The route as registered. */
  readonly route: string;
  /** Allowed roles and the status each gets; every other role gets 403, anonymous 401. */
  readonly allowed?: Partial<Record<Role, number>>;
  /** A public route: this status for every caller. */
  readonly everyone?: number;
  readonly call: (h: Harness, who: Who) => Call | Promise<Call>;
}

const all = (status: number, roles: readonly Role[]): Partial<Record<Role, number>> =>
  Object.fromEntries(roles.map((r) => [r, status]));
const STAFF: Role[] = ["admin", "supervisor", "officer", "operator"];
const READERS: Role[] = [...STAFF, "trader"];
const EVERY_ROLE: Role[] = [...ROLES];
/** Who runs training sessions, and who takes them. */
const TRAINERS: Role[] = ["supervisor", "instructor"];
const TRAINEES: Role[] = ["supervisor", "officer", "operator", "instructor"];
const EXERCISE = "th-02-roadside-opening";

/**
 * A training session of the caller (a trainee role), else of the operator (the caller is refused
 * before the session matters), starting at `beginAt` in the exercise's story.
 */
async function trainingSession(
  h: Harness,
  who: Who,
  beginAt: string,
): Promise<{ id: string; userId: string }> {
  const username = who !== "anonymous" && TRAINEES.includes(who) ? who : "operator";
  const user = await h.store.access.userByName(username);
  // Each row uses the session it starts: the earlier ones are finished, so the server's cap on
  // sessions running at once is never what answers.
  for (const running of h.context.training.list())
    if (!h.context.training.finished(running)) await h.context.training.finish(running.id, "user:matrix");
  const session = await h.context.training.start({
    exerciseId: EXERCISE,
    speed: 1,
    trainees: [{ userId: user!.id, username }],
    actor: "user:matrix",
    beginAtMs: Date.parse(beginAt),
  });
  return { id: session.id, userId: user!.id };
}

/** After both of the exercise's alarms have reached the trainee. */
const AFTER_ALARMS = "2025-06-12T11:02:00Z";
/** After the trip has arrived at Nong Khai. */
const AFTER_ARRIVAL = "2025-06-12T14:00:00Z";

async function trainingAlarm(h: Harness, who: Who, acknowledged = false) {
  const session = await trainingSession(h, who, AFTER_ALARMS);
  const alarms = await h.context.training.alarms(session.id, session.userId);
  const tamper = alarms.find((a) => a.type === "tamper")!;
  if (acknowledged) await h.context.training.acknowledge(session.id, session.userId, tamper.id);
  return `/api/v1/training/sessions/${session.id}/alarms/${tamper.id}`;
}

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${++counter}`;

function partnerBody(id: string, key: object = publicJwkOf(generateKeyPairSync("ed25519").privateKey)) {
  return {
    id,
    name: `Administration ${id}`,
    country: "UG",
    baseUrl: "https://partner.example",
    offices: ["UG000101"],
    keys: [key],
  };
}

/** A fresh partner (its own for each caller), registered directly. */
async function partner(h: Harness, key?: object): Promise<string> {
  const id = unique("UG");
  await h.federation.partners.add(partnerBody(id, key), "user:matrix");
  return id;
}

/** A second passphrase that meets the policy, for the password-change row. */
const INTERIM_PASSWORD = "lanterns over the quay at low tide";

async function freshSession(h: Harness, who: Who): Promise<string | undefined> {
  if (who === "anonymous" || who === "gateway") return undefined;
  const username = who === "admin" ? "admin" : who;
  const r = await h.request("POST", "/api/v1/auth/login", { body: { username, password: PASSWORD } });
  return r.json<{ token: string }>().token;
}

async function issuedKey(h: Harness, deviceId: string): Promise<string> {
  const r = await h.request("POST", `/api/v1/devices/${deviceId}/keys`, {
    as: "admin",
    body: { algorithm: "hmac-sha256" },
  });
  return r.json<{ key: { keyId: string } }>().key.keyId;
}

function tripBody(id: string, deviceId: string, deadlineMs: number): object {
  return {
    id,
    origin: "OFF-ORIGIN",
    destination: "OFF-DEST",
    route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
    deadline: new Date(deadlineMs).toISOString(),
    devices: [deviceId],
    companyId: "ACME",
  };
}

/** A subscription of the caller's own (the administrator's for callers that cannot make one). */
async function ownSubscription(h: Harness, who: Who): Promise<string> {
  const as = who === "anonymous" || who === "gateway" ? "admin" : who;
  const r = await h.request("POST", "/api/v1/subscriptions", {
    as,
    body: { callbackUrl: "https://partner.example/hooks", format: "sealwatch" },
  });
  return r.json<{ id: string }>().id;
}

const NOTIFY: Role[] = ["admin", "supervisor"];
const USERS: Role[] = ["admin", "supervisor", "officer", "operator", "trader", "instructor"];
const ruleBody = {
  name: "r",
  match: {},
  channels: ["email"],
  chain: [{ afterMin: 0, to: { kind: "supervisors" } }],
};

/** A fresh notification rule, stored directly. */
async function notificationRule(h: Harness): Promise<string> {
  const id = unique("rule");
  await h.store.notify.putRule({
    id,
    name: id,
    enabled: true,
    match: {},
    channels: ["email"],
    chain: [{ afterMin: 0, to: { kind: "supervisors" } }],
    createdAtMs: 0,
    updatedAtMs: 0,
    updatedBy: "user:admin",
  });
  return id;
}

/** The origin office's roster, stored directly (so that a DELETE finds one). */
async function roster(h: Harness): Promise<string> {
  await h.store.notify.putRoster({
    office: "OFF-ORIGIN",
    timeZone: "UTC",
    shifts: [],
    supervisorIds: [],
    updatedAtMs: 0,
    updatedBy: "user:admin",
  });
  return "OFF-ORIGIN";
}

const ROWS: Row[] = [
  // system and auth
  { method: "GET", route: "/api/v1/health", everyone: 200, call: () => ({ url: "/api/v1/health" }) },
  {
    method: "GET",
    route: "/api/v1/openapi.json",
    everyone: 200,
    call: () => ({ url: "/api/v1/openapi.json" }),
  },
  {
    method: "POST",
    route: "/api/v1/auth/login",
    everyone: 200,
    call: () => ({ url: "/api/v1/auth/login", body: { username: "operator", password: PASSWORD } }),
  },
  {
    method: "POST",
    route: "/api/v1/auth/logout",
    allowed: all(204, EVERY_ROLE),
    call: async (h, who) => {
      const token = await freshSession(h, who);
      return { url: "/api/v1/auth/logout", ...(token === undefined ? {} : { token }) };
    },
  },
  {
    method: "GET",
    route: "/api/v1/auth/me",
    allowed: all(200, EVERY_ROLE),
    call: () => ({ url: "/api/v1/auth/me" }),
  },
  {
    method: "POST",
    route: "/api/v1/auth/password",
    // An API key (the gateway here) has no password.
    allowed: { ...all(204, READERS), instructor: 204, gateway: 403 },
    // The policy refuses the current password as the new one: the caller first moves to an interim
    // password, and the tabled call moves it back (the caller's own session survives both changes).
    call: async (h, who) => {
      const token = who === "anonymous" ? undefined : h.tokens[who];
      if (token !== undefined && who !== "gateway")
        await h.request("POST", "/api/v1/auth/password", {
          token,
          body: { currentPassword: PASSWORD, newPassword: INTERIM_PASSWORD },
        });
      const current = who === "gateway" || who === "anonymous" ? PASSWORD : INTERIM_PASSWORD;
      return { url: "/api/v1/auth/password", body: { currentPassword: current, newPassword: PASSWORD } };
    },
  },
  // administration
  {
    method: "GET",
    route: "/api/v1/companies",
    allowed: all(200, STAFF),
    call: () => ({ url: "/api/v1/companies" }),
  },
  {
    method: "POST",
    route: "/api/v1/companies",
    allowed: { admin: 201 },
    call: () => ({
      url: "/api/v1/companies",
      body: { id: unique("CO"), name: "A carrier", kind: "carrier" },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/users",
    allowed: all(200, STAFF),
    call: () => ({ url: "/api/v1/users" }),
  },
  {
    method: "POST",
    route: "/api/v1/users",
    allowed: { admin: 201 },
    call: () => ({
      url: "/api/v1/users",
      body: { username: unique("user"), password: PASSWORD, role: "operator" },
    }),
  },
  {
    method: "PATCH",
    route: "/api/v1/users/:id",
    allowed: { admin: 200 },
    call: () => ({ url: "/api/v1/users/operator", body: { displayName: unique("Operator") } }),
  },
  {
    method: "GET",
    route: "/api/v1/api-keys",
    allowed: { admin: 200 },
    call: () => ({ url: "/api/v1/api-keys" }),
  },
  {
    method: "POST",
    route: "/api/v1/api-keys",
    allowed: { admin: 201 },
    call: () => ({ url: "/api/v1/api-keys", body: { name: unique("key"), role: "gateway" } }),
  },
  {
    method: "DELETE",
    route: "/api/v1/api-keys/:id",
    allowed: { admin: 204 },
    call: async (h) => {
      const r = await h.request("POST", "/api/v1/api-keys", {
        as: "admin",
        body: { name: unique("key"), role: "gateway" },
      });
      return { url: `/api/v1/api-keys/${r.json<{ key: { id: string } }>().key.id}` };
    },
  },
  // zones
  {
    method: "GET",
    route: "/api/v1/zones",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/zones" }),
  },
  {
    method: "GET",
    route: "/api/v1/zones/:id",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/zones/OFF-ORIGIN" }),
  },
  {
    method: "POST",
    route: "/api/v1/zones",
    allowed: all(201, ["admin", "supervisor"]),
    call: () => ({
      url: "/api/v1/zones",
      body: {
        type: "Feature",
        id: unique("REST"),
        geometry: { type: "Point", coordinates: MIDWAY },
        properties: { kind: "rest", radiusM: 500 },
      },
    }),
  },
  {
    method: "PUT",
    route: "/api/v1/zones/:id",
    allowed: all(200, ["admin", "supervisor"]),
    call: () => ({
      url: "/api/v1/zones/REST-FIXED",
      body: {
        type: "Feature",
        geometry: { type: "Point", coordinates: MIDWAY },
        properties: { kind: "rest", radiusM: 800 },
      },
    }),
  },
  // devices
  {
    method: "GET",
    route: "/api/v1/devices",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/devices" }),
  },
  {
    method: "GET",
    route: "/api/v1/devices/:id",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/devices/${await h.newDevice("ACME")}` }),
  },
  {
    method: "POST",
    route: "/api/v1/devices",
    allowed: all(201, ["admin", "supervisor"]),
    call: () => ({
      url: "/api/v1/devices",
      body: {
        id: unique("SEAL"),
        class: "passive",
        vendor: "Acme Seals",
        model: "R1",
        protocol: "epcis",
        identifiers: [],
      },
    }),
  },
  {
    method: "PUT",
    route: "/api/v1/devices/:id",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => {
      const id = await h.newDevice("ACME");
      return {
        url: `/api/v1/devices/${id}`,
        body: {
          class: "active",
          vendor: "Jointech",
          model: "JT709A",
          protocol: "jt701",
          identifiers: [unique("99")],
          companyId: "ACME",
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/v1/devices/:id/lifecycle",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => ({
      url: `/api/v1/devices/${await h.newDevice("ACME")}/lifecycle`,
      body: { to: "assigned" },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/devices/:id/keys",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => ({ url: `/api/v1/devices/${await h.newDevice("ACME")}/keys` }),
  },
  {
    method: "POST",
    route: "/api/v1/devices/:id/keys",
    allowed: all(201, ["admin", "supervisor"]),
    call: async (h) => ({
      url: `/api/v1/devices/${await h.newDevice("ACME")}/keys`,
      body: { algorithm: "aes-256-gcm" },
    }),
  },
  {
    method: "DELETE",
    route: "/api/v1/devices/:id/keys/:keyId",
    allowed: all(204, ["admin", "supervisor"]),
    call: async (h) => {
      const id = await h.newDevice("ACME");
      return { url: `/api/v1/devices/${id}/keys/${await issuedKey(h, id)}` };
    },
  },
  {
    method: "POST",
    route: "/api/v1/devices/:id/unlock",
    // A remote unlock is an officer's act, once the trip has arrived.
    allowed: { officer: 202 },
    call: async (h) => {
      const { tripId, deviceId } = await h.newTrip({ stage: "arrived" });
      await h.reading(deviceId, DESTINATION);
      return { url: `/api/v1/devices/${deviceId}/unlock`, body: { tripId, reason: "cargo released" } };
    },
  },
  // trips
  {
    method: "GET",
    route: "/api/v1/trips",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/trips" }),
  },
  {
    method: "POST",
    route: "/api/v1/trips",
    allowed: all(201, ["admin", "supervisor", "officer"]),
    call: async (h) => ({
      url: "/api/v1/trips",
      body: tripBody(unique("DECL"), await h.newDevice("ACME"), h.clock.nowMs() + 86_400_000),
    }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/trips/${(await h.newTrip()).tripId}` }),
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/arm",
    allowed: all(200, ["admin", "supervisor", "officer"]),
    call: async (h) => {
      const { tripId, deviceId } = await h.newTrip();
      await h.reading(deviceId, ORIGIN);
      return { url: `/api/v1/trips/${tripId}/arm` };
    },
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/disarm",
    allowed: all(200, ["admin", "supervisor", "officer"]),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "arrived" })).tripId}/disarm`,
      body: {},
    }),
  },
  {
    method: "GET",
    route: "/api/v1/kpis/inspections",
    allowed: all(200, STAFF),
    call: () => ({ url: "/api/v1/kpis/inspections" }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id/inspection",
    allowed: all(200, READERS),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "arrived" })).tripId}/inspection`,
    }),
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/inspection/decision",
    allowed: all(200, ["supervisor", "officer"]),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "arrived" })).tripId}/inspection/decision`,
      body: { decision: "physical_inspection", reason: "matrix" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/inspection/outcome",
    allowed: all(200, ["supervisor", "officer"]),
    call: async (h) => {
      const { tripId } = await h.newTrip({ stage: "arrived" });
      await h.request("POST", `/api/v1/trips/${tripId}/inspection/decision`, {
        as: "supervisor",
        body: { decision: "physical_inspection", reason: "matrix" },
      });
      return { url: `/api/v1/trips/${tripId}/inspection/outcome`, body: { result: "no_irregularity" } };
    },
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/cancel",
    allowed: all(200, ["admin", "supervisor", "officer"]),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip()).tripId}/cancel`,
      body: { reason: "declaration withdrawn" },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id/track",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/trips/${(await h.newTrip({ stage: "in_transit" })).tripId}/track` }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id/dossier",
    allowed: all(200, ["admin", "supervisor", "officer"]),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "in_transit" })).tripId}/dossier`,
    }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id/timeline",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/trips/${(await h.newTrip({ stage: "armed" })).tripId}/timeline` }),
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/incidents",
    allowed: all(201, READERS),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "in_transit" })).tripId}/incidents`,
      body: { kind: "breakdown", description: "engine failure, waiting for a mechanic" },
    }),
  },
  // alarms
  {
    method: "GET",
    route: "/api/v1/alarms",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/alarms" }),
  },
  {
    method: "GET",
    route: "/api/v1/alarms/:id",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/alarms/${(await h.newAlarm()).alarm.id}` }),
  },
  {
    method: "POST",
    route: "/api/v1/alarms/:id/acknowledge",
    allowed: all(200, STAFF),
    call: async (h) => ({ url: `/api/v1/alarms/${(await h.newAlarm()).alarm.id}/acknowledge`, body: {} }),
  },
  {
    method: "POST",
    route: "/api/v1/alarms/:id/assign",
    allowed: all(200, STAFF),
    call: async (h) => ({
      url: `/api/v1/alarms/${(await h.newAlarm()).alarm.id}/assign`,
      body: { assignee: "operator" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/alarms/:id/comments",
    allowed: all(200, STAFF),
    call: async (h) => ({
      url: `/api/v1/alarms/${(await h.newAlarm()).alarm.id}/comments`,
      body: { text: "driver reached by phone" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/alarms/:id/resolve",
    allowed: all(200, STAFF),
    call: async (h) => {
      const { alarm } = await h.newAlarm();
      await h.request("POST", `/api/v1/alarms/${alarm.id}/acknowledge`, { as: "admin", body: {} });
      return {
        url: `/api/v1/alarms/${alarm.id}/resolve`,
        body: { outcome: "technical_fault", notes: "loose sensor" },
      };
    },
  },
  // audit
  {
    method: "GET",
    route: "/api/v1/audit",
    allowed: all(200, ["admin", "supervisor"]),
    call: () => ({ url: "/api/v1/audit?limit=5" }),
  },
  {
    method: "GET",
    route: "/api/v1/audit/verify",
    allowed: all(200, ["admin", "supervisor"]),
    call: () => ({ url: "/api/v1/audit/verify" }),
  },
  // live stream (called over a real socket: see `send`)
  {
    method: "GET",
    route: "/api/v1/stream",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/stream" }),
  },
  // the dashboard's own reads (src/api/routes/dashboard.ts)
  {
    method: "GET",
    route: "/api/v1/dashboard/config",
    everyone: 200,
    call: () => ({ url: "/api/v1/dashboard/config" }),
  },
  {
    method: "GET",
    route: "/api/v1/dashboard/fleet",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/dashboard/fleet" }),
  },
  {
    method: "GET",
    route: "/api/v1/kpis",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/kpis" }),
  },
  // federation: this instance's identity and keys (src/api/routes/federation-keys.ts)
  {
    method: "GET",
    route: "/api/v1/federation/identity",
    everyone: 200,
    call: () => ({ url: "/api/v1/federation/identity" }),
  },
  {
    method: "GET",
    route: "/api/v1/federation/keys",
    everyone: 200,
    call: () => ({ url: "/api/v1/federation/keys" }),
  },
  {
    method: "POST",
    route: "/api/v1/federation/keys/rotate",
    allowed: { admin: 200 },
    call: () => ({ url: "/api/v1/federation/keys/rotate", body: {} }),
  },
  {
    method: "POST",
    route: "/api/v1/federation/keys/:kid/revoke",
    allowed: { admin: 200 },
    call: async (h) => {
      // A retired key of its own for each caller: only the administrator's call revokes it.
      const retired = (await h.federation.keys.rotate()).retired;
      return { url: `/api/v1/federation/keys/${retired}/revoke`, body: { reason: "role matrix" } };
    },
  },
  {
    method: "GET",
    route: "/api/v1/federation/audit-head",
    allowed: all(200, ["admin", "supervisor"]),
    call: () => ({ url: "/api/v1/federation/audit-head" }),
  },
  // federation: the partner registry (src/api/routes/federation-partners.ts)
  {
    method: "GET",
    route: "/api/v1/federation/partners",
    allowed: all(200, STAFF),
    call: () => ({ url: "/api/v1/federation/partners" }),
  },
  {
    method: "GET",
    route: "/api/v1/federation/partners/:id",
    allowed: all(200, STAFF),
    call: async (h) => ({ url: `/api/v1/federation/partners/${await partner(h)}` }),
  },
  {
    method: "GET",
    route: "/api/v1/federation/partners/:id/keys",
    allowed: all(200, STAFF),
    call: async (h) => ({ url: `/api/v1/federation/partners/${await partner(h)}/keys` }),
  },
  {
    method: "POST",
    route: "/api/v1/federation/partners",
    allowed: all(201, ["admin", "supervisor"]),
    call: () => ({ url: "/api/v1/federation/partners", body: partnerBody(unique("UG")) }),
  },
  {
    method: "PATCH",
    route: "/api/v1/federation/partners/:id",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => ({
      url: `/api/v1/federation/partners/${await partner(h)}`,
      body: { name: "Renamed" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/federation/partners/:id/keys",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => ({
      url: `/api/v1/federation/partners/${await partner(h)}/keys`,
      body: { key: publicJwkOf(generateKeyPairSync("ed25519").privateKey) },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/federation/partners/:id/keys/rotation",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => {
      const signer = generateKeyPairSync("ed25519").privateKey;
      const id = await partner(h, publicJwkOf(signer));
      const fresh = publicJwkOf(generateKeyPairSync("ed25519").privateKey);
      const statement = {
        iss: id,
        previousKid: jwkThumbprint(publicJwkOf(signer)),
        key: { ...fresh, kid: jwkThumbprint(fresh) },
        at: "2025-06-10T08:00:00.000Z",
      };
      const rotation = signCompact(
        { alg: "EdDSA", kid: statement.previousKid, typ: ROTATION_TYP },
        jcs(statement),
        signer,
      );
      return { url: `/api/v1/federation/partners/${id}/keys/rotation`, body: { rotation } };
    },
  },
  {
    method: "POST",
    route: "/api/v1/federation/partners/:id/keys/:kid/revoke",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => {
      const key = publicJwkOf(generateKeyPairSync("ed25519").privateKey);
      const id = await partner(h, key);
      return {
        url: `/api/v1/federation/partners/${id}/keys/${jwkThumbprint(key)}/revoke`,
        body: { reason: "matrix" },
      };
    },
  },
  {
    method: "POST",
    route: "/api/v1/federation/partners/:id/revoke",
    allowed: all(200, ["admin", "supervisor"]),
    call: async (h) => ({
      url: `/api/v1/federation/partners/${await partner(h)}/revoke`,
      body: { reason: "matrix" },
    }),
  },
  // alarm notifications (src/api/routes/notifications.ts)
  {
    method: "GET",
    route: "/api/v1/notifications/rules",
    allowed: all(200, NOTIFY),
    call: () => ({ url: "/api/v1/notifications/rules" }),
  },
  {
    method: "POST",
    route: "/api/v1/notifications/rules",
    allowed: all(201, NOTIFY),
    call: () => ({ url: "/api/v1/notifications/rules", body: ruleBody }),
  },
  {
    method: "GET",
    route: "/api/v1/notifications/rules/:id",
    allowed: all(200, NOTIFY),
    call: async (h) => ({ url: `/api/v1/notifications/rules/${await notificationRule(h)}` }),
  },
  {
    method: "PUT",
    route: "/api/v1/notifications/rules/:id",
    allowed: all(200, NOTIFY),
    call: async (h) => ({ url: `/api/v1/notifications/rules/${await notificationRule(h)}`, body: ruleBody }),
  },
  {
    method: "DELETE",
    route: "/api/v1/notifications/rules/:id",
    allowed: all(204, NOTIFY),
    call: async (h) => ({ url: `/api/v1/notifications/rules/${await notificationRule(h)}` }),
  },
  {
    method: "GET",
    route: "/api/v1/notifications/rosters",
    allowed: all(200, NOTIFY),
    call: () => ({ url: "/api/v1/notifications/rosters" }),
  },
  {
    method: "PUT",
    route: "/api/v1/notifications/rosters/:office",
    allowed: all(200, NOTIFY),
    call: () => ({
      url: "/api/v1/notifications/rosters/OFF-DEST",
      body: { timeZone: "Africa/Nairobi", shifts: [], supervisorIds: [] },
    }),
  },
  {
    method: "DELETE",
    route: "/api/v1/notifications/rosters/:office",
    allowed: all(204, NOTIFY),
    call: async (h) => ({ url: `/api/v1/notifications/rosters/${await roster(h)}` }),
  },
  {
    method: "GET",
    route: "/api/v1/me/notifications",
    allowed: all(200, USERS),
    call: () => ({ url: "/api/v1/me/notifications" }),
  },
  {
    method: "PUT",
    route: "/api/v1/me/notifications",
    allowed: all(200, USERS),
    call: () => ({ url: "/api/v1/me/notifications", body: { language: "sw" } }),
  },
  // federation: handovers (src/api/routes/federation-handovers.ts)
  {
    method: "POST",
    route: "/api/v1/federation/handovers",
    // No credentials count here: only a partner's signed request does (this one is not).
    everyone: 401,
    call: () => ({ url: "/api/v1/federation/handovers", body: { request: "e30.e30.AAAA" } }),
  },
  {
    method: "GET",
    route: "/api/v1/federation/handovers",
    allowed: all(200, STAFF),
    call: () => ({ url: "/api/v1/federation/handovers" }),
  },
  {
    method: "GET",
    route: "/api/v1/trips/:id/handovers",
    allowed: all(200, READERS),
    call: async (h) => ({ url: `/api/v1/trips/${(await h.newTrip()).tripId}/handovers` }),
  },
  {
    method: "POST",
    route: "/api/v1/trips/:id/handover",
    allowed: all(202, ["admin", "supervisor", "officer"]),
    call: async (h) => {
      await partner(h);
      const { tripId } = await h.newTrip({ stage: "armed" });
      return { url: `/api/v1/trips/${tripId}/handover`, body: { office: "UG000101" } };
    },
  },
  // open data out and subscriptions (src/api/routes/interop.ts, subscriptions.ts)
  {
    method: "GET",
    route: "/api/v1/trips/:id/export",
    allowed: all(200, READERS),
    call: async (h) => ({
      url: `/api/v1/trips/${(await h.newTrip({ stage: "armed" })).tripId}/export?format=eaeu`,
    }),
  },
  {
    method: "GET",
    route: "/api/v1/epcis/events",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/epcis/events?perPage=5" }),
  },
  {
    method: "POST",
    route: "/api/v1/subscriptions",
    allowed: all(201, READERS),
    call: () => ({
      url: "/api/v1/subscriptions",
      body: { callbackUrl: "https://partner.example/hooks", format: "sealwatch" },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/subscriptions",
    allowed: all(200, READERS),
    call: () => ({ url: "/api/v1/subscriptions" }),
  },
  {
    method: "GET",
    route: "/api/v1/subscriptions/:id",
    allowed: all(200, READERS),
    call: async (h, who) => ({ url: `/api/v1/subscriptions/${await ownSubscription(h, who)}` }),
  },
  {
    method: "DELETE",
    route: "/api/v1/subscriptions/:id",
    allowed: all(204, READERS),
    call: async (h, who) => ({ url: `/api/v1/subscriptions/${await ownSubscription(h, who)}` }),
  },
  {
    method: "GET",
    route: "/api/v1/admin/outbox",
    allowed: { admin: 200 },
    call: () => ({ url: "/api/v1/admin/outbox?status=dead" }),
  },
  {
    method: "POST",
    route: "/api/v1/admin/outbox/redeliver",
    allowed: { admin: 200 },
    call: () => ({ url: "/api/v1/admin/outbox/redeliver", body: { kind: "matrix" } }),
  },
  {
    method: "POST",
    route: "/api/v1/admin/outbox/:id/discard",
    allowed: { admin: 204 },
    call: async (h) => {
      const { messages } = await h.store.outbox.enqueue([
        { kind: "matrix", destination: unique("d"), payload: {}, createdAtMs: h.clock.nowMs() },
      ]);
      return { url: `/api/v1/admin/outbox/${messages[0]!.id}/discard`, body: {} };
    },
  },
  // ingest (the device gateway's routes)
  {
    method: "POST",
    route: "/api/v1/ingest/readings",
    allowed: all(200, ["admin", "gateway"]),
    call: (h) => ({
      url: "/api/v1/ingest/readings",
      body: {
        readings: [
          { deviceId: "8043396601", at: new Date(h.clock.nowMs() - 60_000).toISOString(), seal: "closed" },
        ],
      },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/ingest/reads",
    allowed: all(200, ["admin", "gateway"]),
    call: (h) => ({
      url: "/api/v1/ingest/reads",
      body: {
        reads: [
          {
            sealId: "urn:epc:id:giai:4000001.7101",
            office: "OFF-ORIGIN",
            status: "intact",
            at: new Date(h.clock.nowMs()).toISOString(),
          },
        ],
      },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/ingest/epcis",
    allowed: all(202, ["admin", "gateway"]),
    call: () => ({
      url: "/api/v1/ingest/epcis",
      headers: { "content-type": "application/ld+json" },
      body: JSON.stringify({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: "2025-06-10T08:00:00Z",
        epcisBody: { eventList: [] },
      }),
    }),
  },
  // training
  {
    method: "GET",
    route: "/api/v1/training/exercises",
    allowed: all(200, TRAINEES),
    call: () => ({ url: "/api/v1/training/exercises" }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions",
    allowed: all(201, TRAINERS),
    call: () => ({
      url: "/api/v1/training/sessions",
      body: { exerciseId: EXERCISE, speed: 10, trainees: ["operator"] },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/training/sessions",
    allowed: all(200, TRAINEES),
    call: () => ({ url: "/api/v1/training/sessions" }),
  },
  {
    method: "GET",
    route: "/api/v1/training/sessions/:id",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ALARMS)).id}`,
    }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/finish",
    allowed: all(200, TRAINERS),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ALARMS)).id}/finish`,
    }),
  },
  {
    method: "GET",
    route: "/api/v1/training/sessions/:id/alarms",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ALARMS)).id}/alarms`,
    }),
  },
  {
    method: "GET",
    route: "/api/v1/training/sessions/:id/trips",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ALARMS)).id}/trips`,
    }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/alarms/:alarmId/acknowledge",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({ url: `${await trainingAlarm(h, who)}/acknowledge` }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/alarms/:alarmId/resolve",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `${await trainingAlarm(h, who, true)}/resolve`,
      body: { outcome: "confirmed_breach" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/alarms/:alarmId/escalate",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({ url: `${await trainingAlarm(h, who)}/escalate` }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/alarms/:alarmId/remote-unlock",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `${await trainingAlarm(h, who)}/remote-unlock`,
      body: { answer: "refuse" },
    }),
  },
  {
    method: "POST",
    route: "/api/v1/training/sessions/:id/trips/:tripId/decision",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ARRIVAL)).id}/trips/TH-2506-4101/decision`,
      body: { decision: "physical_inspection" },
    }),
  },
  {
    method: "GET",
    route: "/api/v1/training/sessions/:id/debrief",
    allowed: all(200, TRAINEES),
    call: async (h, who) => ({
      url: `/api/v1/training/sessions/${(await trainingSession(h, who, AFTER_ALARMS)).id}/debrief`,
    }),
  },
  {
    method: "GET",
    route: "/api/v1/training/results",
    allowed: all(200, TRAINERS),
    call: () => ({ url: "/api/v1/training/results" }),
  },
  {
    method: "GET",
    route: "/api/v1/training/results.csv",
    allowed: all(200, TRAINERS),
    call: () => ({ url: "/api/v1/training/results.csv" }),
  },
];

describe("role × endpoint matrix", () => {
  let h: Harness;
  let streamBase: string;
  before(async () => {
    h = await createHarness();
    await h.request("PUT", "/api/v1/zones/REST-FIXED", {
      as: "admin",
      body: {
        type: "Feature",
        geometry: { type: "Point", coordinates: MIDWAY },
        properties: { kind: "rest", radiusM: 700 },
      },
    });
    streamBase = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(() => h.close());

  /** Sends the call; the stream over a real socket (its answer never ends), everything else injected. */
  async function send(row: Row, who: Who, call: Call): Promise<number> {
    const token = call.token ?? (who === "anonymous" ? undefined : h.tokens[who]);
    if (row.route === "/api/v1/stream") {
      const abort = new AbortController();
      const response = await fetch(`${streamBase}${call.url}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      abort.abort();
      return response.status;
    }
    const response = await h.request(row.method, call.url, {
      ...(token === undefined ? {} : { token }),
      ...(call.body === undefined ? {} : { body: call.body }),
      ...(call.headers === undefined ? {} : { headers: call.headers }),
    });
    return response.statusCode;
  }

  it("covers every route of the API", () => {
    const registered = h.routes.map((r) => `${r.method} ${r.url}`).sort();
    const tabled = ROWS.map((r) => `${r.method} ${r.route}`).sort();
    assert.deepEqual(tabled, registered);
  });

  for (const row of ROWS) {
    it(`${row.method} ${row.route}`, async () => {
      const problems: string[] = [];
      for (const who of CALLERS) {
        const expected = row.everyone ?? (who === "anonymous" ? 401 : (row.allowed?.[who] ?? 403));
        const call = await row.call(h, who);
        const status = await send(row, who, call);
        if (status !== expected) problems.push(`${who}: expected ${expected}, got ${status}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});
