/**
 * The person (or the test) doing the prompted steps. The console technician prints the prompt and
 * waits for Enter; a test passes one that acts on a simulated device.
 */
import { createInterface } from "node:readline";
import type { CommandIo } from "../cli/command.js";
import type { StepSpec } from "./events.js";

export interface Technician {
  /** Resolves when the step has been done. */
  perform(step: StepSpec, index: number, total: number): Promise<void>;
}

export function consoleTechnician(io: CommandIo): Technician {
  return {
    perform(step, index, total) {
      io.err("");
      io.err(`Step ${index} of ${total} (${step.id}): ${step.prompt}`);
      io.progress("Press Enter when done. ");
      return new Promise<void>((resolve) => {
        const rl = createInterface({ input: process.stdin, terminal: false });
        rl.once("line", () => {
          rl.close();
          resolve();
        });
        rl.once("close", () => resolve());
      });
    },
  };
}
