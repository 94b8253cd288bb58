/**
 * The risk evaluator: a trip's record and history + a rule set → an inspection channel (green:
 * release; yellow: documentary check and seal verification; red: physical inspection), a score and
 * every reason that contributed, with its points, in words an officer reads at the counter.
 *
 * Pure and deterministic: the same record and rule set give the same recommendation (the random
 * selection is a draw carried in the record, seeded outside). Monotone where it should be: every
 * alarm adds points and never lifts a floor, so adding a confirmed breach never lowers the channel.
 * A host evaluates while the trip travels (asOf = now) and once more, fixed, at arrival.
 */
import { alarmReasons } from "./alarm-reasons.js";
import { median, signalGaps, TripMeasures } from "./measures.js";
import type { Recommendation, RiskCompany, RiskReason, RiskRecord } from "./record.js";
import { maxChannel, type Channel, type RiskRuleSet } from "./rule-set.js";
import { distanceWords, durationWords, points, positionWords } from "./words.js";

export function evaluateRisk(record: RiskRecord, rules: RiskRuleSet): Recommendation {
  const m = new TripMeasures(record);
  const reasons = [
    ...alarmReasons(record, rules, m),
    ...routeReasons(record, rules, m),
    ...signalReasons(record, rules, m),
    ...sealReasons(record, rules),
    ...transitReasons(record, rules),
    ...deviceReasons(record, rules),
    ...companyReasons(record, rules),
  ].filter((r) => r.weight !== 0 || r.floor !== undefined);
  const score = points(
    Math.max(
      0,
      reasons.reduce((sum, r) => sum + r.weight, 0),
    ),
  );
  let riskChannel: Channel =
    score >= rules.channels.redFromScore
      ? "red"
      : score >= rules.channels.yellowFromScore
        ? "yellow"
        : "green";
  for (const reason of reasons)
    if (reason.floor !== undefined) riskChannel = maxChannel(riskChannel, reason.floor);
  const share = rules.randomSelection.share;
  const selected = riskChannel === "green" && record.randomDraw < share;
  const channel = selected ? rules.randomSelection.channel : riskChannel;
  if (selected)
    reasons.push({
      factor: "random",
      code: "random.selection",
      weight: 0,
      text: `selected at random for a ${channel === "red" ? "physical inspection" : "documentary check"} (${points(share * 100)} % of trips that would be green)`,
    });
  return {
    channel,
    score,
    riskChannel,
    reasons,
    ruleSet: { id: rules.id, version: rules.version },
    random: { share, draw: record.randomDraw, selected },
    asOfMs: record.asOfMs,
  };
}

function routeReasons(record: RiskRecord, rules: RiskRuleSet, m: TripMeasures): RiskReason[] {
  const covered = record.alarms
    .filter((a) => a.type === "route_deviation" && !a.retracted)
    .map((a) => [a.startedAtMs, a.clearedAtMs ?? record.asOfMs] as const);
  const off = m.offCorridorOutside(record.trip.corridorM, covered);
  if (off.ms <= 0) return [];
  return [
    {
      factor: "route",
      code: "route.off_corridor",
      weight: points(Math.min(rules.route.max, rules.route.perMinuteOffCorridor * (off.ms / 60_000))),
      text: `off the corridor for ${durationWords(off.ms)} in all without an alarm, up to ${distanceWords(off.maxM)} from the route`,
    },
  ];
}

function signalReasons(record: RiskRecord, rules: RiskRuleSet, m: TripMeasures): RiskReason[] {
  const armedAtMs = record.trip.armedAtMs;
  if (armedAtMs === undefined) return [];
  const reasons: RiskReason[] = [];
  for (const device of record.devices) {
    const gaps = signalGaps(device, record.readings, armedAtMs, record.asOfMs, rules.signal.gapFactor);
    if (gaps === undefined) continue;
    const position = m.positionAt(gaps.longestFromMs, device.id);
    const where = position === undefined ? "" : ` from ${positionWords(position)}`;
    reasons.push({
      factor: "signal",
      code: "signal.gaps",
      weight: points(Math.min(rules.signal.max, rules.signal.perGapMinute * (gaps.totalMs / 60_000))),
      text:
        `no signal from ${device.id} for ${durationWords(gaps.totalMs)}` +
        (gaps.count === 1
          ? `${where}`
          : ` in ${gaps.count} gaps, longest gap ${durationWords(gaps.longestMs)}${where}`),
      ...(position === undefined ? {} : { position }),
      atMs: gaps.longestFromMs,
    });
  }
  return reasons;
}

