import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseEpcisTimeMs,
  parseGeoUri,
  readStatusOf,
  sealEvidence,
} from "../../../src/protocols/epcis/index.js";
import { checkEpc } from "../../../src/protocols/epcis/subjects.js";

describe("parseEpcisTimeMs", () => {
  const at = Date.UTC(2025, 5, 16, 4, 0, 0);
  it("reads every form the schema's date-time accepts", () => {
    const forms: readonly [string, number][] = [
      ["2025-06-16T04:00:00Z", at],
      ["2025-06-16t04:00:00z", at],
      ["2025-06-16 04:00:00Z", at],
      ["2025-06-16T07:00:00+03:00", at],
      ["2025-06-16T07:00:00+0300", at],
      ["2025-06-16T07:00:00+03", at],
      ["2025-06-15T23:00:00.123456789-05:00", at + 123],
      ["2016-12-31T23:59:60Z", Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
    ];
    for (const [text, expected] of forms) assert.equal(parseEpcisTimeMs(text), expected, text);
  });

  it("reads a time without offset in eventTimeZoneOffset, and refuses impossible dates", () => {
    assert.equal(parseEpcisTimeMs("2025-06-16T07:00:00", "+03:00"), at);
    assert.equal(parseEpcisTimeMs("2025-06-16T07:00:00"), undefined);
    assert.equal(parseEpcisTimeMs("2025-02-29T00:00:00Z"), undefined);
    assert.equal(parseEpcisTimeMs("2025-06-16T12:59:60Z"), undefined);
    assert.equal(parseEpcisTimeMs("2025-06-16T24:00:00Z"), undefined);
  });
});

describe("parseGeoUri", () => {
  it("reads RFC 5870 URIs in WGS 84 as [lon, lat]", () => {
    assert.deepEqual(parseGeoUri("geo:42.698334,23.319941"), { lon: 23.319941, lat: 42.698334 });
    assert.deepEqual(parseGeoUri("GEO:-1.45,36.98,1650;crs=WGS84;u=30"), {
      lon: 36.98,
      lat: -1.45,
      altitudeM: 1650,
    });
  });

  it("refuses other systems, out-of-range values and junk", () => {
    for (const text of [
      "geo:91,0",
      "geo:0,181",
      "geo:1,2;crs=epsg:32737",
      "geo:a,b",
      "geo:1",
      `geo:1,2;u=${"9".repeat(600)}`,
    ]) {
      assert.equal(parseGeoUri(text), undefined, text);
    }
  });
});

describe("seal evidence", () => {
  it("follows the mapping table", () => {
    assert.equal(readStatusOf(sealEvidence("container_closed", "departing", false)), "intact");
    assert.equal(readStatusOf(sealEvidence("container_open", undefined, false)), "broken");
    assert.equal(readStatusOf(sealEvidence("conformant", "inspecting", false)), "intact");
    assert.equal(readStatusOf(sealEvidence("non_conformant", "inspecting", false)), "broken");
    assert.equal(readStatusOf(sealEvidence("non_conformant", "receiving", false)), undefined);
    assert.equal(readStatusOf(sealEvidence("container_closed", undefined, true)), "broken");
    assert.equal(readStatusOf(sealEvidence("in_transit", "transporting", false)), undefined);
    assert.deepEqual(sealEvidence("container_closed", undefined, true), { seal: "closed", tamper: true });
  });
});

describe("checkEpc", () => {
  it("accepts the seal and container schemes", () => {
    for (const epc of [
      "urn:epc:id:giai:4000001.12345",
      "urn:epc:id:sgtin:0614141.107346.2017",
      "urn:epc:id:grai:4012345.55555.987",
      "urn:epc:id:bic:CSQU3054383",
      "https://id.gs1.org/8004/4000001111",
      "https://id.example.com/8003/040123450007718765",
      "https://id.gs1.org/01/09506000134352/21/ABC123",
    ]) {
      assert.equal(checkEpc(epc).ok, true, epc);
    }
  });

  it("refuses other schemes, malformed URNs and wrong check digits", () => {
    const expected: readonly [string, string][] = [
      ["urn:epc:id:sscc:0614141.1234567890", "unsupported_epc"],
      ["urn:epc:class:lgtin:4012345.012345.998877", "unsupported_epc"],
      ["https://example.org/seal/1", "unsupported_epc"],
      ["urn:epc:id:sgtin:0614141.1073461.2017", "malformed_identifier"],
      ["urn:epc:id:bic:CSQJ3054381", "malformed_identifier"],
      [`urn:epc:id:giai:4000001.${"1".repeat(300)}`, "unsupported_epc"],
    ];
    for (const [epc, reason] of expected) {
      const result = checkEpc(epc);
      assert.equal(result.ok ? "ok" : result.reason, reason, epc);
    }
  });
});
