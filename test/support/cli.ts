/** Runs the CLI in-process and captures what it prints. */
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (line) => out.push(`${line}\n`),
    err: (line) => err.push(`${line}\n`),
    progress: (text) => err.push(text),
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
