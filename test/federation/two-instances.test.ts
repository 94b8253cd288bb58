/**
 * Two real Sealwatch servers (`sealwatch serve`, two data folders, two stores, two signing keys),
 * registered as each other's partners: a Mombasa → Kampala trip armed in Kenya is handed over at
 * Malaba when it gets there, through Kenya's outbox; Uganda recognises the seal, arms its leg on the
 * first closed report at Malaba, monitors it to Kampala and disarms it; Uganda's signed receipt is
 * stored in Kenya; Kenya's dossier of its leg verifies offline (`sealwatch dossier verify`, a
 * separate process with no server) against Kenya's published keys, and not against Uganda's.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PASSWORD } from "../api/support.js";
import { spawnCli, until, type Child } from "../cluster/support.js";

const MOMBASA = [39.66, -4.05] as const;
const NAIROBI = [36.82, -1.29] as const;
const MALABA = [34.28, 0.63] as const;
const KAMPALA = [32.58, 0.31] as const;

interface TripJson {
  readonly state: string;
  readonly devices: string[];
}
interface HandoverJson {
  readonly status: string;
  readonly partner: string;
  readonly recognition?: string;
  readonly receipt?: string;
  readonly partnerTripId?: string;
}
interface Handovers {
  readonly items: HandoverJson[];
}
type KeySet = { keys: unknown[] };

interface Instance {
  readonly name: string;
  readonly child: Child;
  readonly url: string;
  readonly token: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}

function office(id: string, at: readonly number[], officeCode: string): object {
  return {
    type: "Feature",
    id,
    geometry: { type: "Point", coordinates: [...at] },
    properties: { kind: "office", name: id, officeCode, radiusM: 5000 },
  };
}

async function start(name: string, dir: string, identity: Record<string, string>): Promise<Instance> {
  const child = spawnCli(name, ["serve"], {
    PATH: process.env.PATH ?? "",
    SEALWATCH_DATA_DIR: join(dir, name),
    SEALWATCH_HTTP_HOST: "127.0.0.1",
    SEALWATCH_HTTP_PORT: "0",
    SEALWATCH_JT701_ENABLED: "false",
    SEALWATCH_TELTONIKA_ENABLED: "false",
    SEALWATCH_MQTT_ENABLED: "false",
    SEALWATCH_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: "info",
    ...identity,
  });
  const url = await child.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"sealwatch is serving"/);
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { token } = (await login.json()) as { token: string };
  const instance: Instance = {
    name,
    child,
    url,
    token,
    async call(method, path, body) {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${instance.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
    },
  };
  return instance;
}

async function ok<T = unknown>(instance: Instance, method: string, path: string, body?: unknown): Promise<T> {
  const r = await instance.call(method, path, body);
  assert.ok(
    r.status >= 200 && r.status < 300,
    `${instance.name} ${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`,
  );
  return r.json as T;
}

async function report(
  instance: Instance,
  imei: string,
  at: readonly number[],
  seal: "closed" | "open" = "closed",
) {
  return ok(instance, "POST", "/ingest/readings", {
    readings: [
      {
        deviceId: imei,
        at: new Date().toISOString(),
        position: { lon: at[0], lat: at[1], valid: true, speedKmh: 50 },
        seal,
      },
    ],
  });
}

/** The exit code of a command that ends by itself. */
async function exitOf(child: Child): Promise<number | null> {
  await until(() => Promise.resolve(child.process.exitCode !== null));
  return child.process.exitCode;
}

