import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-exercise-"));
const library = resolve(repoRoot, "training", "exercises");

function variant(name: string, change: (document: Record<string, unknown>) => void): string {
  const document = JSON.parse(readFileSync(join(library, "th-04-battery-sag.json"), "utf8")) as Record<
    string,
    unknown
  >;
  change(document);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(document));
  return path;
}

describe("sealwatch exercise check", () => {
  it("exits 2 on a malformed file, listing every problem on stderr", async () => {
    const path = variant("bad.json", (d) => {
      delete d.title;
      (d.briefing as Record<string, unknown>).office = 7;
      (d.responses as Record<string, unknown>[])[0]!.acknowledgeWithinS = -5;
    });
    const run = await runCli(["exercise", "check", path]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /3 problems/);
    assert.match(run.stderr, /- "title" is required/);
    assert.match(run.stderr, /- briefing\.office: must be string/);
    assert.match(run.stderr, /- responses\[0\]\.acknowledgeWithinS: must be > 0/);
  });

  it("exits 1 when the expected responses disagree with the engine", async () => {
    const path = variant("wrong.json", (d) => {
      const alarm = (d.responses as { alarm: Record<string, unknown> }[])[0]!.alarm;
      alarm.type = "signal_loss";
    });
    const run = await runCli(["exercise", "check", path]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^FAIL th-04-battery-sag/);
    assert.match(
      run.stdout,
      /signal_loss of trip TH-2506-1103, device ELK-TH-1103, started 2025-06-10T03:00:00Z is not raised/,
    );
    assert.match(
      run.stdout,
      /low_battery of trip TH-2506-1103, device ELK-TH-1103, started 2025-06-10T03:00:00Z is raised but has no expected response/,
    );
  });

  it("exits 2 on unreadable files and JSON that does not parse, and needs a FILE", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const run = await runCli(["exercise", "check", broken, join(dir, "missing.json")]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.json: 1 problem\n {2}- not valid JSON/);
    assert.match(run.stderr, /missing\.json: 1 problem\n {2}- cannot read the file \(ENOENT\)/);
    assert.equal((await runCli(["exercise", "check"])).code, 2);
  });
});
