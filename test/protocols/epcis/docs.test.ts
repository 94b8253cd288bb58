import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseTimeMs } from "../../../src/core/time/rfc3339.js";
import { captureEpcis, validateEpcisDocument, type DeviceRef } from "../../../src/protocols/epcis/index.js";
import { fixturePath, readJson, repoRoot } from "../../support/fixtures.js";

/** The JSON block of the "## Example" section of docs/protocols/epcis.md. */
function documentedExample(): string {
  const markdown = readFileSync(join(repoRoot, "docs", "protocols", "epcis.md"), "utf8");
  const section = markdown.slice(markdown.indexOf("\n## Example\n"));
  const match = /```json\n([\s\S]*?)\n```/.exec(section);
  assert.ok(match?.[1] !== undefined, "the Example section has a json block");
  return match[1];
}

describe("docs/protocols/epcis.md", () => {
  it("shows a valid document that yields the Eldoret reads of the passive-RFID scenario", () => {
    const text = documentedExample();
    assert.equal(validateEpcisDocument(JSON.parse(text)).ok, true);
    const devices = new Map<string, DeviceRef>([
      ["epc urn:epc:id:giai:4000001.7101", { deviceId: "RFS-KE-7101", class: "passive" }],
      ["epc urn:epc:id:bic:CSQU3054383", { deviceId: "RFS-KE-7101", class: "passive" }],
      ["sealId KE-7101", { deviceId: "RFS-KE-7101", class: "passive" }],
      ["epc urn:epc:id:giai:4000001.7102", { deviceId: "RFS-KE-7102", class: "passive" }],
    ]);
    const outcome = captureEpcis(text, {
      lookupDevice: (id, kind) => devices.get(`${kind} ${id}`),
      resolveOffice: (location) => (location.id === "urn:epc:id:sgln:0614141.00006.1" ? "KE-ELD" : undefined),
    });
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.deepEqual(outcome.notices, []);

    const scenario = readJson(fixturePath("scenarios", "ke-passive-rfid-checkpoints.json")) as {
      inputs: { type: string; at: string; office?: string; device?: string; status?: string }[];
    };
    const eldoret = scenario.inputs
      .filter((input) => input.type === "read" && input.office === "KE-ELD")
      .map((input) => ({
        device: input.device,
        office: input.office,
        status: input.status,
        atMs: parseTimeMs(input.at),
      }));
    assert.equal(eldoret.length, 2);
    assert.deepEqual(
      outcome.reads.map(({ device, office, status, atMs }) => ({ device, office, status, atMs })),
      eldoret,
    );
  });
});
