/**
 * Reading a risk rule set file: the JSON is parsed and checked by `ruleSetProblems`, and every
 * problem is reported together (the configuration loader adds them to its own list at start).
 */
import { readFileSync } from "node:fs";
import { SealwatchError } from "../core/errors.js";
import {
  parseRuleSet,
  PUBLISHED_RULE_SET,
  ruleSetProblems,
  type RiskRuleSet,
} from "../core/risk/rule-set.js";

/** The problems of a rule set file (unreadable, not JSON, or its content), each prefixed with the path. */
export function ruleSetFileProblems(path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return [`${path}: cannot read the rule set (${(error as Error).message})`];
  }
  return ruleSetProblems(parsed).map((p) => `${path}: ${p}`);
}

/** The rule set of a file, or INVALID_RULE_SET listing every problem. */
export function readRuleSetFile(path: string): RiskRuleSet {
  const problems = ruleSetFileProblems(path);
  if (problems.length > 0)
    throw new SealwatchError(
      "INVALID_RULE_SET",
      `the rule set has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  return parseRuleSet(JSON.parse(readFileSync(path, "utf8")), path);
}

/** The configured rule set: the file of `riskRulesFile`, else the published default rules. */
export function configuredRuleSet(config: { readonly riskRulesFile?: string | undefined }): RiskRuleSet {
  return config.riskRulesFile === undefined || config.riskRulesFile === ""
    ? PUBLISHED_RULE_SET
    : readRuleSetFile(config.riskRulesFile);
}