describe("two instances: a trip handed over from Kenya to Uganda at Malaba", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-two-"));
  let kenya: Instance;
  let uganda: Instance;
  const imei = "860112045678912";

  before(async () => {
    [kenya, uganda] = await Promise.all([
      start("kenya", dir, {
        SEALWATCH_ADMINISTRATION_ID: "KE-KRA",
        SEALWATCH_ADMINISTRATION_NAME: "Kenya Revenue Authority",
        SEALWATCH_ADMINISTRATION_COUNTRY: "KE",
        SEALWATCH_ADMINISTRATION_OFFICES: "KE000101",
      }),
      start("uganda", dir, {
        SEALWATCH_ADMINISTRATION_ID: "UG-URA",
        SEALWATCH_ADMINISTRATION_NAME: "Uganda Revenue Authority",
        SEALWATCH_ADMINISTRATION_COUNTRY: "UG",
        SEALWATCH_ADMINISTRATION_OFFICES: "UG000201,UG000301",
      }),
    ]);
  });
  after(async () => {
    await Promise.all([kenya?.child.stop(), uganda?.child.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands over, recognises, continues and disarms; the receipt comes back; the dossier verifies offline", async () => {
    // Offices: Kenya keeps geofences of Uganda's Malaba and Kampala offices too.
    await ok(kenya, "POST", "/zones", office("KE-MOMBASA", MOMBASA, "KE000101"));
    for (const instance of [kenya, uganda]) {
      await ok(instance, "POST", "/zones", office("UG-MALABA", MALABA, "UG000201"));
      await ok(instance, "POST", "/zones", office("UG-KAMPALA", KAMPALA, "UG000301"));
    }
    // Each pins the other's key set (here fetched directly; in life, checked by kid over another channel).
    const kenyaKeys = await ok<KeySet>(kenya, "GET", "/federation/keys");
    const ugandaKeys = await ok<KeySet>(uganda, "GET", "/federation/keys");
    await ok(kenya, "POST", "/federation/partners", {
      id: "UG-URA",
      name: "Uganda Revenue Authority",
      country: "UG",
      baseUrl: uganda.url,
      offices: ["UG000201", "UG000301"],
      keys: ugandaKeys.keys,
    });
    await ok(uganda, "POST", "/federation/partners", {
      id: "KE-KRA",
      name: "Kenya Revenue Authority",
      country: "KE",
      baseUrl: kenya.url,
      offices: ["KE000101"],
      keys: kenyaKeys.keys,
    });

    await ok(kenya, "POST", "/devices", {
      // A semi-active e-seal reporting over HTTP (active devices must sign their HTTP messages).
      id: "ELOCK-1",
      class: "semi-active",
      vendor: "Sealwatch",
      model: "E-seal",
      protocol: "http",
      identifiers: [imei],
    });
    await ok(kenya, "POST", "/trips", {
      id: "KE-MSA-KLA-1",
      origin: "KE-MOMBASA",
      destination: "UG-KAMPALA",
      handoverOffice: "UG000201",
      route: { type: "LineString", coordinates: [MOMBASA, NAIROBI, MALABA, KAMPALA] },
      rules: { corridorM: 50_000 },
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      devices: ["ELOCK-1"],
      containers: ["CSQU3054383"],
      seals: ["KRA0012345"],
    });

    // Kenya: sealed and armed at Mombasa, on the road, at Malaba.
    await report(kenya, imei, MOMBASA);
    // The report is acknowledged once stored; the engine takes it a moment later.
    await until(async () => (await kenya.call("POST", "/trips/KE-MSA-KLA-1/arm", {})).status === 200);
    await report(kenya, imei, NAIROBI);
    await report(kenya, imei, MALABA);
    await until(async () => {
      const { items } = await ok<Handovers>(kenya, "GET", "/trips/KE-MSA-KLA-1/handovers");
      return items[0]?.status === "receipted";
    });
    const [handover] = (await ok<Handovers>(kenya, "GET", "/trips/KE-MSA-KLA-1/handovers")).items;
    assert.equal(handover?.recognition, "recognised");
    assert.equal(handover?.partner, "UG-URA");
    assert.match(handover?.receipt ?? "", /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal((await ok<TripJson>(kenya, "GET", "/trips/KE-MSA-KLA-1")).state, "closed");

    // Uganda: the leg with the same device and seal, armed by the first closed report at Malaba.
    const legId = handover.partnerTripId!;
    const leg = await ok<TripJson>(uganda, "GET", `/trips/${legId}`);
    assert.deepEqual(leg.devices, ["ELOCK-1"]);
    assert.equal(leg.state, "declared");
    const [incoming] = (await ok<Handovers>(uganda, "GET", `/trips/${legId}/handovers`)).items;
    assert.equal(incoming?.status, "recognised");
    assert.equal(incoming?.partnerTripId, "KE-MSA-KLA-1");
    await report(uganda, imei, MALABA);
    await until(async () => (await ok<TripJson>(uganda, "GET", `/trips/${legId}`)).state !== "declared");
    assert.equal((await ok<TripJson>(uganda, "GET", `/trips/${legId}`)).state, "armed");
    await report(uganda, imei, [33.4, 0.45]);
    await report(uganda, imei, KAMPALA);
    await until(async () => (await ok<TripJson>(uganda, "GET", `/trips/${legId}`)).state === "arrived");
    await ok(uganda, "POST", "/users", { username: "kla-officer", password: PASSWORD, role: "supervisor" });
    const supervisor = await fetch(`${uganda.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "kla-officer", password: PASSWORD }),
    });
    const decided = await fetch(`${uganda.url}/api/v1/trips/${legId}/inspection/decision`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${((await supervisor.json()) as { token: string }).token}`,
      },
      body: JSON.stringify({ decision: "release", reason: "seal recognised from Kenya, intact" }),
    });
    assert.equal(decided.status, 200, await decided.text());
    await ok(uganda, "POST", `/trips/${legId}/disarm`, {});
    assert.equal((await ok<TripJson>(uganda, "GET", `/trips/${legId}`)).state, "closed");

    // A third party verifies Kenya's dossier offline with Kenya's published keys, in its own process.
    const dossier = await fetch(`${kenya.url}/api/v1/trips/KE-MSA-KLA-1/dossier`, {
      headers: { authorization: `Bearer ${kenya.token}` },
    });
    assert.equal(dossier.status, 200);
    const dossierFile = join(dir, "dossier.json");
    writeFileSync(dossierFile, await dossier.text());
    writeFileSync(join(dir, "kenya-keys.json"), JSON.stringify(kenyaKeys));
    writeFileSync(join(dir, "uganda-keys.json"), JSON.stringify(ugandaKeys));
    const verified = spawnCli(
      "verify",
      ["dossier", "verify", dossierFile, "--trust", join(dir, "kenya-keys.json")],
      {
        PATH: process.env.PATH ?? "",
      },
    );
    assert.equal(await exitOf(verified), 0, verified.text());
    assert.doesNotMatch(verified.text(), /NOT VERIFIED/);
    const wrong = spawnCli(
      "verify-wrong",
      ["dossier", "verify", dossierFile, "--trust", join(dir, "uganda-keys.json")],
      {
        PATH: process.env.PATH ?? "",
      },
    );
    assert.equal(await exitOf(wrong), 1, wrong.text());
    assert.match(wrong.text(), /NOT VERIFIED[\s\S]*unknown-key/);
  });
});
