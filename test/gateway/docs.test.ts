/**
 * docs/protocols/mqtt-http.md and docs/devices/onboarding.md stay true: the examples validate and
 * verify with the documented key, and the table of rejection reasons is exactly the code's.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REJECT_REASONS } from "../../src/gateway/counters.js";
import { checkEnvelope, checkReading, type JsonEnvelope } from "../../src/gateway/json/validate.js";
import { openEnvelope } from "../../src/gateway/security/envelope.js";
import type { DeviceKey } from "../../src/gateway/security/key-vault.js";
import { ioMappingProblems, type TeltonikaIoMapping } from "../../src/protocols/teltonika/index.js";
import { repoRoot } from "../support/fixtures.js";

const markdown = readFileSync(join(repoRoot, "docs", "protocols", "mqtt-http.md"), "utf8");
const onboarding = readFileSync(join(repoRoot, "docs", "devices", "onboarding.md"), "utf8");

function example(name: string): unknown {
  const match = new RegExp(`<!-- example: ${name} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown);
  assert.ok(match !== null, `no example "${name}" in mqtt-http.md`);
  return JSON.parse(match[1]!);
}

const documentedKey = Buffer.from("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "base64");
const key = (keyId: string, algorithm: DeviceKey["algorithm"]): DeviceKey => ({
  deviceId: "D",
  keyId,
  algorithm,
  secret: documentedKey,
  createdAtMs: 0,
  lastCounter: 0,
});

function envelope(name: string): JsonEnvelope {
  const checked = checkEnvelope(example(name));
  assert.ok(checked.ok, JSON.stringify(checked));
  return checked.value;
}

describe("docs/protocols/mqtt-http.md", () => {
  it("its reading example follows the schema", () => {
    assert.equal(checkReading(example("reading")).ok, true);
  });

  it("its signed example verifies with the documented key and carries the reading example", () => {
    const opened = openEnvelope(envelope("signed"), key("k1", "hmac-sha256"));
    assert.deepEqual(opened, { kind: "opened", payload: example("reading") });
  });

  it("its encrypted example opens with the documented key and carries the reading example", () => {
    const opened = openEnvelope(envelope("encrypted"), key("k2", "aes-256-gcm"));
    assert.deepEqual(opened, { kind: "opened", payload: example("reading") });
  });

  it("lists exactly the rejection reasons the gateway counts", () => {
    const table = markdown.slice(markdown.indexOf("<!-- reasons -->"), markdown.indexOf("## Limits"));
    const documented = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...REJECT_REASONS].sort());
  });
});

describe("docs/devices/onboarding.md", () => {
  it("its Teltonika IO mappings are valid", () => {
    const blocks = [...onboarding.matchAll(/```json\n([\s\S]*?)\n\s*```/g)].map(
      (m) => JSON.parse(m[1]!) as Record<string, unknown>,
    );
    const own = blocks.find((b) => "teltonikaIo" in b)!.teltonikaIo as TeltonikaIoMapping;
    assert.deepEqual(ioMappingProblems(own), []);
    const table = blocks.find((b) => "models" in b) as {
      default: TeltonikaIoMapping;
      models: Record<string, TeltonikaIoMapping>;
    };
    assert.deepEqual(ioMappingProblems(table.default), []);
    for (const mapping of Object.values(table.models)) assert.deepEqual(ioMappingProblems(mapping), []);
  });
});
