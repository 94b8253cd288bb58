/**
 * The gateway's log lines: structured details first, then a message, as pino takes them. Every
 * rejection is logged with the device or the peer address it came from.
 */
export interface GatewayLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentGatewayLogger: GatewayLogger = { info() {}, warn() {}, error() {} };
