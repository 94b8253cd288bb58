/** Paths to the test fixtures, which live in the source tree (tests run from dist/). */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file whether it runs from test/ or dist/test/. */
export const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "sealwatch") return dir;
    } catch {
      // keep climbing
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the repository root");
    dir = parent;
  }
})();

export function fixturePath(...parts: string[]): string {
  return resolve(repoRoot, "test", "fixtures", ...parts);
}

/** The public scenarios of the monitoring contract (or the JSON files of another fixture folder). */
export function scenarioFiles(folder = "scenarios"): string[] {
  const dir = fixturePath(folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => join(dir, name));
}

/** Scenarios of the device classes and the seal-number extension (test/fixtures/device-classes). */
export function deviceClassScenarioFiles(): string[] {
  return scenarioFiles("device-classes");
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}
