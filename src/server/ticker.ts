/**
 * The engine clock: every `tickIntervalMs` the host advances the engine (signal loss and overdue fire
 * without new input), then alarm escalation runs. A tick never overlaps the previous one.
 */
import type { Logger } from "pino";
import type { Escalation } from "../api/services/escalation.js";
import type { MonitorHost } from "../monitor/host.js";

export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly host: MonitorHost,
    private readonly escalation: Escalation,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, this.intervalMs);
  }

  /** One tick now (also what the timer runs). */
  async tick(): Promise<void> {
    try {
      await this.host.tick();
      await this.escalation.run();
    } catch (error) {
      this.logger.error({ err: error }, "engine tick failed");
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
