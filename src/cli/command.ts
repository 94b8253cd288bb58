/** The shape of a CLI command, and the I/O it may use (injected so that tests can capture it). */
import type { Config } from "../config/schema.js";
import { SealwatchError } from "../core/errors.js";

export interface CommandIo {
  /** A line on standard output. */
  out(line: string): void;
  /** A line on standard error. */
  err(line: string): void;
  /** Progress text on standard error (no newline added). */
  progress(text: string): void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Runs the command and returns its exit code. */
  run(argv: string[], io: CommandIo): number | Promise<number>;
}

/** Wrong arguments: the message and the command's help are printed, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs the subcommand `argv[0]` names from `subcommands` with the rest of the arguments; no
 * subcommand prints `help` (exit code 2), `--help` prints it (0), an unknown one is a usage error.
 */
export async function runSubcommand(
  argv: readonly string[],
  io: CommandIo,
  help: string,
  subcommands: Readonly<Record<string, (argv: string[], io: CommandIo) => Promise<number>>>,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.out(help);
    return sub === undefined ? 2 : 0;
  }
  const run = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (run === undefined) throw new UsageError(`unknown subcommand "${sub}"`, help);
  return run(rest, io);
}

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: (text) => process.stderr.write(text),
};

/**
 * Loads the configuration for a command (`--config FILE`, the environment); on a bad setting
 * prints every problem and returns undefined (the command then exits with 2).
 */
export function loadCommandConfig(
  command: string,
  file: string | undefined,
  io: CommandIo,
  load: (options: { file?: string }) => Config,
): Config | undefined {
  try {
    return load(file === undefined ? {} : { file });
  } catch (error) {
    if (error instanceof SealwatchError) {
      io.err(`sealwatch ${command}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
