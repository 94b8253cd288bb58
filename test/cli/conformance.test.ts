/**
 * `sealwatch conformance` on capture files: a live session recorded (`--record`) in the kit's text format gives
 * the same report when read back, the JSON and HTML files are written, the exit code is the
 * verdict, and wrong arguments or an unreadable file are said with exit code 2.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ConformanceReport } from "../../src/conformance/report.js";
import { runCli } from "../support/cli.js";
import { session } from "../conformance/support.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-conformance-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("sealwatch conformance --capture", () => {
  it("a recorded session read back gives the same verdicts; JSON and HTML written; exit code 1 on a failure", async () => {
    const capture = join(dir, "tracker.capture");
    const live = await session("teltonika", ["clock-drift"], capture);
    const json = join(dir, "r.json");
    const html = join(dir, "r.html");
    const run = await runCli([
      "conformance",
      "--protocol",
      "teltonika",
      "--capture",
      capture,
      "--imei",
      "356307042441013",
      "--heartbeat-s",
      "60",
      "--teltonika-io",
      '{"seal":{"io":1,"closedWhen":1},"tamper":{"io":2,"tamperedWhen":1},"batteryPct":{"io":113}}',
      "--json",
      json,
      "--html",
      html,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /FAIL {2}Timestamps/);
    assert.match(run.stdout, /local time, not UTC/);
    const written = JSON.parse(readFileSync(json, "utf8")) as ConformanceReport;
    assert.deepEqual(
      written.checks.map((c) => [c.id, c.verdict]),
      live.checks.map((c) => [c.id, c.verdict]),
    );
    assert.match(readFileSync(html, "utf8"), /Does not conform/);
  });

  it("wrong arguments and an unreadable file: exit code 2, the problem named", async () => {
    const noProtocol = await runCli(["conformance", "--capture", "x"]);
    assert.equal(noProtocol.code, 2);
    assert.match(noProtocol.stderr, /--protocol must be one of/);
    const both = await runCli(["conformance", "--protocol", "jt701", "--capture", "x", "--port", "1"]);
    assert.equal(both.code, 2);
    const missing = await runCli(["conformance", "--protocol", "jt701", "--capture", join(dir, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });
});
