import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig } from "../../../src/config/load.js";
import { SealwatchError } from "../../../src/core/errors.js";
import { parseRuleSet, PUBLISHED_RULE_SET, ruleSetProblems } from "../../../src/core/risk/rule-set.js";
import { readRuleSetFile } from "../../../src/risk/rule-file.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-rules-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("risk rule set", () => {
  it("the published rules are valid, versioned and frozen", () => {
    assert.deepEqual(ruleSetProblems(PUBLISHED_RULE_SET), []);
    assert.match(PUBLISHED_RULE_SET.version, /^\d+\.\d+\.\d+$/);
    assert.ok(Object.isFrozen(PUBLISHED_RULE_SET.alarms.tamper));
  });

  it("lists every problem of a bad rule set at once, each with its path", () => {
    const bad = structuredClone(PUBLISHED_RULE_SET) as unknown as Record<string, Record<string, unknown>>;
    bad.channels!.yellowFromScore = 90;
    bad.randomSelection!.share = 1.5;
    bad.floors!.confirmedBreach = "purple";
    delete bad.alarms!.tamper;
    bad.alarms!.teleport = { weight: 1 };
    (bad.alarms!.route_deviation as Record<string, unknown>).perKm = "two";
    bad.signal!.extra = 1;
    delete (bad as Record<string, unknown>).version;
    const problems = ruleSetProblems(bad);
    assert.deepEqual(problems.sort(), [
      'alarms.route_deviation.perKm: "two" is not a number',
      "alarms.tamper: missing or not an object (keys weight, perMinute, perKm, max)",
      "alarms.teleport: unknown alarm type (known: tamper, unauthorized_opening, route_deviation, unauthorized_stop, restricted_zone, low_battery, signal_loss, overdue, unexpected_checkpoint, seal_mismatch)",
      "channels: yellowFromScore (90) is above redFromScore (60)",
      'floors.confirmedBreach: "purple" is not one of green, yellow, red',
      "randomSelection.share: 1.5 is outside 0 to 1",
      "signal.extra: unknown key (known: gapFactor, perGapMinute, max)",
      "version: missing is not a version (e.g. 1.2.0)",
    ]);
    assert.throws(
      () => parseRuleSet(bad, "bad.json"),
      (e: unknown) => {
        assert.ok(e instanceof SealwatchError);
        assert.equal(e.code, "INVALID_RULE_SET");
        assert.match(e.message, /^bad\.json: the rule set has 8 problems/);
        return true;
      },
    );
  });

  it("a rule set file is read and checked; the configuration reports its problems with its own", () => {
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify({ ...PUBLISHED_RULE_SET, version: "2.0.0" }));
    assert.equal(readRuleSetFile(good).version, "2.0.0");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...PUBLISHED_RULE_SET, published: "June" }));
    assert.throws(
      () => loadConfig({ env: { SEALWATCH_RISK_RULES_FILE: bad, SEALWATCH_HTTP_PORT: "http" } }),
      (e: unknown) => {
        assert.ok(e instanceof SealwatchError);
        assert.match(e.message, /2 problems/);
        assert.match(e.message, /httpPort/);
        assert.match(e.message, /riskRulesFile: .*bad\.json: published: "June" is not a date YYYY-MM-DD/);
        return true;
      },
    );
    assert.throws(
      () => loadConfig({ env: { SEALWATCH_RISK_RULES_FILE: join(dir, "missing.json") } }),
      /cannot read the rule set/,
    );
  });
});
