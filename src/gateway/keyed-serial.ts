/**
 * Runs tasks one after the other per key (a device), different keys side by side. The gateway uses
 * it for the part of an MQTT or HTTP message that fixes its place in the device's order (identity,
 * verification, replay counter, the call that gives the reading its sequence number); the wait for
 * durability happens outside, so a device's messages still share group commits.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every task queued before it under `key`; settles with its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
