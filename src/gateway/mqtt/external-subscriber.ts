/**
 * Ingestion from an external broker (MQTT_URL: Mosquitto, EMQX, NATS's MQTT). The gateway holds a
 * persistent session (clean: false, a fixed client id) subscribed at QoS 1 to the readings topics,
 * and delays the PUBACK of each message until its reading is durable: mqtt.js sends the PUBACK after
 * the `handleMessage` callback. A message whose reading could not be stored is not acknowledged and
 * the session is dropped and re-opened, so that the broker, which keeps unacknowledged messages of
 * a persistent session, delivers it again. Messages refused for good are acknowledged and dropped.
 *
 * mqtt.js handles one incoming message at a time, so one session carries one durable write at a
 * time. `sessions` > 1 opens that many sessions on a shared subscription (`$share/{clientId}/…`),
 * which multiplies throughput but gives up the order of one device's messages across sessions.
 */
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import type { GatewayLogger } from "../logger.js";
import { handleMqttMessage, type MqttMessageContext } from "./mqtt-message.js";
import { READINGS_TOPIC_FILTER } from "./topics.js";

export interface ExternalSubscriberOptions extends MqttMessageContext {
  readonly url: string;
  readonly clientId: string;
  readonly sessions: number;
  readonly logger: GatewayLogger;
  /** How long `start` waits for the broker (default 10 s). */
  readonly connectTimeoutMs?: number;
}

/** After a store failure, how long before the session is re-opened to get the message again. */
const REDELIVERY_DELAY_MS = 1_000;

export class ExternalSubscriber {
  private stopping = false;
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly clients: MqttClient[],
    private readonly logger: GatewayLogger,
  ) {}

  static async start(options: ExternalSubscriberOptions): Promise<ExternalSubscriber> {
    const shared = options.sessions > 1;
    const topic = shared ? `$share/${options.clientId}/${READINGS_TOPIC_FILTER}` : READINGS_TOPIC_FILTER;
    const clients: MqttClient[] = [];
    const subscriber = new ExternalSubscriber(clients, options.logger);
    try {
      for (let i = 0; i < options.sessions; i++) {
        const clientId = shared ? `${options.clientId}-${i + 1}` : options.clientId;
        clients.push(await subscriber.open(options, clientId, topic));
      }
    } catch (error) {
      await subscriber.stop();
      throw error;
    }
    return subscriber;
  }

  private async open(
    options: ExternalSubscriberOptions,
    clientId: string,
    topic: string,
  ): Promise<MqttClient> {
    const client = mqtt.connect(options.url, {
      clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      reconnectPeriod: 1_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      resubscribe: false,
    });
    let redelivery: NodeJS.Timeout | undefined;
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
      this.inFlight++;
      handleMqttMessage(options, packet.topic, payload, `${clientId}<-${packet.topic}`)
        .finally(() => {
          if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        })
        .then(
          () => callback(),
          (error: unknown) => {
            // No PUBACK; the broker delivers unacknowledged messages again when the session resumes.
            callback(error instanceof Error ? error : new Error(String(error)));
            if (redelivery === undefined && !this.stopping) {
              redelivery = setTimeout(() => {
                redelivery = undefined;
                if (!this.stopping) client.stream?.destroy();
              }, REDELIVERY_DELAY_MS);
              redelivery.unref();
            }
          },
        );
    };
    client.on("connect", (connack) => {
      if (connack.sessionPresent) return;
      client.subscribe(topic, { qos: 1 }, (error) => {
        if (error !== null && error !== undefined)
          this.logger.error(
            { transport: "mqtt", clientId, err: error.message },
            "subscription to the external broker failed",
          );
      });
    });
    client.on("error", (error) =>
      this.logger.warn(
        { transport: "mqtt", clientId, err: error.message },
        "external broker connection error",
      ),
    );
    client.on("close", () => {
      if (redelivery !== undefined) clearTimeout(redelivery);
      redelivery = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.end(true);
        reject(
          new Error(
            `cannot reach the MQTT broker ${redact(options.url)} within ${options.connectTimeoutMs ?? 10_000} ms`,
          ),
        );
      }, options.connectTimeoutMs ?? 10_000);
      client.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return client;
  }

  /**
   * Ends the sessions without cleaning them (the broker keeps what arrives meanwhile), after the
   * messages being stored have been acknowledged, or after `drainTimeoutMs` (those left unacknowledged
   * are delivered again to the next session).
   */
  async stop(drainTimeoutMs = 5_000): Promise<void> {
    this.stopping = true;
    let drained = true;
    if (this.inFlight > 0) {
      drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), drainTimeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      // Let the last PUBACKs be written before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Drained: a graceful DISCONNECT after the PUBACKs. Not drained: drop the sockets, so that no
    // PUBACK of a message still being stored can leave.
    await Promise.all(
      this.clients.map((c) => new Promise<void>((resolve) => c.end(!drained, {}, () => resolve()))),
    );
  }
}

/** The URL without its password, for log lines. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
