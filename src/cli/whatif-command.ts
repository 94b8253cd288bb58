/** `sealwatch whatif --rules FILE [--current FILE] [--from T] [--to T] [--json] [--db …]`. */
import { parseArgs } from "node:util";
import { SealwatchError } from "../core/errors.js";
import { PUBLISHED_RULE_SET, type RiskRuleSet } from "../core/risk/rule-set.js";
import { keptSeed } from "../risk/random-draw.js";
import { readRuleSetFile } from "../risk/rule-file.js";
import { whatIf, whatIfTable } from "../risk/whatif.js";
import { UsageError, type Command } from "./command.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";
import { periodOptions } from "./time-option.js";

const HELP = `Usage: sealwatch whatif --rules FILE [options]

Re-evaluates the stored trips that arrived in a period under a proposed risk rule set and prints
it beside the current one (docs/risk.md): channels, random selections, checks, physical
inspections, incidents selected and missed (recorded outcomes are the labels) and hit rate, then
every trip whose channel changes. The stored alarms are taken as they are: the monitoring engine
is not re-run (monitoring overrides are not supported yet).

Options:
  --rules FILE      the proposed rule set (JSON, checked like riskRulesFile; every problem listed)
  --current FILE    the rule set to compare against (default: the published rule set)
  --from TIME       trips that arrived at or after TIME (RFC 3339)
  --to TIME         trips that arrived before TIME
  --seed SEED       the random selection's seed (default: the one the server keeps in the store)
  --json            the comparison as JSON
${DB_HELP}
  -h, --help        this help`;

export const whatifCommand: Command = {
  name: "whatif",
  summary: "compare a proposed risk rule set with the current one on the stored trips",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rules: { type: "string" },
        current: { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        seed: { type: "string" },
        json: { type: "boolean" },
        "monitoring-overrides": { type: "string" },
        help: { type: "boolean", short: "h" },
        ...DB_OPTION,
      },
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, HELP);
    if (values["monitoring-overrides"] !== undefined)
      throw new UsageError(
        "--monitoring-overrides is not supported yet: the what-if re-evaluates the risk rules over the stored alarms",
        HELP,
      );
    if (values.rules === undefined) throw new UsageError("--rules is required", HELP);
    const { fromMs, toMs } = periodOptions(values, HELP);
    // Both rule sets are checked before anything runs; each lists every problem it has.
    let proposed: RiskRuleSet;
    let current: RiskRuleSet;
    try {
      proposed = readRuleSetFile(values.rules);
      current = values.current === undefined ? PUBLISHED_RULE_SET : readRuleSetFile(values.current);
    } catch (error) {
      if (!(error instanceof SealwatchError)) throw error;
      io.err(`sealwatch whatif: ${error.message}`);
      return 2;
    }
    return withStore(values.db, { readOnly: true }, io, "whatif", async (store) => {
      const seed = values.seed ?? (await keptSeed(store));
      const comparison = await whatIf(store, current, proposed, {
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
        ...(seed === undefined ? {} : { seed }),
        onProgress: (done, total) => {
          if (done % 25 === 0 || done === total) io.progress(`\rwhatif: ${done}/${total} trips`);
        },
      });
      io.progress("\n");
      io.out(values.json === true ? JSON.stringify(comparison, null, 2) : whatIfTable(comparison));
      return 0;
    });
  },
};
