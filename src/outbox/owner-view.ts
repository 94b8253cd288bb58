/**
 * What a subscription's owner may read in a delivery: the API's one visibility rule
 * (src/api/scope.ts) applied to each body, so a webhook never tells more than the same owner's API
 * answer would — devices it may not see are pseudonymised (in every format's text, with the API's
 * pseudonyms when the key is the API's), and a trader sees staff acting as "customs". Owners who see
 * everything get the body as it is.
 */
import { randomBytes } from "node:crypto";
import type { Principal } from "../api/auth/policy.js";
import { Scope } from "../api/scope.js";
import type { NewOutboxMessage } from "../store/outbox-ports.js";
import type { Store, TripRecord } from "../store/ports.js";
import type { WebhookPayload } from "./webhook.js";

type BodyView = (body: unknown) => Promise<unknown>;

export class OwnerViews {
  private readonly scopes = new Map<string, Scope>();
  private readonly views = new Map<string, Promise<BodyView | undefined>>();

  constructor(
    private readonly store: Store,
    /** The API's reference-alias key (src/api/secrets.ts); random when absent (tests). */
    private readonly aliasKey: Buffer = randomBytes(32),
  ) {}

  /** The message as `owner` may read it. */
  async apply(owner: Principal, trip: TripRecord, message: NewOutboxMessage): Promise<NewOutboxMessage> {
    const view = await this.viewOf(owner, trip);
    if (view === undefined) return message;
    const payload = message.payload as WebhookPayload;
    return { ...message, payload: { ...payload, body: await view(payload.body) } };
  }

  private viewOf(owner: Principal, trip: TripRecord): Promise<BodyView | undefined> {
    const key = `${owner.actor}\u0000${trip.id}`;
    let view = this.views.get(key);
    if (view === undefined) {
      view = this.makeView(owner, trip);
      this.views.set(key, view);
    }
    return view;
  }

  private async makeView(owner: Principal, trip: TripRecord): Promise<BodyView | undefined> {
    let scope = this.scopes.get(owner.actor);
    if (scope === undefined) {
      scope = new Scope(owner, this.store, this.aliasKey);
      this.scopes.set(owner.actor, scope);
    }
    if (scope.everything) return undefined;
    const mask = await scope.deviceMask(trip.devices);
    const walker = scope;
    return async (body) => walker.redact(JSON.parse(mask(JSON.stringify(body))) as unknown);
  }
}
