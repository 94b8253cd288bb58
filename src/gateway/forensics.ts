/**
 * Frames the gateway refused, kept for forensics: when a device is refused, a reading dropped as
 * implausible or unstorable, or a frame cannot be read, the bytes exactly as received are what an
 * investigator (or the vendor's support) needs. Bounded twice: the newest `maxEntries` in memory
 * (each frame cut at `maxFrameBytes`), and, with a folder, a JSON-lines file rotated at
 * `maxFileBytes` (one previous file kept), so a flood of garbage costs a fixed amount of disk.
 *
 * Writes are asynchronous and never wait for each other beyond `maxPendingWrites`; past that an
 * entry is counted as dropped instead of queueing memory behind a slow disk.
 */
import { appendFile, mkdir, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { toHex } from "../protocols/bytes.js";

export interface ForensicEntry {
  readonly atMs: number;
  readonly transport: string;
  readonly peer: string;
  readonly device?: string;
  readonly reason: string;
  readonly detail: string;
  /** The frame (or its first `maxFrameBytes`) as hex. */
  readonly frameHex: string;
  /** The frame's whole length, when the hex was cut. */
  readonly frameBytes: number;
}

export interface ForensicsOptions {
  /** Folder for `rejected-frames.jsonl` (and `.1`); memory only when absent. */
  readonly dir?: string;
  readonly maxEntries?: number;
  readonly maxFrameBytes?: number;
  readonly maxFileBytes?: number;
  readonly maxPendingWrites?: number;
}

export const FORENSICS_FILE = "rejected-frames.jsonl";

export class ForensicsLog {
  private readonly entries: ForensicEntry[] = [];
  private next = 0;
  private pending = 0;
  private fileBytes: number | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Entries not written to the file (the disk was slow or failing). */
  dropped = 0;
  /** Entries kept since start. */
  kept = 0;
  private readonly maxEntries: number;
  private readonly maxFrameBytes: number;
  private readonly maxFileBytes: number;
  private readonly maxPendingWrites: number;

  constructor(private readonly options: ForensicsOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000;
    this.maxFrameBytes = options.maxFrameBytes ?? 4_096;
    this.maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
    this.maxPendingWrites = options.maxPendingWrites ?? 256;
  }

  /** Keeps a refused frame. Never throws, never waits. */
  keep(entry: Omit<ForensicEntry, "frameHex" | "frameBytes">, frame: Uint8Array | undefined): void {
    const bytes = frame ?? new Uint8Array(0);
    const kept: ForensicEntry = {
      ...entry,
      frameHex: toHex(bytes.subarray(0, this.maxFrameBytes)),
      frameBytes: bytes.byteLength,
    };
    this.kept++;
    if (this.entries.length < this.maxEntries) this.entries.push(kept);
    else this.entries[this.next] = kept;
    this.next = (this.next + 1) % this.maxEntries;
    if (this.options.dir !== undefined) this.write(this.options.dir, kept);
  }

  /** The newest entries in memory, oldest first (at most `limit`). */
  recent(limit = this.maxEntries): ForensicEntry[] {
    const ordered =
      this.entries.length < this.maxEntries
        ? this.entries
        : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.slice(Math.max(0, ordered.length - limit));
  }

  /** Resolves once every write queued so far is on disk (or given up). */
  flush(): Promise<void> {
    return this.chain;
  }

  private write(dir: string, entry: ForensicEntry): void {
    if (this.pending >= this.maxPendingWrites) {
      this.dropped++;
      return;
    }
    this.pending++;
    const line = `${JSON.stringify(entry)}\n`;
    this.chain = this.chain
      .then(() => this.append(dir, line))
      .catch(() => {
        this.dropped++;
      })
      .finally(() => {
        this.pending--;
      });
  }

  private async append(dir: string, line: string): Promise<void> {
    const path = join(dir, FORENSICS_FILE);
    if (this.fileBytes === undefined) {
      await mkdir(dir, { recursive: true });
      this.fileBytes = await stat(path).then(
        (s) => s.size,
        () => 0,
      );
    }
    const length = Buffer.byteLength(line);
    if (this.fileBytes + length > this.maxFileBytes && this.fileBytes > 0) {
      await rename(path, `${path}.1`);
      this.fileBytes = 0;
    }
    await appendFile(path, line, { mode: 0o600 });
    this.fileBytes += length;
  }
}

/** The entries kept in `dir` (the previous file first), oldest first, the last `limit` of them. */
export async function readForensics(dir: string, limit: number): Promise<ForensicEntry[]> {
  const path = join(dir, FORENSICS_FILE);
  const texts = await Promise.all([`${path}.1`, path].map((p) => readFile(p, "utf8").catch(() => "")));
  const entries: ForensicEntry[] = [];
  for (const line of texts.join("").split("\n")) {
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as ForensicEntry);
    } catch {
      // A line cut by a crash mid-write: skip it.
    }
  }
  return entries.slice(Math.max(0, entries.length - limit));
}
