/**
 * Generated from the OpenAPI document (GET /api/v1/openapi.json) by src/api/openapi-typescript.ts:
 * do not edit. After changing an API schema, rebuild and run
 * SEALWATCH_UPDATE_GOLDEN=1 node --test dist/test/dashboard/api-types.test.js
 */

/** Every error answer has this shape. */
export type Error = {
  /** A stable code from docs/errors.md. */
  readonly code: string;
  readonly message: string;
  readonly statusCode: number;
};

/** A zone (office, rest area or restricted area) as a GeoJSON Feature. */
export type Zone = {
  readonly type: "Feature";
  readonly id: string;
  readonly geometry: {
    readonly type: string;
    /** GeoJSON coordinates, [lon, lat] order. */
    readonly coordinates: unknown;
  };
  readonly properties: {
    readonly kind: "office" | "rest" | "restricted";
    readonly name?: string;
    readonly officeCode?: string;
    readonly unLocode?: string;
    readonly radiusM?: number;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly createdAt: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly updatedAt: string;
  };
};

export type ZoneCollection = {
  readonly type: "FeatureCollection";
  readonly features: readonly Zone[];
};

export type Device = {
  readonly id: string;
  readonly class: "active" | "semi-active" | "passive";
  readonly vendor: string;
  readonly model: string;
  readonly protocol: string;
  readonly identifiers: readonly string[];
  readonly reportIntervalS?: number;
  readonly lifecycle: "in_stock" | "assigned" | "in_use" | "maintenance" | "retired";
  readonly companyId?: string;
  readonly settings?: unknown;
  /** The live trip the device is on, if any. */
  readonly activeTripId?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly updatedAt: string;
};

export type Trip = {
  readonly id: string;
  readonly reference?: string;
  readonly mrn?: string;
  readonly state: "declared" | "armed" | "in_transit" | "arrived" | "closed" | "cancelled";
  readonly origin: string;
  readonly destination: string;
  readonly checkpoints: readonly string[];
  readonly route: {
    readonly type: "LineString";
    readonly coordinates: readonly (readonly number[])[];
  };
  readonly devices: readonly string[];
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly deadline: string;
  readonly rules: {
    readonly corridorM?: number;
    readonly deviationMinS?: number;
    readonly stopSpeedKmh?: number;
    readonly stopRadiusM?: number;
    readonly stopMinS?: number;
    readonly lowBatteryPct?: number;
    readonly lowBatteryClearPct?: number;
    readonly signalLossS?: number;
    readonly openingFixMaxAgeS?: number;
  };
  readonly companyId?: string;
  readonly carrierId?: string;
  readonly containers: readonly string[];
  readonly seals: readonly string[];
  readonly conveyance?: {
    readonly mode: "road" | "rail" | "sea" | "air";
    readonly registration?: string;
    readonly nationality?: string;
    readonly imo?: string;
    readonly driver?: string;
  };
  readonly goodsDescription?: string;
  readonly declaredBy?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly armedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly inTransitAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly arrivedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly closedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly cancelledAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly updatedAt: string;
};

