/**
 * Partition ownership by leases in JetStream KV. A lease is a key per partition holding the owner's
 * id; it is taken with a create (which fails while another owner's entry exists), kept with an
 * update against the revision last written (which fails once anyone else wrote it), and it expires
 * with the bucket's TTL when its owner stops renewing, so the partitions of a dead worker are free
 * after at most one TTL. Workers announce themselves with member keys under the same TTL, and each
 * aims at its fair share (partitions / live workers, rounded up): it takes free partitions up to
 * that share and hands back partitions above it, so a new worker gets its share without anyone
 * deciding it. JetStream's compare-and-set on a key is the only arbiter; there is no vote here.
 */
import type { KV } from "nats";

export interface LeaseEvents {
  /** The lease on `partition` was taken; start applying it. */
  acquired(partition: number): Promise<void>;
  /** The lease on `partition` was lost (another owner has it, or renewal failed): stop at once. */
  lost(partition: number): void;
  /** Hand `partition` back: stop applying it; the lease is deleted after this resolves. */
  release(partition: number): Promise<void>;
}

const leaseKey = (partition: number): string => `lease.${partition}`;
const memberKey = (workerId: string): string => `member.${workerId}`;

export class LeaseKeeper {
  /** Partition → the revision of our lease entry. */
  private readonly held = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  liveWorkers = 1;

  constructor(
    private readonly kv: KV,
    private readonly workerId: string,
    private readonly partitions: number,
    private readonly ttlMs: number,
    private readonly events: LeaseEvents,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Partitions held now. */
  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.round = this.keep()
        .catch(this.onError)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, Math.max(200, Math.floor(this.ttlMs / 4)));
        });
    };
    tick();
  }

  /** One round: renew what is held, count the workers, take or give back to reach the fair share. */
  private async keep(): Promise<void> {
    await this.kv.put(memberKey(this.workerId), String(Date.now()));
    for (const [partition, revision] of [...this.held]) {
      try {
        this.held.set(partition, await this.kv.update(leaseKey(partition), this.workerId, revision));
      } catch {
        this.held.delete(partition);
        this.events.lost(partition);
      }
    }
    const members = await this.kv.keys("member.*");
    let count = 0;
    for await (const _ of members) count++;
    this.liveWorkers = Math.max(1, count);
    const share = Math.ceil(this.partitions / this.liveWorkers);
    // Start at a different partition per worker, so that workers starting together do not collide.
    const offset = parseInt(this.workerId.replace(/[^0-9a-f]/gi, "").slice(-6) || "0", 16) % this.partitions;
    for (let i = 0; i < this.partitions && this.held.size < share && !this.stopped; i++) {
      const partition = (offset + i) % this.partitions;
      if (this.held.has(partition)) continue;
      let revision: number;
      try {
        revision = await this.kv.create(leaseKey(partition), this.workerId);
      } catch {
        continue; // held by another worker
      }
      this.held.set(partition, revision);
      try {
        await this.events.acquired(partition);
      } catch (error) {
        this.held.delete(partition);
        await this.kv.delete(leaseKey(partition)).catch(() => {});
        throw error;
      }
    }
    while (this.held.size > share && !this.stopped) {
      const partition = this.owned().at(-1)!;
      await this.giveBack(partition);
    }
  }

  private async giveBack(partition: number): Promise<void> {
    const revision = this.held.get(partition);
    if (revision === undefined) return;
    await this.events.release(partition);
    this.held.delete(partition);
    await this.kv.delete(leaseKey(partition), { previousSeq: revision }).catch(() => {});
  }

  /** Gives every partition back (a graceful stop: the others take them at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round.catch(() => {});
    for (const partition of this.owned()) await this.giveBack(partition);
    await this.kv.delete(memberKey(this.workerId)).catch(() => {});
  }
}
