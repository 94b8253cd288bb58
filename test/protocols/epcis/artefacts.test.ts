import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../../../src/core/canonical-json.js";
import { EPCIS_CONTEXT, EPCIS_SCHEMA } from "../../../src/protocols/epcis/index.js";
import { PROTECTED_TERMS } from "../../../src/protocols/epcis/artefacts.js";

function canonicalDigest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

describe("bundled EPCIS artefacts", () => {
  it("are the upstream files of gs1/EPCIS 2b888be, reformatted only", () => {
    // SHA-256 of the RFC 8785 form of the files in the shared notes/epcis/ (raw files:
    // ed3228d7… for the schema, 14b10c9d… for the context).
    assert.equal(
      canonicalDigest(EPCIS_SCHEMA),
      "22e3ec7e29932387ba75d3ad48166261ff02eba16eeb57bf044f65b6ef10ecb6",
    );
    assert.equal(
      canonicalDigest(EPCIS_CONTEXT),
      "a3fbc1d0ad3ab013203c051b14423394f6153d758cc1d6ed669c19ba552d22da",
    );
  });

  it("are the draft-07 schema with its published $id", () => {
    assert.equal(EPCIS_SCHEMA.$id, "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json");
    assert.equal(EPCIS_SCHEMA.$schema, "http://json-schema.org/draft-07/schema#");
  });

  it("sit beside the compiled code, so they load from dist/", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const schemaDir = join(here, "..", "..", "..", "src", "protocols", "epcis", "schema");
    assert.ok(existsSync(join(schemaDir, "EPCIS-JSON-Schema.json")), schemaDir);
    assert.ok(existsSync(join(schemaDir, "epcis-context.json")), schemaDir);
  });

  it("protect the EPCIS terms and prefixes, not the JSON-LD keywords", () => {
    for (const term of ["type", "disposition", "readPoint", "epcList", "gs1", "cbv"])
      assert.ok(PROTECTED_TERMS.has(term), term);
    assert.equal(PROTECTED_TERMS.has("@protected"), false);
    assert.equal(PROTECTED_TERMS.has("sw"), false);
  });
});
