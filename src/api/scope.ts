/**
 * The one visibility rule for references: what a caller may learn about objects named inside an
 * answer. A scoped caller (a trader, an officer) sees a reference to a trip, a device or a person
 * only when it may see that object itself (src/api/auth/policy.ts); otherwise the reference is
 * removed (trips) or replaced by a pseudonym (devices, so that a trip's own devices stay
 * distinguishable on the map), and staff members acting on a trader's cargo are named by their
 * side ("customs"), never by their user id.
 *
 * `redact` walks any answer (REST bodies through one hook in app.ts, live-stream events in the SSE
 * client), so a new route or a new field named like a reference is covered without code of its own.
 * Lookups are cached for the life of the scope (one request, or one stream between refreshes).
 */
import { createHmac } from "node:crypto";
import type { Store } from "../store/ports.js";
import { deviceVisible, tripVisible, type Principal } from "./auth/policy.js";

/** Members that name a trip. */
const TRIP_REFS = new Set(["tripId", "activeTripId", "trip"]);
/** Members that name a device, or list devices (`trip`/`device`: records quoted in audit details). */
const DEVICE_REFS = new Set(["deviceId", "device"]);
const DEVICE_LISTS = new Set(["devices"]);
/** Members that name a person or a system acting. */
const ACTOR_REFS = new Set(["actor", "reportedBy", "by", "assignee", "declaredBy"]);

/**
 * Members that are positions in a global sequence (the durable log, the input sequence): a scoped
 * caller could count every tenant's activity from them, so they are left out of its answers (cursors
 * a caller needs are sealed instead: src/api/stream/cursor.ts).
 */
const GLOBAL_COUNTERS = new Set(["seq"]);

/** How a trader sees the administration acting on its cargo. */
export const STAFF_ACTOR = "customs";
/** How a trader sees the engine, devices, partners and other companies acting. */
export const OTHER_ACTOR = "system";

/** Whether the caller's role sees every trip and device (no scope to apply). */
export function seesEverything(principal: Principal): boolean {
  return principal.role === "admin" || principal.role === "supervisor" || principal.role === "operator";
}

export class Scope {
  private readonly trips = new Map<string, Promise<boolean>>();
  private readonly devices = new Map<string, Promise<boolean>>();
  private readonly actors = new Map<string, Promise<string>>();
  /** Device visibility known without a lookup (preloaded for the live stream). */
  private knownDevices = new Map<string, boolean>();

  constructor(
    readonly principal: Principal,
    private readonly store: Store,
    /** Keys the pseudonyms of hidden devices (per server, see secrets.ts). */
    private readonly aliasKey: Buffer,
  ) {}

  get everything(): boolean {
    return seesEverything(this.principal);
  }

  tripVisible(id: string): Promise<boolean> {
    if (this.everything) return Promise.resolve(true);
    let known = this.trips.get(id);
    if (known === undefined) {
      known = this.store.trips.get(id).then((t) => t !== undefined && tripVisible(this.principal, t));
      this.trips.set(id, known);
    }
    return known;
  }

  deviceVisible(id: string): Promise<boolean> {
    if (this.everything) return Promise.resolve(true);
    const preloaded = this.knownDevices.get(id);
    if (preloaded !== undefined) return Promise.resolve(preloaded);
    let known = this.devices.get(id);
    if (known === undefined) {
      known = this.store.devices.get(id).then((d) => d !== undefined && deviceVisible(this.principal, d));
      this.devices.set(id, known);
    }
    return known;
  }

  /** The trip id if the caller may see that trip, else undefined (the reference is dropped). */
  async tripRef(id: string | undefined): Promise<string | undefined> {
    if (id === undefined) return undefined;
    return (await this.tripVisible(id)) ? id : undefined;
  }

  /** The device id if the caller may see the device, else its pseudonym in this caller's scope. */
  async deviceRef(id: string): Promise<string> {
    return (await this.deviceVisible(id)) ? id : this.pseudonym(id);
  }

  /**
   * Loads which devices a trader sees, so that `redactKnown` can run synchronously (the live
   * stream writes from the engine's path and cannot wait). Other roles see every device.
   */
  async preloadDevices(): Promise<void> {
    if (this.principal.role !== "trader") return;
    const companyId = this.principal.companyId;
    const known = new Map<string, boolean>();
    if (companyId !== undefined)
      for (const device of await this.store.devices.list({ companyId })) known.set(device.id, true);
    // Swapped whole, so that an event written meanwhile sees the old set or the new, never none.
    this.knownDevices = known;
    this.devices.clear();
  }

  /** How an actor appears to this caller: itself and its company's people by name, others by side. */
  actorRef(actor: string): Promise<string> {
    if (this.principal.role !== "trader" || actor === this.principal.actor) return Promise.resolve(actor);
    let known = this.actors.get(actor);
    if (known === undefined) {
      known = this.resolveActor(actor);
      this.actors.set(actor, known);
    }
    return known;
  }

  private async resolveActor(actor: string): Promise<string> {
    const [kind, id] = splitActor(actor);
    if (id === undefined) return OTHER_ACTOR;
    if (kind === "device") return (await this.deviceVisible(id)) ? actor : OTHER_ACTOR;
    const who =
      kind === "user"
        ? await this.store.access.user(id)
        : kind === "apikey"
          ? await this.store.access.apiKey(id)
          : undefined;
    if (who === undefined) return OTHER_ACTOR;
    if (who.role === "trader") return who.companyId === this.principal.companyId ? actor : OTHER_ACTOR;
    return who.role === "gateway" ? OTHER_ACTOR : STAFF_ACTOR;
  }

