/**
 * What every route module shares: the dependencies, the authenticator, the alarm workflow, the
 * metrics, the live-stream clients, and the scope checks that turn "not yours" into 404.
 */
import { HandoverArming } from "../federation/handover-arming.js";
import { HandoverSender, type DeclaredHandover } from "../federation/handover-sender.js";
import { HandoverTrigger } from "../federation/handover-trigger.js";
import type { FastifyRequest } from "fastify";
import { SealwatchError } from "../core/errors.js";
import type { AlarmRecord, DeviceRecord, TripRecord } from "../store/ports.js";
import { Authenticator } from "./auth/authenticator.js";
import { deviceVisible, tripVisible, type Principal } from "./auth/policy.js";
import type { ApiDeps } from "./deps.js";
import { notFound } from "./errors.js";
import { ApiMetrics } from "./metrics.js";
import { AlarmWorkflow } from "./services/alarm-workflow.js";
import { Escalation } from "./services/escalation.js";
import type { SseClient } from "./stream/sse-client.js";
import { InspectionService } from "../risk/inspection-service.js";
import { configuredRuleSet } from "../risk/rule-file.js";
import type { AckTargets } from "./views.js";
import { Scope } from "./scope.js";
import { apiSecrets, type ApiSecrets } from "./secrets.js";
import { CursorSeal } from "./stream/cursor.js";
import { join } from "node:path";
import { loadLibrary } from "../training/exercise-file.js";
import { TrainingService } from "../training/sessions.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller (set before the handler runs on every non-public route). */
    principal: Principal | undefined;
  }
}

export class ApiContext {
  readonly auth: Authenticator;
  readonly workflow: AlarmWorkflow;
  readonly escalation: Escalation;
  readonly metrics: ApiMetrics;
  readonly targets: AckTargets;
  readonly streams = new Set<SseClient>();
  /** Risk-based inspection at destination (docs/risk.md). */
  readonly inspections: InspectionService;
  readonly secrets: ApiSecrets;
  /** Seals the stream's and the audit chain's positions into opaque per-caller cursors. */
  readonly cursors: CursorSeal;
  /** Training sessions in isolated workspaces under dataDir/training (docs/training.md). */
  readonly training: TrainingService;
  private readonly stopFixing: () => void;
  /** Legs opened by a recognised handover, armed on their first closed-seal report at our office. */
  readonly handoverArming: HandoverArming | undefined;
  /** Hands trips over to partners (through the outbox). */
  readonly handoverSender: HandoverSender | undefined;
  /** Starts a trip's handover when it reaches its handover office. */
  private readonly handoverTrigger: HandoverTrigger | undefined;

  constructor(readonly deps: ApiDeps) {
    const { config, store, clock, bus } = deps;
    this.secrets = apiSecrets(deps.masterKey);
    this.cursors = new CursorSeal(this.secrets.cursorKey);
    this.auth = new Authenticator(store.access, clock, config.sessionTtlS * 1000);
    this.workflow = new AlarmWorkflow(store, bus, clock);
    this.targets = Object.freeze({
      critical: config.ackTargetCriticalS,
      high: config.ackTargetHighS,
      medium: config.ackTargetMediumS,
      low: config.ackTargetLowS,
    });
    this.escalation = new Escalation(store, this.workflow, this.targets, clock, {
      warn: (details, message) => deps.logger?.warn(details, message),
    });
    this.metrics = new ApiMetrics(deps);
    this.inspections = new InspectionService(store, configuredRuleSet(config), clock, config.riskRandomSeed);
    this.training = new TrainingService({
      folder: join(config.dataDir, "training"),
      liveLocation: store.location,
      library: loadLibrary(),
      clock,
    });
    // The recommendation is fixed as the trip arrives (and on first use after, if this was missed).
    this.stopFixing = bus.subscribe(undefined, (event) => {
      if (event.kind !== "trip" || event.trip.state !== "arrived") return;
      this.inspections.fix(event.trip).catch((error: unknown) => {
        deps.logger?.warn(
          { err: error, tripId: event.trip.id },
          "risk: fixing the recommendation at arrival failed",
        );
      });
    }).unsubscribe;
    if (deps.federation !== undefined) {
      const arming = new HandoverArming(store, deps.host, bus, () => clock.nowMs(), deps.logger);
      arming.load().catch((error: unknown) => {
        deps.logger?.error({ err: error }, "handover: finding the legs waiting to arm failed");
      });
      this.handoverArming = arming;
      const sender = new HandoverSender(deps.federation, deps.host, () => deps.outboxNudge?.());
      this.handoverSender = sender;
      this.handoverTrigger = new HandoverTrigger(store, sender, bus, deps.logger);
    }
  }

  /** Stops following the live stream (the app is closing). */
  close(): void {
    this.stopFixing();
    this.handoverArming?.close();
    this.handoverTrigger?.close();
  }

  get store() {
    return this.deps.store;
  }

  get host() {
    return this.deps.host;
  }

  now(): number {
    return this.deps.clock.nowMs();
  }

  /** The handover a declaration names: `office` must be an active partner's (OFFICE_NOT_PARTNERS). */
  async handoverOffice(office: string): Promise<DeclaredHandover> {
    if (this.handoverSender === undefined)
      throw new SealwatchError("FEDERATION_UNAVAILABLE", "this process runs without the federation service");
    const partner = await this.handoverSender.partnerFor(office);
    return { office, partner: partner.id };
  }

  /** Handovers started by arrival at the handover office still in flight (tests). */
  async handoversIdle(): Promise<void> {
    await this.handoverTrigger?.idle();
  }

  /** The trip, if the caller may see it; NOT_FOUND otherwise (whether or not it exists). */
  async visibleTrip(principal: Principal, id: string): Promise<TripRecord> {
    const trip = await this.store.trips.get(id);
    if (trip === undefined || !tripVisible(principal, trip)) throw notFound("trip", id);
    return trip;
  }

  async visibleDevice(principal: Principal, id: string): Promise<DeviceRecord> {
    const device = await this.store.devices.get(id);
    if (device === undefined || !deviceVisible(principal, device)) throw notFound("device", id);
    return device;
  }

  async visibleAlarm(principal: Principal, id: string): Promise<{ alarm: AlarmRecord; trip: TripRecord }> {
    let alarm = await this.store.alarms.get(id);
    if (alarm === undefined) {
      // Published on the live stream a moment ago, its record still on its way to the store.
      const pending = this.deps.host.whenAlarmStored(id);
      if (pending !== undefined) {
        await pending;
        alarm = await this.store.alarms.get(id);
      }
    }
    const trip = alarm === undefined ? undefined : await this.store.trips.get(alarm.trip);
    if (alarm === undefined || trip === undefined || !tripVisible(principal, trip))
      throw notFound("alarm", id);
    return { alarm, trip };
  }

  /** The visibility of references for this caller (one per request or stream). */
  scope(principal: Principal): Scope {
    return new Scope(principal, this.store, this.secrets.referenceAliasKey);
  }

  /** Ids of the trips a scoped caller sees (undefined: every trip). */
  visibleTripIds(principal: Principal): Promise<string[] | undefined> {
    return this.scope(principal).visibleTripIds();
  }
}

/** The caller of a request on a non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (principal === undefined) throw new SealwatchError("UNAUTHENTICATED", "authentication required");
  return principal;
}
