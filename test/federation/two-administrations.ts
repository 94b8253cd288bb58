/**
 * Two administrations in one process for the handover tests: Kenya (KE-KRA) and Uganda (UG-URA),
 * each an API harness with its own store and key, both knowing Malaba (Uganda's border office,
 * UG000001, at MIDWAY) and Kampala (UG000002, at DESTINATION), registered as each other's partners
 * with the keys each publishes.
 */
import assert from "node:assert/strict";
import type { PublishedKeySet } from "../../src/federation/instance-keys.js";
import {
  DESTINATION,
  MIDWAY,
  ORIGIN,
  createHarness,
  officeFeature,
  type Caller,
  type Harness,
} from "../api/support.js";

export interface TwoAdministrations {
  readonly ke: Harness;
  readonly ug: Harness;
  readonly keKeys: PublishedKeySet;
  readonly ugKeys: PublishedKeySet;
  close(): Promise<void>;
}

export async function twoAdministrations(
  callers: { ke?: readonly Caller[]; ug?: readonly Caller[] } = {},
  baseUrls: { ke?: string; ug?: string } = {},
): Promise<TwoAdministrations> {
  const ke = await createHarness(
    {
      administrationId: "KE-KRA",
      administrationName: "Kenya Revenue Authority",
      administrationCountry: "KE",
      administrationOffices: "KE000001,KE000002,KE000003",
    },
    { callers: callers.ke ?? ["supervisor"] },
  );
  const ug = await createHarness(
    {
      administrationId: "UG-URA",
      administrationName: "Uganda Revenue Authority",
      administrationCountry: "UG",
      administrationOffices: "UG000001,UG000002",
    },
    { callers: callers.ug ?? ["supervisor", "officer", "trader"] },
  );
  for (const h of [ke, ug])
    for (const zone of [
      officeFeature("UG-MALABA", MIDWAY, "UG000001"),
      officeFeature("UG-KAMPALA", DESTINATION, "UG000002"),
    ]) {
      const r = await h.request("POST", "/api/v1/zones", { as: "admin", body: zone });
      assert.equal(r.statusCode, 201, r.body);
    }
  const keKeys = (await ke.request("GET", "/api/v1/federation/keys")).json<PublishedKeySet>();
  const ugKeys = (await ug.request("GET", "/api/v1/federation/keys")).json<PublishedKeySet>();
  const register = async (h: Harness, body: object): Promise<void> => {
    const r = await h.request("POST", "/api/v1/federation/partners", { as: "admin", body });
    assert.equal(r.statusCode, 201, r.body);
  };
  await register(ke, {
    id: "UG-URA",
    name: "Uganda Revenue Authority",
    country: "UG",
    baseUrl: baseUrls.ug ?? "http://127.0.0.1:1",
    offices: ["UG000001", "UG000002"],
    keys: ugKeys.keys,
  });
  await register(ug, {
    id: "KE-KRA",
    name: "Kenya Revenue Authority",
    country: "KE",
    baseUrl: baseUrls.ke ?? "http://127.0.0.1:1",
    offices: ["KE000001", "KE000002", "KE000003"],
    keys: keKeys.keys,
  });
  return {
    ke,
    ug,
    keKeys,
    ugKeys,
    async close() {
      await ke.close();
      await ug.close();
    },
  };
}

/** Declares a Kenyan trip Nairobi-like origin → Kampala with a new device of ACME and one seal. */
export async function declareKenyanTrip(
  ke: Harness,
  tripId: string,
  seal: string,
  extra: object = {},
): Promise<{ tripId: string; deviceId: string }> {
  const deviceId = await ke.newDevice();
  const declared = await ke.request("POST", "/api/v1/trips", {
    as: "admin",
    body: {
      id: tripId,
      origin: "OFF-ORIGIN",
      destination: "UG-KAMPALA",
      route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
      deadline: new Date(ke.clock.nowMs() + 2 * 86_400_000).toISOString(),
      devices: [deviceId],
      companyId: "ACME",
      containers: ["CSQU3054383"],
      seals: [seal],
      ...extra,
    },
  });
  assert.equal(declared.statusCode, 201, declared.body);
  return { tripId, deviceId };
}
