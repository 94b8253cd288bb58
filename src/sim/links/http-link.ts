/**
 * A simulated e-seal whose readings reach Sealwatch through an HTTP gateway: signed envelopes posted
 * in batches to /api/v1/ingest/readings with the gateway's API key. The answer lists each item's
 * fate; stored and duplicate items are done, items refused for good are dropped (and counted), and
 * a failed request or an item the store could not take is sent again.
 */
import { signedEnvelope, MessageCounter, type DeviceKeyMaterial } from "./json-reading.js";
import { LinkError, type DeviceLink, type SimReading } from "./link.js";

const REQUEST_TIMEOUT_MS = 15_000;

interface ItemResult {
  readonly index: number;
  readonly status: "stored" | "duplicate" | "rejected" | "failed";
  readonly reason?: string;
}

export class HttpLink implements DeviceLink {
  readonly maxBatch = 50;
  private readonly counter = new MessageCounter();
  /** Items the gateway refused for good, by reason. */
  readonly refused = new Map<string, number>();

  constructor(
    private readonly baseUrl: string,
    private readonly gatewayToken: string,
    private readonly deviceId: string,
    private readonly key: DeviceKeyMaterial,
  ) {}

  async send(readings: readonly SimReading[]): Promise<void> {
    const body = {
      readings: readings.map((r) => signedEnvelope(this.deviceId, this.key, this.counter.next(), r)),
    };
    let response: Response;
    try {
      response = await fetch(new URL("/api/v1/ingest/readings", this.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.gatewayToken}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new LinkError(`http ingest: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) throw new LinkError(`http ingest: ${response.status} ${text.slice(0, 200)}`);
    const results = (JSON.parse(text) as { results?: ItemResult[] }).results ?? [];
    for (const result of results) {
      if (result.status === "failed") throw new LinkError("http ingest: an item was not stored");
      if (result.status === "rejected") {
        const reason = result.reason ?? "rejected";
        this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
      }
    }
  }

  close(): void {}
}
