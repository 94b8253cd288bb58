/**
 * A simulated e-seal that publishes signed JSON readings on `sealwatch/devices/{deviceId}/readings`
 * at QoS 1: the broker's PUBACK comes only once the gateway has stored the reading.
 */
import { connectAsync, type MqttClient } from "mqtt";
import { signedEnvelope, MessageCounter, type DeviceKeyMaterial } from "./json-reading.js";
import { LinkError, withTimeout, type DeviceLink, type SimReading } from "./link.js";

const ACK_TIMEOUT_MS = 15_000;

export class MqttLink implements DeviceLink {
  readonly maxBatch = 20;
  private client: MqttClient | undefined;
  private connecting: Promise<MqttClient> | undefined;
  private readonly counter = new MessageCounter();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly deviceId: string,
    private readonly key: DeviceKeyMaterial,
  ) {}

  async send(readings: readonly SimReading[]): Promise<void> {
    const client = await this.connection();
    const topic = `sealwatch/devices/${this.deviceId}/readings`;
    try {
      for (const reading of readings) {
        const envelope = signedEnvelope(this.deviceId, this.key, this.counter.next(), reading);
        await withTimeout(
          client.publishAsync(topic, JSON.stringify(envelope), { qos: 1 }),
          ACK_TIMEOUT_MS,
          "mqtt puback",
        );
      }
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end(true);
  }

  private connection(): Promise<MqttClient> {
    if (this.closed) return Promise.reject(new LinkError("the link is closed"));
    if (this.client?.connected === true) return Promise.resolve(this.client);
    this.drop();
    this.connecting ??= connectAsync(this.url, {
      clientId: `sim-${this.deviceId}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    }).then(
      (client) => {
        this.connecting = undefined;
        client.on("error", () => undefined);
        this.client = client;
        return client;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw new LinkError(`mqtt connect: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.connecting;
  }
}