function sealReasons(record: RiskRecord, rules: RiskRuleSet): RiskReason[] {
  const reasons: RiskReason[] = [];
  const arrivedAtMs = record.trip.arrivedAtMs;
  for (const device of record.devices) {
    const own = record.readings.filter((r) => r.deviceId === device.id);
    if (arrivedAtMs !== undefined) {
      const last = own.filter((r) => r.seal !== undefined && r.atMs <= arrivedAtMs).at(-1);
      if (last?.seal === "open")
        reasons.push({
          factor: "seal",
          code: "seal.open_at_arrival",
          weight: rules.seal.notClosedAtArrival,
          text: `seal of ${device.id} reported open at arrival (last report ${durationWords(arrivedAtMs - last.atMs)} before)`,
          atMs: last.atMs,
        });
    }
    for (const read of own.filter((r) => r.kind === "read" && r.readStatus === "broken"))
      reasons.push({
        factor: "seal",
        code: "seal.broken_read",
        weight: rules.seal.brokenAtCheckpoint,
        text: `seal ${device.id} read broken${read.office === undefined ? "" : ` at ${read.office}`}`,
        atMs: read.atMs,
      });
  }
  return reasons;
}

function transitReasons(record: RiskRecord, rules: RiskRuleSet): RiskReason[] {
  const { armedAtMs, arrivedAtMs } = record.trip;
  const past = record.history.corridorTransitsMs;
  if (armedAtMs === undefined || past.length < rules.transit.usualFromTrips) return [];
  const usualMs = median(past);
  const transitMs = (arrivedAtMs ?? record.asOfMs) - armedAtMs;
  if (usualMs <= 0 || transitMs <= rules.transit.slowerThanUsualRatio * usualMs) return [];
  return [
    {
      factor: "transit",
      code: "transit.slow",
      weight: rules.transit.slowerThanUsual,
      text:
        `${arrivedAtMs === undefined ? "under way for" : "transit took"} ${durationWords(transitMs)}, ` +
        `${(transitMs / usualMs).toFixed(1)} × the corridor's usual ${durationWords(usualMs)} (${past.length} trips)`,
    },
  ];
}

function deviceReasons(record: RiskRecord, rules: RiskRuleSet): RiskReason[] {
  const reasons: RiskReason[] = [];
  const rule = rules.device;
  for (const device of record.devices) {
    const batteries = record.readings
      .filter((r) => r.deviceId === device.id && r.batteryPct !== undefined)
      .map((r) => r.batteryPct!);
    const lowest = batteries.length === 0 ? undefined : Math.min(...batteries);
    if (lowest !== undefined && lowest <= rule.lowBatteryPct)
      reasons.push({
        factor: "device",
        code: "device.battery",
        weight: rule.lowBattery,
        text: `battery of ${device.id} down to ${lowest} %`,
      });
    const tampers = record.history.devicePastTamperAlarms[device.id] ?? 0;
    if (tampers > 0)
      reasons.push({
        factor: "device",
        code: "device.tamper_history",
        weight: points(Math.min(rule.pastTamperMax, rule.perPastTamperAlarm * tampers)),
        text: `${device.id} raised ${tampers} tamper alarm${tampers === 1 ? "" : "s"} on past trips`,
      });
  }
  return reasons;
}

function companyReasons(record: RiskRecord, rules: RiskRuleSet): RiskReason[] {
  const { trader, carrier } = record.history;
  const rule = rules.companies;
  const reasons: RiskReason[] = [];
  const seen = new Set<string>();
  for (const [factor, company] of [
    ["trader", trader],
    ["carrier", carrier],
  ] as const) {
    if (company === undefined || seen.has(company.id)) continue;
    seen.add(company.id);
    reasons.push(...oneCompany(factor, company, rule));
  }
  return reasons;
}

function oneCompany(
  factor: "trader" | "carrier",
  company: RiskCompany,
  rule: RiskRuleSet["companies"],
): RiskReason[] {
  const reasons: RiskReason[] = [];
  const who = `${factor} ${company.name}`;
  if (company.confirmedIncidents > 0)
    reasons.push({
      factor,
      code: `${factor}.incidents`,
      weight: points(Math.min(rule.incidentsMax, rule.perConfirmedIncident * company.confirmedIncidents)),
      text: `${who}: ${company.confirmedIncidents} confirmed incident${company.confirmedIncidents === 1 ? "" : "s"} in ${company.pastTrips} past trips`,
    });
  if (company.pastTrips < rule.newCompanyBelowTrips)
    reasons.push({
      factor,
      code: `${factor}.new`,
      weight: rule.newCompany,
      text: `${who}: little record (${company.pastTrips} past trip${company.pastTrips === 1 ? "" : "s"})`,
    });
  if (company.aeo !== undefined)
    reasons.push({
      factor,
      code: `${factor}.aeo`,
      weight: rule.aeo,
      text: `${who} is an authorised economic operator (${company.aeo})`,
    });
  return reasons;
}
