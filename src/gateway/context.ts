/**
 * The pieces every transport shares: the device directory, offices, keys and replay guard, the
 * counters, and the JSON and EPCIS ingest paths. One context per process, so that a device's
 * counters and caches are the same whether it comes by MQTT or HTTP.
 */
import type { EpcisLimits } from "../protocols/epcis/index.js";
import type { Store } from "../store/ports.js";
import { GatewayCounters } from "./counters.js";
import { DeviceDirectory } from "./device-directory.js";
import { EpcisIngest } from "./epcis-ingest.js";
import { compileJsonSchemas } from "./json/validate.js";
import { silentGatewayLogger, type GatewayLogger } from "./logger.js";
import { MessageIngest } from "./message-ingest.js";
import { OfficeDirectory } from "./offices.js";
import { DeviceKeyVault } from "./security/key-vault.js";
import { ReplayGuard } from "./security/replay-guard.js";
import type { ReadingSink } from "./sink.js";

export interface IngestContextOptions {
  readonly sink: ReadingSink;
  readonly store: Store;
  /** The master key sealing device keys (see security/master-key.ts). */
  readonly masterKey: Buffer;
  readonly logger?: GatewayLogger;
  readonly counters?: GatewayCounters;
  readonly nowMs?: () => number;
  readonly epcisLimits?: Partial<EpcisLimits>;
}

export interface IngestContext {
  readonly sink: ReadingSink;
  readonly store: Store;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly directory: DeviceDirectory;
  readonly offices: OfficeDirectory;
  readonly keys: DeviceKeyVault;
  readonly replay: ReplayGuard;
  readonly messages: MessageIngest;
  readonly epcis: EpcisIngest;
  /** Forgets cached registry facts of a device (call after it is updated, retired or re-keyed). */
  deviceChanged(deviceId?: string): void;
}

export function createIngestContext(options: IngestContextOptions): IngestContext {
  compileJsonSchemas();
  const nowMs = options.nowMs ?? Date.now;
  const logger = options.logger ?? silentGatewayLogger;
  const counters = options.counters ?? new GatewayCounters();
  const directory = new DeviceDirectory(options.store.devices, { nowMs });
  const offices = new OfficeDirectory(options.store.zones, 30_000, nowMs);
  const keys = new DeviceKeyVault(options.store.devices, options.masterKey, { nowMs });
  const replay = new ReplayGuard(options.store.devices, logger);
  const shared = { sink: options.sink, directory, offices, counters, logger, nowMs };
  return {
    ...shared,
    store: options.store,
    keys,
    replay,
    messages: new MessageIngest({ ...shared, keys, replay }),
    epcis: new EpcisIngest({
      ...shared,
      ...(options.epcisLimits === undefined ? {} : { limits: options.epcisLimits }),
    }),
    deviceChanged(deviceId?: string) {
      if (deviceId === undefined) {
        directory.invalidate();
        keys.invalidate();
      } else {
        directory.invalidateDevice(deviceId);
        keys.invalidate(deviceId);
        replay.forget(deviceId);
      }
      offices.invalidate();
    },
  };
}
