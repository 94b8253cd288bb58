/**
 * One run at a time of a catch-up loop: a call while a run is going waits for it and then runs
 * again, so that what arrived during the run is not missed.
 */
export class SerialRun {
  private running: Promise<number> | undefined;

  constructor(private readonly run: () => Promise<number>) {}

  async call(): Promise<number> {
    while (this.running !== undefined) await this.running.catch(() => 0);
    this.running = this.run();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }
}
