/**
 * The federation side of one instance: who it is (identity), the keys it signs with, and the signed
 * head of its audit chain. The API and the CLI reach everything cross-border through this object.
 */
import type { Config } from "../config/schema.js";
import { GENESIS_HASH } from "../store/audit-chain.js";
import { signHead, type SignedHead } from "../store/audit-signing.js";
import type { Store } from "../store/ports.js";
import { identityFromConfig, ownedOffices, type AdministrationIdentity } from "./identity.js";
import { InstanceKeys } from "./instance-keys.js";
import { PartnerRegistry } from "./partners.js";

export interface FederationLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface FederationOptions {
  readonly store: Store;
  readonly config: Config;
  readonly masterKey: Buffer;
  readonly nowMs: () => number;
  readonly logger?: FederationLogger;
}

export class Federation {
  readonly partners: PartnerRegistry;

  private constructor(
    readonly identity: AdministrationIdentity,
    readonly keys: InstanceKeys,
    private readonly options: FederationOptions,
  ) {
    this.partners = new PartnerRegistry(options.store, { selfId: identity.id, nowMs: options.nowMs });
  }

  /** Checks the identity, opens (or creates, the first time) the signing key. */
  static async start(options: FederationOptions): Promise<Federation> {
    const identity = identityFromConfig(options.config);
    const keys = new InstanceKeys(options.store, options.masterKey, {
      issuer: identity.id,
      nowMs: options.nowMs,
      retentionMs: options.config.federationKeyRetentionDays * 86_400_000,
    });
    const { kid, created } = await keys.ensureKey();
    if (created) {
      await options.store.audit.append({
        atMs: options.nowMs(),
        actor: "system",
        action: "federation.key.create",
        subjectType: "federation-key",
        subjectId: kid,
        details: { administration: identity.id },
      });
      options.logger?.warn({ kid }, "created this instance's signing key (sealed with the master key)");
    }
    return new Federation(identity, keys, options);
  }

  get store(): Store {
    return this.options.store;
  }

  nowMs(): number {
    return this.options.nowMs();
  }

  /** The offices this administration owns (configured, else its office zones' codes). */
  async offices(): Promise<string[]> {
    return ownedOffices(this.identity, await this.options.store.zones.list());
  }

  /** The audit chain's current head, signed with the active key (`storeLocation` is the administration id). */
  async signedAuditHead(): Promise<SignedHead> {
    const head = await this.options.store.audit.head();
    const signer = await this.keys.signingKey();
    return signHead(
      {
        storeLocation: this.identity.id,
        seq: head?.seq ?? 0,
        hash: head?.hash ?? GENESIS_HASH,
        atMs: this.options.nowMs(),
      },
      { privateKey: signer.privateKey, kid: signer.kid },
    );
  }
}
