#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's built-in test runner.
// Node 20's runner does not expand globs, so the files are found here and passed explicitly.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.js")) found.push(path);
  }
  return found;
}

const filter = process.argv.slice(2);
let files = findTests("dist/test");
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error("no test files found under dist/test (run npm run build first)");
  process.exit(1);
}
const reporter = process.env.CI ? "spec" : "spec";
const result = spawnSync(
  process.execPath,
  ["--test", `--test-reporter=${reporter}`, "--test-concurrency=1", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