/** Why the alarm was raised, where and on which readings. Durations of an alarm still open run to `asOf`. */
export type AlarmEvidence = {
  /** What happened in plain words, e.g. "steel rope cut (JT701 bit 3)". */
  readonly reason: string;
  /** The measured value against the threshold; which members are present depends on `type`. */
  readonly measure: {
    readonly type:
      | "tamper"
      | "unauthorized_opening"
      | "route_deviation"
      | "unauthorized_stop"
      | "restricted_zone"
      | "low_battery"
      | "signal_loss"
      | "overdue"
      | "unexpected_checkpoint"
      | "seal_mismatch";
    /** route_deviation: largest distance from the route. */
    readonly distanceM?: number;
    /** route_deviation: the corridor's allowed distance. */
    readonly corridorM?: number;
    /** route_deviation, unauthorized_stop, restricted_zone: how long it lasted. */
    readonly durationS?: number;
    /** route_deviation: how long off the corridor raises it. */
    readonly minDurationS?: number;
    /** unauthorized_stop: allowed stop; signal_loss: allowed silence. */
    readonly allowedS?: number;
    /** unauthorized_stop: the stop radius. */
    readonly radiusM?: number;
    /** unauthorized_stop: at or below this speed is stopped. */
    readonly stopSpeedKmh?: number;
    /** restricted_zone: the zone entered. */
    readonly zoneId?: string;
    readonly zoneName?: string;
    /** low_battery: lowest level reported. */
    readonly batteryPct?: number;
    /** low_battery: the alarm level. */
    readonly thresholdPct?: number;
    /** low_battery: the level that clears it. */
    readonly clearPct?: number;
    /** signal_loss: time without a message. */
    readonly silentS?: number;
    /** signal_loss: nothing received since arming. */
    readonly sinceArming?: boolean;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly deadline?: string;
    /** overdue: time past the deadline. */
    readonly lateS?: number;
    /** overdue: the destination office. */
    readonly destination?: string;
    readonly destinationName?: string;
    /** tamper: consecutive tamper reports. */
    readonly reports?: number;
    /** unauthorized_opening: how old a locating fix may be. */
    readonly maxFixAgeS?: number;
    /** unauthorized_opening: whether a fix placed the opening. */
    readonly located?: boolean;
    /** unexpected_checkpoint, seal_mismatch: where the seal was read. */
    readonly office?: string;
    readonly officeName?: string;
    readonly expectedOffices?: readonly string[];
    /** seal_mismatch: the number found. */
    readonly sealNumber?: string;
    readonly declaredSeals?: readonly string[];
  };
  readonly began: {
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
    /** [lon, lat] in degrees. */
    readonly position?: readonly [number, number];
    /** How much older than `at` the fix giving `position` is, in seconds. */
    readonly fixAgeS?: number;
    /** The office zone where a passive seal was read. */
    readonly office?: string;
  };
  readonly ended: {
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
    /** [lon, lat] in degrees. */
    readonly position?: readonly [number, number];
    /** How much older than `at` the fix giving `position` is, in seconds. */
    readonly fixAgeS?: number;
    /** The office zone where a passive seal was read. */
    readonly office?: string;
  } | null;
  readonly readings: readonly {
    /** began: first reading of the condition; worst: farthest off the corridor or lowest battery; last: latest still in the condition; ended: the reading that ended it; before: the seal state before an opening; located_by: the earlier fix that places a reading without a position. */
    readonly role: "began" | "worst" | "last" | "ended" | "before" | "located_by";
    readonly deviceId: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly receivedAt: string;
    /** [lon, lat] in degrees. */
    readonly position?: readonly [number, number];
    /** The stored reading's place in the durable log. */
    readonly seq?: number;
    readonly protocol?: string;
    /** What the device itself reported, e.g. "steel rope cut (JT701 bit 3)". */
    readonly report?: readonly string[];
  }[];
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly asOf: string;
};

export type Alarm = {
  readonly id: string;
  readonly type:
    | "tamper"
    | "unauthorized_opening"
    | "route_deviation"
    | "unauthorized_stop"
    | "restricted_zone"
    | "low_battery"
    | "signal_loss"
    | "overdue"
    | "unexpected_checkpoint"
    | "seal_mismatch";
  readonly severity: "critical" | "high" | "medium" | "low";
  readonly tripId: string;
  readonly deviceId: string | null;
  readonly zone?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly startedAt: string;
  readonly clearedAt: string | null;
  /** Later data showed the alarm never happened. */
  readonly retracted: boolean;
  readonly workflow: "open" | "acknowledged" | "resolved";
  readonly assignee?: string;
  readonly outcome?: "confirmed_breach" | "false_alarm" | "technical_fault";
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly raisedAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly ackDueAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly acknowledgedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly resolvedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly escalatedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly updatedAt: string;
  readonly evidence?: AlarmEvidence;
};

export type AlarmAction = {
  readonly id: string;
  readonly alarmId: string;
  readonly action: "acknowledge" | "assign" | "comment" | "resolve" | "escalate" | "report";
  readonly actor: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly at: string;
  readonly details?: unknown;
};

export type AuditRecord = {
  readonly seq: number;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly details?: unknown;
  readonly prevHash: string;
  readonly hash: string;
};

export type User = {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: "admin" | "supervisor" | "officer" | "operator" | "trader" | "gateway" | "instructor";
  readonly companyId?: string;
  readonly offices: readonly string[];
  readonly disabled: boolean;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly updatedAt: string;
};

