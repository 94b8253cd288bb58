/** One error shape from one registry: validation, identifiers, limits, 404s and 5xx without internals. */
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ERROR_CODES } from "../../src/core/errors.js";
import { StoreError } from "../../src/store/store-error.js";
import { createHarness, DESTINATION, MIDWAY, ORIGIN, type ErrorJson, type Harness } from "./support.js";

function assertError(
  response: { statusCode: number; json(): unknown },
  code: keyof typeof ERROR_CODES,
  message?: RegExp,
): ErrorJson {
  const body = response.json() as ErrorJson;
  assert.deepEqual(Object.keys(body).sort(), ["code", "message", "statusCode"]);
  assert.equal(body.code, code, body.message);
  assert.equal(body.statusCode, ERROR_CODES[code].status);
  assert.equal(response.statusCode, ERROR_CODES[code].status);
  if (message !== undefined) assert.match(body.message, message);
  return body;
}

describe("error answers", () => {
  let h: Harness;
  let deviceId: string;
  const trip = (extra: object = {}) => ({
    origin: "OFF-ORIGIN",
    destination: "OFF-DEST",
    route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
    deadline: new Date(h.clock.nowMs() + 86_400_000).toISOString(),
    devices: [deviceId],
    ...extra,
  });
  before(async () => {
    h = await createHarness({ apiBodyLimitBytes: 4096 });
    deviceId = await h.newDevice("ACME");
  });
  after(() => h.close());

  it("rejects unknown fields, naming them", async () => {
    const r = await h.request("POST", "/api/v1/trips", { as: "admin", body: trip({ colour: "blue" }) });
    assertError(r, "VALIDATION_FAILED", /^body: unknown field "colour"$/);
    const nested = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({ conveyance: { mode: "road", wheels: 18 } }),
    });
    assertError(nested, "VALIDATION_FAILED", /^body\.conveyance: unknown field "wheels"$/);
  });

  it("names a missing field, a wrong type, a value out of range and a bad enum", async () => {
    const { devices: _d, ...missing } = trip();
    assertError(
      await h.request("POST", "/api/v1/trips", { as: "admin", body: missing }),
      "VALIDATION_FAILED",
      /missing required field "devices"/,
    );
    assertError(
      await h.request("POST", "/api/v1/trips", { as: "admin", body: trip({ devices: "ELK-1" }) }),
      "VALIDATION_FAILED",
      /^body\.devices: must be array$/,
    );
    assertError(
      await h.request("POST", "/api/v1/trips", { as: "admin", body: trip({ rules: { corridorM: 1 } }) }),
      "VALIDATION_FAILED",
      /^body\.rules\.corridorM: must be >= 10$/,
    );
    assertError(
      await h.request("POST", "/api/v1/trips", {
        as: "admin",
        body: trip({ conveyance: { mode: "bicycle" } }),
      }),
      "VALIDATION_FAILED",
      /^body\.conveyance\.mode: must be one of "road", "rail", "sea", "air"$/,
    );
    assertError(
      await h.request("GET", "/api/v1/alarms?limit=0", { as: "admin" }),
      "VALIDATION_FAILED",
      /^query\.limit: must be >= 1$/,
    );
    assertError(
      await h.request("GET", "/api/v1/alarms?colour=red", { as: "admin" }),
      "VALIDATION_FAILED",
      /unknown field "colour"/,
    );
  });

  it("checks identifiers by their check digits and says which field and why", async () => {
    const container = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({ containers: ["CSQU3054383", "CSQU3054384"] }),
    });
    assertError(
      container,
      "INVALID_IDENTIFIER",
      /^body\.containers\[1\]: "CSQU3054384" is not a valid ISO 6346 container number: check digit is 4, expected 3$/,
    );
    const mrn = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({ mrn: "25KE00000000000016" }),
    });
    assertError(mrn, "INVALID_IDENTIFIER", /^body\.mrn: .* not a valid MRN: /);
    const office = await h.request("POST", "/api/v1/zones", {
      as: "admin",
      body: {
        type: "Feature",
        id: "BAD-OFFICE",
        geometry: { type: "Point", coordinates: ORIGIN },
        properties: { kind: "office", radiusM: 100, officeCode: "K1" },
      },
    });
    assertError(
      office,
      "INVALID_IDENTIFIER",
      /^body\.properties\.officeCode: "K1" is not a valid customs office reference number/,
    );
    const locode = await h.request("POST", "/api/v1/zones", {
      as: "admin",
      body: {
        type: "Feature",
        id: "BAD-LOCODE",
        geometry: { type: "Point", coordinates: ORIGIN },
        properties: { kind: "office", radiusM: 100, unLocode: "KE-NB" },
      },
    });
    assertError(
      locode,
      "INVALID_IDENTIFIER",
      /^body\.properties\.unLocode: "KE-NB" is not a valid UN\/LOCODE/,
    );
  });

  it("checks coordinates and times a schema cannot", async () => {
    const swapped = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({
        route: {
          type: "LineString",
          coordinates: [
            [-1.3, 36.9],
            [-1.6, 137.6],
          ],
        },
      }),
    });
    assertError(
      swapped,
      "INVALID_DEFINITION",
      /^body\.route\.coordinates\[1\]: latitude 137\.6 is outside \[-90, 90\]/,
    );
    const past = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({ deadline: "2020-01-01T00:00:00Z" }),
    });
    assertError(past, "INVALID_DEFINITION", /^body\.deadline: .* has already passed$/);
  });

  it("refuses a body over the limit, a body that is not JSON, and another media type", async () => {
    const big = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: trip({ goodsDescription: "x".repeat(5000) }),
    });
    assertError(big, "BODY_TOO_LARGE");
    const broken = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assertError(broken, "MALFORMED_BODY");
    const text = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: "hello",
      headers: { "content-type": "text/plain" },
    });
    assertError(text, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers an unknown route and an unknown id in the same shape", async () => {
    assertError(await h.request("GET", "/api/v1/nothing-here", { as: "admin" }), "ROUTE_NOT_FOUND");
    assertError(
      await h.request("GET", "/api/v1/trips/NO-SUCH-TRIP", { as: "admin" }),
      "NOT_FOUND",
      /trip "NO-SUCH-TRIP" not found/,
    );
  });

  it("answers 401 before looking at the body", async () => {
    assertError(await h.request("POST", "/api/v1/trips", { body: { nonsense: true } }), "UNAUTHENTICATED");
  });

  it("never puts internals in a 5xx answer", async () => {
    const trips = h.store.trips;
    const original = trips.list.bind(trips);
    try {
      trips.list = () =>
        Promise.reject(new Error("SQLITE_IOERR at /var/lib/sealwatch/secret.db: SELECT * FROM trips"));
      const internal = await h.request("GET", "/api/v1/trips", { as: "admin" });
      const body = assertError(internal, "INTERNAL_ERROR");
      assert.equal(body.message, ERROR_CODES.INTERNAL_ERROR.description);
      trips.list = () =>
        Promise.reject(new StoreError("STORE_UNAVAILABLE", "/var/lib/sealwatch/secret.db: disk I/O error"));
      const store = await h.request("GET", "/api/v1/trips", { as: "admin" });
      assert.equal(
        assertError(store, "STORE_UNAVAILABLE").message,
        ERROR_CODES.STORE_UNAVAILABLE.description,
      );
      assert.ok(!store.body.includes("secret"));
    } finally {
      trips.list = original;
    }
  });
});

describe("docs/errors.md", () => {
  it("lists every code of the registry with its status, and nothing else", () => {
    const text = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
    const codes = text.slice(text.indexOf("## Codes"), text.indexOf("## What to do"));
    const documented = new Map<string, number>();
    for (const match of codes.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm))
      documented.set(match[1]!, Number(match[2]));
    const registry = new Map(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
    assert.deepEqual([...documented.entries()].sort(), [...registry.entries()].sort());
  });
});
