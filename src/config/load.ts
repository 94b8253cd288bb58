/**
 * Loads the configuration once: defaults, then an optional JSON file, then the environment (the
 * environment wins). Every bad key is reported together in one error; the result is frozen.
 */
import { readFileSync } from "node:fs";
import { SealwatchError } from "../core/errors.js";
import { ruleSetFileProblems } from "../risk/rule-file.js";
import { CONFIG_SCHEMA, type Config, type ConfigKey, type ConfigName } from "./schema.js";

export interface LoadOptions {
  readonly env?: Record<string, string | undefined>;
  /** Path of a JSON file whose keys are the config names (camelCase). */
  readonly file?: string;
  /** Values set by the program itself (e.g. the demo's choices), below the environment. */
  readonly overrides?: Partial<Record<ConfigName, unknown>>;
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  const file = options.file ?? env.SEALWATCH_CONFIG;
  if (file !== undefined && file !== "") {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`${file}: a configuration file is a JSON object of settings`);
      } else {
        fileValues = parsed as Record<string, unknown>;
        for (const key of Object.keys(fileValues)) {
          if (!(key in CONFIG_SCHEMA)) problems.push(`${file}: unknown setting "${key}"`);
        }
      }
    } catch (error) {
      problems.push(`${file}: cannot read the configuration file (${(error as Error).message})`);
    }
  }
  const config: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(CONFIG_SCHEMA) as [ConfigName, ConfigKey][]) {
    const fromEnv = env[key.env];
    let raw: unknown = key.default;
    let source = "default";
    if (options.overrides?.[name] !== undefined) {
      raw = options.overrides[name];
      source = "program";
    }
    if (fileValues[name] !== undefined) {
      raw = fileValues[name];
      source = `file ${file}`;
    }
    if (fromEnv !== undefined && fromEnv !== "") {
      raw = fromEnv;
      source = `environment ${key.env}`;
    }
    const result = coerce(key, raw);
    if (result instanceof Problem) {
      problems.push(`${name} (${source}): ${result.message}`);
    } else {
      config[name] = result;
    }
  }
  // Files named by settings are checked with the settings, so that every problem shows at once.
  const rulesFile = config.riskRulesFile;
  if (typeof rulesFile === "string" && rulesFile !== "")
    problems.push(...ruleSetFileProblems(rulesFile).map((p) => `riskRulesFile: ${p}`));
  if (problems.length > 0) {
    throw new SealwatchError(
      "INVALID_CONFIG",
      `the configuration has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
  return Object.freeze(config) as Config;
}

class Problem {
  constructor(readonly message: string) {}
}

function coerce(key: ConfigKey, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  const shown = typeof raw === "string" ? raw : (JSON.stringify(raw) ?? "");
  switch (key.type) {
    case "string":
      return typeof raw === "string" ? raw : new Problem(`expected text, got ${JSON.stringify(raw)}`);
    case "url": {
      const text = shown;
      try {
        new URL(text);
        return text;
      } catch {
        return new Problem(`"${key.secret === true ? "(hidden)" : text}" is not a URL`);
      }
    }
    case "enum": {
      const text = shown;
      return key.values?.includes(text) === true
        ? text
        : new Problem(`"${text}" is not one of ${key.values?.join(", ")}`);
    }
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const text = shown.toLowerCase();
      if (["true", "1", "yes", "on"].includes(text)) return true;
      if (["false", "0", "no", "off"].includes(text)) return false;
      return new Problem(`"${shown}" is not a boolean (true/false)`);
    }
    case "integer":
    case "number": {
      const value = typeof raw === "number" ? raw : Number(shown.trim());
      if (shown.trim() === "" || !Number.isFinite(value)) return new Problem(`"${shown}" is not a number`);
      if (key.type === "integer" && !Number.isInteger(value))
        return new Problem(`${value} is not a whole number`);
      if (key.min !== undefined && value < key.min)
        return new Problem(`${value} is below the minimum ${key.min}`);
      if (key.max !== undefined && value > key.max)
        return new Problem(`${value} is above the maximum ${key.max}`);
      return value;
    }
  }
}

/** The configuration reference in Markdown (docs/configuration.md is this text). */
export function configReference(): string {
  const lines = [
    "# Configuration",
    "",
    "Sealwatch reads its settings once at start: defaults, then an optional JSON file (`--config FILE` or",
    "`SEALWATCH_CONFIG`, keys as in the first column), then environment variables, which win. Every",
    "problem is reported together before anything starts.",
    "",
    "This page is generated from `src/config/schema.ts` (`sealwatch config --docs`); a test keeps them in step.",
    "",
    "| Setting | Environment variable | Type | Default | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [name, key] of Object.entries(CONFIG_SCHEMA) as [ConfigName, ConfigKey][]) {
    const type = key.type === "enum" ? (key.values ?? []).join(" \\| ") : key.type;
    const def = key.default === undefined ? "(unset)" : `\`${String(key.default)}\``;
    lines.push(`| \`${name}\` | \`${key.env}\` | ${type} | ${def} | ${key.description} |`);
  }
  return `${lines.join("\n")}\n`;
}
