#!/usr/bin/env -S node --max-semi-space-size=64
/** The `sealwatch` command line. */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { auditCommand } from "./audit-command.js";
import { UsageError, processIo, type Command, type CommandIo } from "./command.js";
import { configCommand } from "./config-command.js";
import { conformanceCommand } from "./conformance-command.js";
import { dbCommand } from "./db-command.js";
import { dossierCommand } from "./dossier-command.js";
import { decodeCommand } from "./decode-command.js";
import { deviceKeyCommand } from "./device-key-command.js";
import { demoCommand } from "./demo-command.js";
import { engineCommand } from "./engine-command.js";
import { exerciseCommand } from "./exercise-command.js";
import { exportCommand } from "./export-command.js";
import { gatewayCommand } from "./gateway-command.js";
import { replayCommand } from "./replay-command.js";
import { serveCommand } from "./serve-command.js";
import { simulateCommand } from "./simulate-command.js";
import { whatifCommand } from "./whatif-command.js";

const COMMANDS: readonly Command[] = [
  replayCommand,
  decodeCommand,
  conformanceCommand,
  dbCommand,
  auditCommand,
  dossierCommand,
  exportCommand,
  whatifCommand,
  exerciseCommand,
  gatewayCommand,
  engineCommand,
  deviceKeyCommand,
  serveCommand,
  configCommand,
  demoCommand,
  simulateCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: sealwatch COMMAND [options]",
    "",
    "Sealwatch monitors cargo sealed with smart security devices under customs control.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `sealwatch COMMAND --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`sealwatch: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`sealwatch ${name}: ${error.message}\n\n${error.help}`);
      return 2;
    }
    if (
      error instanceof TypeError &&
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true
    ) {
      io.err(`sealwatch ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    throw error;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `sealwatch: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
