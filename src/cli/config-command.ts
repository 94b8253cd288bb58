/** `sealwatch config --docs | --check`: the configuration reference, and checking a configuration. */
import { parseArgs } from "node:util";
import { configReference, loadConfig } from "../config/load.js";
import { CONFIG_SCHEMA, type ConfigKey, type ConfigName } from "../config/schema.js";
import { SealwatchError } from "../core/errors.js";
import { UsageError, type Command } from "./command.js";

const HELP = `Usage: sealwatch config --docs
       sealwatch config --check [--config FILE]

  --docs          print the configuration reference (Markdown; docs/configuration.md is this text)
  --check         load the configuration from the environment (and FILE) and print the settings
                  in effect, secrets hidden; every problem is reported at once
  --config FILE   JSON settings file for --check
  -h, --help      show this help

Exit codes: 0 done, 2 usage error or an invalid configuration.`;

export const configCommand: Command = {
  name: "config",
  summary: "print the configuration reference, or check the configuration in effect",
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        docs: { type: "boolean", default: false },
        check: { type: "boolean", default: false },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("config takes no arguments", HELP);
    if (values.docs === values.check) throw new UsageError("give exactly one of --docs or --check", HELP);
    if (values.docs === true) {
      io.out(configReference().trimEnd());
      return 0;
    }
    try {
      const config = loadConfig(values.config === undefined ? {} : { file: values.config });
      for (const [name, key] of Object.entries(CONFIG_SCHEMA) as [ConfigName, ConfigKey][]) {
        const value = config[name];
        const shown = value === undefined ? "(unset)" : key.secret === true ? "(set, hidden)" : String(value);
        io.out(`${name}=${shown}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof SealwatchError) {
        io.err(`sealwatch config: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};