export type Company = {
  readonly id: string;
  readonly name: string;
  readonly kind: "trader" | "carrier" | "operator";
  readonly country?: string;
  readonly aeo?: "AEOC" | "AEOS" | "AEOF";
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
};

export type ApiKey = {
  readonly id: string;
  readonly name: string;
  readonly role: "admin" | "supervisor" | "officer" | "operator" | "trader" | "gateway" | "instructor";
  readonly companyId?: string;
  readonly offices: readonly string[];
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly revokedAt?: string;
};

export type DeviceCommand = {
  readonly id: string;
  readonly deviceId: string;
  readonly tripId?: string;
  readonly command: string;
  readonly status: "queued" | "sent" | "acknowledged" | "failed";
  readonly actor: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly sentAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly acknowledgedAt?: string;
  readonly error?: string;
};

export type DeviceKey = {
  readonly deviceId: string;
  readonly keyId: string;
  readonly algorithm: "hmac-sha256" | "aes-256-gcm";
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly createdAt: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly retiredAt?: string;
  readonly lastCounter: number;
};

/** An RFC 7517 JWK Set (Ed25519 keys) with the revoked keys beside it. */
export type KeySet = {
  /** The administration these keys sign for. */
  readonly issuer: string;
  readonly keys: readonly {
    readonly kty: "OKP";
    readonly crv: "Ed25519";
    readonly x: string;
    readonly kid: string;
    readonly use: "sig";
    readonly alg: "EdDSA";
    readonly status: "active" | "retired";
    readonly createdAt: string;
    readonly retiredAt?: string;
    /** The key stays published (and verifying) until then. */
    readonly publishedUntil?: string;
    /** Compact JWS by the previous key endorsing this one. */
    readonly rotation?: string;
  }[];
  readonly revoked: readonly {
    readonly kid: string;
    readonly x: string;
    readonly revokedAt: string;
    readonly reason?: string;
  }[];
};

export type Partner = {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly baseUrl: string;
  readonly offices: readonly string[];
  readonly scope: {
    readonly outgoing: {
      /** Seal and lock state changes with their evidence (always true). */
      readonly sealEvents: boolean;
      readonly alarms: boolean;
      /** How alarms were handled and their outcome. */
      readonly alarmResolution: boolean;
      readonly track: boolean;
      /** At most one track point per this many seconds per device (0: every fix). */
      readonly trackResolutionS: number;
      /** Goods, carrier, conveyance beyond the identifiers. */
      readonly declaration: boolean;
    };
    readonly incoming: {
      /** Seal and lock state changes with their evidence (always true). */
      readonly sealEvents: boolean;
      readonly alarms: boolean;
      /** How alarms were handled and their outcome. */
      readonly alarmResolution: boolean;
      readonly track: boolean;
      /** At most one track point per this many seconds per device (0: every fix). */
      readonly trackResolutionS: number;
      /** Goods, carrier, conveyance beyond the identifiers. */
      readonly declaration: boolean;
    };
  };
  readonly keys: readonly {
    readonly kid: string;
    readonly x: string;
    readonly status: string;
    readonly addedAt: string;
    readonly addedBy: string;
    readonly retiredAt?: string;
    readonly revokedAt?: string;
    readonly endorsedBy?: string;
  }[];
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
};

