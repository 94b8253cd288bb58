/** A Server-Sent Events client for the tests: reads a text/event-stream and parses its events. */

export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private buffer = "";
  private done = false;

  private constructor(
    readonly status: number,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const reader = new SseReader(response.status, abort);
    if (response.body !== null) void reader.pump(response.body);
    return reader;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf("\n\n")) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          this.parse(block);
        }
      }
    } catch {
      // Aborted by close().
    }
    this.done = true;
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0)
      this.events.push({ ...(id === undefined ? {} : { id }), event, data: data.join("\n") });
  }

  get ended(): boolean {
    return this.done;
  }

  /** Events of a kind, their data parsed. */
  of<T = Record<string, unknown>>(event: string): (T & { id?: string })[] {
    return this.events
      .filter((e) => e.event === event)
      .map((e) => ({ ...(JSON.parse(e.data) as T), ...(e.id === undefined ? {} : { id: e.id }) }));
  }

  /** Waits until `predicate` holds over the events received so far. */
  async until(
    predicate: (reader: SseReader) => boolean,
    timeoutMs = 5_000,
    what = "the events",
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline)
        throw new Error(
          `${what} did not arrive within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.abort.abort();
  }
}
