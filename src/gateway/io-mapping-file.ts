/** The Teltonika IO mapping file of the configuration (teltonikaIoMappingFile), read and checked. */
import { readFileSync } from "node:fs";
import { SealwatchError } from "../core/errors.js";
import { ioMappingProblems, type TeltonikaIoMappingTable } from "../protocols/teltonika/index.js";

/** The Teltonika IO mapping table of the configuration, checked. */
export function readIoMappingFile(path: string): TeltonikaIoMappingTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SealwatchError(
      "INVALID_CONFIG",
      `${path}: cannot read the Teltonika IO mapping (${(error as Error).message})`,
    );
  }
  const table = parsed as Partial<TeltonikaIoMappingTable> | null;
  if (
    typeof table !== "object" ||
    table === null ||
    typeof table.default !== "object" ||
    table.default === null
  )
    throw new SealwatchError(
      "INVALID_CONFIG",
      `${path}: expected { "default": {…}, "models": { "FMC130": {…} } }`,
    );
  const models = table.models ?? {};
  const problems = [
    ...ioMappingProblems(table.default).map((p) => `default: ${p}`),
    ...Object.entries(models).flatMap(([model, mapping]) =>
      ioMappingProblems(mapping).map((p) => `${model}: ${p}`),
    ),
  ];
  if (problems.length > 0) throw new SealwatchError("INVALID_CONFIG", `${path}: ${problems.join("; ")}`);
  return { default: table.default, models };
}