export type Handover = {
  /** The handover id the sender chose. */
  readonly id: string;
  readonly direction: "incoming" | "outgoing";
  /** The partner administration's id. */
  readonly partner: string;
  /** Our trip: the leg handed over, or the continuing leg opened here. */
  readonly tripId: string;
  /** The partner's trip. */
  readonly partnerTripId?: string;
  /** The customs office where monitoring passes. */
  readonly office: string;
  /** Outgoing: sending, receipted (the partner's receipt is stored), refused. Incoming: recognised (arms on the first closed-seal report at our office) or not-recognised (inspect and re-seal, then arm by hand). */
  readonly status: "sending" | "receipted" | "refused" | "recognised" | "not-recognised";
  /** What the receiving side decided about the seal. */
  readonly recognition?: "recognised" | "not-recognised";
  /** Why not recognised, or why refused. */
  readonly reason?: string;
  readonly refusalCode?: string;
  /** SHA-256 (hex) of the dossier file sent or received. */
  readonly dossierDigest: string;
  /** The receiving administration's signed receipt (compact JWS). */
  readonly receipt?: string;
  readonly outboxId?: number;
  readonly armedAt?: string;
  readonly actor: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export type RiskReason = {
  readonly factor:
    "alarm" | "seal" | "route" | "signal" | "transit" | "device" | "trader" | "carrier" | "random";
  /** Stable code, e.g. "alarm.unauthorized_opening", "signal.gaps". */
  readonly code: string;
  /** Points added to the score (negative: a credit). */
  readonly weight: number;
  /** The reason in an officer's words. */
  readonly text: string;
  /** The lowest channel this reason imposes. */
  readonly floor?: "green" | "yellow" | "red";
  readonly alarmId?: string;
  /** [lon, lat] where it began. */
  readonly position?: readonly number[];
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly at?: string;
};

/** The inspection at destination of one trip (docs/risk.md). */
export type Inspection = {
  readonly tripId: string;
  /** The destination office, where the decision is taken. */
  readonly office: string;
  /** live: evaluated now while the trip travels; fixed: evaluated at arrival and kept. */
  readonly state: "live" | "fixed";
  /** green: release; yellow: documentary check and seal verification; red: physical inspection. */
  readonly channel: "green" | "yellow" | "red";
  readonly recommendedDecision: "release" | "documentary_check" | "physical_inspection";
  readonly score?: number;
  /** The channel before random selection. */
  readonly riskChannel?: "green" | "yellow" | "red";
  readonly reasons?: readonly RiskReason[];
  readonly ruleSet?: {
    readonly id: string;
    readonly version: string;
  };
  readonly randomSelection?: {
    readonly share: number;
    readonly selected: boolean;
  };
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly asOf: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly arrivedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly fixedAt?: string;
  readonly decision?: {
    readonly kind: "release" | "documentary_check" | "physical_inspection";
    readonly reason?: string;
    readonly departsFromRecommendation: boolean;
    readonly by: string;
    readonly office: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
  };
  readonly outcome?: {
    readonly result: "no_irregularity" | "irregularity_found";
    readonly description?: string;
    readonly by: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
  };
  readonly released: boolean;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly releasedAt?: string;
  readonly disarm?: {
    readonly allowed: boolean;
    /** Why a disarm would be refused now. */
    readonly refusal?: string;
  };
};

export type TrainingExercise = {
  readonly id: string;
  readonly title: string;
  readonly level: "basic" | "intermediate" | "advanced";
  readonly corridor?: string;
  readonly topics: readonly string[];
  readonly briefing: {
    readonly role: string;
    readonly office: string;
    readonly text: string;
  };
  /** The exercise's trip ids. */
  readonly trips: readonly string[];
  /** How many responses are scored. */
  readonly expectedResponses: number;
};

export type TrainingSession = {
  readonly id: string;
  /** Always true: this is a training session, not live data. */
  readonly training: true;
  readonly exerciseId: string;
  readonly title: string;
  readonly briefing: {
    readonly role: string;
    readonly office: string;
    readonly text: string;
  };
  /** Exercise seconds per wall-clock second (1 to 60). */
  readonly speed: number;
  readonly state: "running" | "finished";
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly startedAt: string;
  readonly startedBy: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly finishedAt?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly exerciseStart: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly exerciseEnd: string;
  /** The session's exercise clock now (RFC 3339). */
  readonly exerciseNow: string;
  readonly trainees: readonly {
    readonly userId: string;
    readonly username: string;
  }[];
};

export type TrainingResult = {
  readonly sessionId: string;
  readonly exerciseId: string;
  readonly trainee: {
    readonly userId: string;
    readonly username: string;
  };
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly startedAt: string;
  readonly finished: boolean;
  readonly points: number;
  readonly maxPoints: number;
  readonly percent: number;
  readonly penaltyPoints: number;
  readonly items: readonly {
    readonly responseId: string;
    readonly item: "acknowledge" | "outcome" | "escalate" | "remote_unlock" | "decision";
    readonly expected: string;
    readonly actual: string | null;
    readonly verdict: "right" | "late" | "wrong" | "missed";
    readonly points: number;
    readonly maxPoints: number;
    readonly delayS?: number;
  }[];
  readonly stray: readonly {
    readonly reason: "wrong_trip" | "unexpected_alarm";
    readonly kind: string;
    readonly tripId: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
  }[];
};

export type TrainingDebrief = {
  readonly session: TrainingSession;
  readonly results: readonly TrainingResult[];
  readonly responses: readonly {
    readonly id: string;
    readonly kind: "alarm" | "arrival";
    readonly tripId: string;
    readonly alarmType?: string;
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly startedAt?: string;
    readonly acknowledgeWithinS?: number;
    readonly outcome?: "confirmed_breach" | "false_alarm" | "technical_fault";
    readonly retracted?: boolean;
    readonly escalate?: boolean;
    readonly remoteUnlock?: "refuse" | "allow";
    readonly decision?: "release" | "documentary_check" | "physical_inspection";
    readonly notes: string;
  }[];
  readonly timeline: readonly {
    /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
    readonly at: string;
    readonly note: string;
  }[];
};

/** The answer 200 of GET /api/v1/kpis. */
export type Kpis = {
  readonly generatedAt: string;
  readonly days: readonly string[];
  readonly transit: readonly {
    readonly tripId: string;
    readonly reference?: string;
    readonly origin: string;
    readonly destination: string;
    readonly armedAt: string;
    readonly endedAt: string;
    readonly transitS: number;
    readonly limitS: number;
  }[];
  readonly alarmsByDay: readonly {
    readonly day: string;
    readonly counts: {
      readonly [key: string]: number;
    };
  }[];
  readonly falseAlarms: {
    readonly resolved: number;
    readonly falseAlarms: number;
    readonly rate: number | null;
    readonly byType: {
      readonly [key: string]: {
        readonly resolved: number;
        readonly falseAlarms: number;
      };
    };
  };
  readonly acknowledge: readonly {
    readonly severity: "critical" | "high" | "medium" | "low";
    readonly targetS: number;
    readonly acknowledged: number;
    readonly withinTarget: number;
    readonly medianS: number | null;
    readonly p90S: number | null;
    readonly waiting: number;
    readonly waitingOverdue: number;
  }[];
  readonly totals: {
    readonly activeTrips: number;
    readonly openAlarms: number;
    readonly alarms: number;
  };
};

/** The answer 200 of GET /api/v1/kpis/inspections. */
export type InspectionFigures = {
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly from?: string;
  /** RFC 3339 time, e.g. 2025-06-10T08:00:00Z. */
  readonly to?: string;
  /** Trips whose recommendation was fixed at arrival in the period. */
  readonly trips: number;
  readonly byChannel: {
    readonly green: number;
    readonly yellow: number;
    readonly red: number;
  };
  readonly greenShare: number | null;
  readonly arrivalToRelease: {
    readonly green: {
      readonly released: number;
      readonly medianMin: number | null;
    };
    readonly yellow: {
      readonly released: number;
      readonly medianMin: number | null;
    };
    readonly red: {
      readonly released: number;
      readonly medianMin: number | null;
    };
  };
  readonly hitRate: {
    readonly green: {
      readonly checks: number;
      readonly irregularities: number;
      readonly rate: number | null;
    };
    readonly yellow: {
      readonly checks: number;
      readonly irregularities: number;
      readonly rate: number | null;
    };
    readonly red: {
      readonly checks: number;
      readonly irregularities: number;
      readonly rate: number | null;
    };
    readonly random: {
      readonly checks: number;
      readonly irregularities: number;
      readonly rate: number | null;
    };
  };
  readonly falseAlarms: {
    readonly [key: string]: {
      readonly resolved: number;
      readonly falseAlarms: number;
      readonly rate: number;
    };
  };
  readonly physicalInspections: number;
  readonly inspectionsAvoided: number;
  /** inspectionsAvoided × the configured inspectionHours */
  readonly hoursSaved: number;
};

/** The answer 200 of GET /api/v1/dashboard/config. */
export type DashboardConfig = {
  readonly tileStyleUrl?: string;
  readonly ackTargetsS: {
    readonly critical: number;
    readonly high: number;
    readonly medium: number;
    readonly low: number;
  };
  readonly serverTime: string;
};
