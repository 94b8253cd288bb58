/**
 * The embedded MQTT broker (aedes), used when no MQTT_URL is set. Devices publish readings at QoS 1;
 * the reading is made durable inside aedes' `authorizePublish` hook, which aedes calls before it
 * writes the PUBACK (QoS 1) or PUBREC (QoS 2), so the device is acknowledged only after the store
 * has the reading. When the store fails the hook fails: aedes closes the connection without an
 * acknowledgement and the device publishes the message again when it reconnects. Messages refused
 * for good (unknown device, forged, replayed, invalid) are acknowledged and dropped, so the device
 * does not resend them forever.
 *
 * Devices only publish: subscriptions are refused (nobody can listen to another device's readings),
 * and retained flags are cleared (the broker keeps nothing).
 */
import { createServer, type Server } from "node:net";
import { Aedes, type Client, type PublishPacket } from "aedes";
import type { GatewayLogger } from "../logger.js";
import { handleMqttMessage, type MqttMessageContext } from "./mqtt-message.js";

export interface EmbeddedBrokerOptions extends MqttMessageContext {
  readonly host: string;
  readonly port: number;
  readonly logger: GatewayLogger;
}

function peerOf(client: Client | null): string {
  if (client === null) return "broker";
  const conn = client.conn as { remoteAddress?: string; remotePort?: number } | undefined;
  return `${client.id}@${conn?.remoteAddress ?? "?"}:${conn?.remotePort ?? "?"}`;
}

export class EmbeddedBroker {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const broker = await Aedes.createBroker({
      authorizePublish(
        client: Client | null,
        packet: PublishPacket,
        callback: (error?: Error | null) => void,
      ) {
        if (client === null) {
          callback(new Error("broker-originated messages are not readings"));
          return;
        }
        packet.retain = false;
        handleMqttMessage(options, packet.topic, packet.payload as Buffer, peerOf(client)).then(
          () => callback(null),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
      authorizeSubscribe(_client, _subscription, callback) {
        callback(null, null);
      },
    });
    broker.on("clientError", (client, error) =>
      options.logger.info(
        { transport: "mqtt", peer: peerOf(client), err: error.message },
        "mqtt client dropped",
      ),
    );
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : options.port;
    return new EmbeddedBroker(broker, server, port);
  }

  /** Devices connected now. */
  get clients(): number {
    return this.broker.connectedClients;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