  /**
   * A copy of `value` (a JSON answer) with every reference the caller may not follow removed or
   * replaced. Values of staff who see everything come back unchanged (the same object).
   */
  async redact<T>(value: T): Promise<T> {
    if (this.everything) return value;
    return (await this.walk(value, undefined)) as T;
  }

  private async walk(value: unknown, key: string | undefined): Promise<unknown> {
    if (typeof value === "string" && key !== undefined) {
      if (DEVICE_REFS.has(key)) return this.deviceRef(value);
      if (ACTOR_REFS.has(key)) return this.actorRef(value);
      return value;
    }
    if (Array.isArray(value)) {
      if (key !== undefined && DEVICE_LISTS.has(key) && value.every((v) => typeof v === "string"))
        return Promise.all(value.map((id: string) => this.deviceRef(id)));
      return Promise.all(value.map((item) => this.walk(item, undefined)));
    }
    if (value === null || typeof value !== "object" || value instanceof Date || Buffer.isBuffer(value))
      return value;
    const out: Record<string, unknown> = {};
    for (const [member, inner] of Object.entries(value as Record<string, unknown>)) {
      if (GLOBAL_COUNTERS.has(member) && typeof inner === "number") continue;
      if (TRIP_REFS.has(member) && typeof inner === "string") {
        if (await this.tripVisible(inner)) out[member] = inner;
        continue;
      }
      out[member] = await this.walk(inner, member);
    }
    return out;
  }

  /**
   * The synchronous form of `redact` for the live stream, on what is already known: trips are those
   * of the event (visible, or the event is not sent), devices come from `preloadDevices`; a device
   * not known is taken as hidden.
   */
  redactKnown<T>(value: T): T {
    if (this.everything) return value;
    return this.walkKnown(value, undefined) as T;
  }

  private walkKnown(value: unknown, key: string | undefined): unknown {
    if (typeof value === "string" && key !== undefined && DEVICE_REFS.has(key))
      return this.knownDeviceRef(value);
    if (Array.isArray(value)) {
      if (key !== undefined && DEVICE_LISTS.has(key))
        return (value as unknown[]).map((v) => (typeof v === "string" ? this.knownDeviceRef(v) : v));
      return (value as unknown[]).map((item) => this.walkKnown(item, undefined));
    }
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [member, inner] of Object.entries(value as Record<string, unknown>))
      if (!(GLOBAL_COUNTERS.has(member) && typeof inner === "number"))
        out[member] = this.walkKnown(inner, member);
    return out;
  }

  private knownDeviceRef(id: string): string {
    if (this.principal.role !== "trader") return id;
    return this.knownDevices.get(id) === true ? id : this.pseudonym(id);
  }

  /** A stable name for a hidden device in this caller's scope that tells nothing of its id. */
  private pseudonym(id: string): string {
    const scope =
      this.principal.role === "trader" ? `company:${this.principal.companyId ?? ""}` : this.principal.actor;
    return `hidden-${createHmac("sha256", this.aliasKey).update(`${scope}\u0000${id}`).digest("base64url").slice(0, 16)}`;
  }

  /**
   * For answers in formats the walker cannot read by member name (EPCIS, DCSA, NCTS, XML): a
   * function that replaces, in the finished text, every id and hardware identifier of the listed
   * devices the caller may not see by the device's pseudonym.
   */
  async deviceMask(deviceIds: Iterable<string>): Promise<(text: string) => string> {
    const replace = new Map<string, string>();
    for (const id of new Set(deviceIds)) {
      if (await this.deviceVisible(id)) continue;
      const alias = this.pseudonym(id);
      replace.set(id, alias);
      for (const identifier of (await this.store.devices.get(id))?.identifiers ?? [])
        replace.set(identifier, alias);
    }
    if (replace.size === 0) return (text) => text;
    const alternatives = [...replace.keys()]
      .sort((a, b) => b.length - a.length)
      .map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const pattern = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join("|")})(?![A-Za-z0-9])`, "g");
    return (text) => text.replace(pattern, (found) => replace.get(found) ?? found);
  }

  /** Ids of the trips this caller sees (undefined: every trip). */
  async visibleTripIds(): Promise<string[] | undefined> {
    const principal = this.principal;
    switch (principal.role) {
      case "trader":
        return principal.companyId === undefined
          ? []
          : (await this.store.trips.list({ companyId: principal.companyId })).map((t) => t.id);
      case "officer": {
        const ids = new Set<string>();
        for (const office of principal.offices)
          for (const trip of await this.store.trips.list({ office })) ids.add(trip.id);
        return [...ids];
      }
      case "gateway":
      case "instructor":
        return [];
      case "admin":
      case "supervisor":
      case "operator":
        return undefined;
    }
  }

  /**
   * A refusal's message without the trips the caller may not see: `trip X` becomes "another live
   * trip" (and its state is left out), so a refusal never tells that such a trip exists.
   */
  async withoutHiddenTrips(message: string, ownTripId?: string): Promise<string> {
    if (this.everything) return message;
    let result = message;
    for (const match of message.matchAll(/\btrip "?([^\s",]+)"?(, which is \w+)?/g)) {
      const id = match[1]!;
      if (id === ownTripId || (await this.tripVisible(id))) continue;
      result = result.replace(match[0], "another live trip");
    }
    for (const match of result.matchAll(/\bdevice "?([^\s",]+)"?/g)) {
      const id = match[1]!;
      if (!(await this.deviceVisible(id))) result = result.replace(match[0], `device ${this.pseudonym(id)}`);
    }
    return result;
  }
}

/** "user:ID" → ["user", "ID"]; "engine" → ["engine", undefined]. */
function splitActor(actor: string): [string, string | undefined] {
  const colon = actor.indexOf(":");
  return colon < 0 ? [actor, undefined] : [actor.slice(0, colon), actor.slice(colon + 1)];
}
