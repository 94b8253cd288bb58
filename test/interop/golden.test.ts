/**
 * Golden files of every export format from the public scenarios: each scenario is replayed into a
 * store (the trip given containers, seals and office codes, its alarms resolved), the trip is
 * exported in EPCIS, DCSA, NCTS (JSON and XML) and EAEU form and compared with
 * test/fixtures/interop/ (SEALWATCH_UPDATE_GOLDEN=1 writes them). Every document also passes its
 * check: EPCIS the bundled official schema, DCSA and NCTS the rules written from the published
 * definitions. And the EPCIS export, captured back, gives the same seal states.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import { checkDcsaEvent } from "../../src/interop/dcsa-checks.js";
import { EXPORT_FORMATS, exportTrip, type ExportIdentity } from "../../src/interop/export.js";
import { checkNctsIncidents } from "../../src/interop/ncts-checks.js";
import type { NctsIncidentDocument } from "../../src/interop/ncts-out.js";
import { captureEpcis } from "../../src/protocols/epcis/capture.js";
import { validateEpcisDocument } from "../../src/protocols/epcis/validate.js";
import { parseScenario, type Scenario } from "../../src/scenario/scenario.js";
import { registerScenario, replayIntoStore } from "../../src/scenario/stored-replay.js";
import type { AlarmOutcome, AlarmRecord } from "../../src/store/ports.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "../support/cli.js";
import { fixturePath, readJson } from "../support/fixtures.js";

const SCENARIOS = [
  "th-tamper-and-opening.json",
  "hk-itfs-route-deviation-returns.json",
  "ke-overdue-and-low-battery.json",
  "sk-semi-active-wagon-seal.json",
  "th-clean-transit.json",
];
/** Office codes and UN/LOCODEs given to the scenarios' office zones. */
const OFFICES: Readonly<Record<string, { officeCode: string; unLocode: string }>> = {
  "TH-LCB": { officeCode: "TH000101", unLocode: "THLCH" },
  "TH-NKI": { officeCode: "TH000202", unLocode: "THNKI" },
  "HK-ACT": { officeCode: "HK000001", unLocode: "HKHKG" },
  "HK-LMC": { officeCode: "HK000002", unLocode: "HKLMC" },
};
const CONTAINERS = ["CSQU3054383", "APZU4812090"];
const NOW_MS = Date.UTC(2025, 6, 1);
const IDENTITY: ExportIdentity = { id: "TH-CUSTOMS", name: "Thai Customs Department", country: "TH" };
const SEAL_ALARMS = new Set(["tamper", "unauthorized_opening", "seal_mismatch"]);
const DEVIATIONS = new Set(["route_deviation", "restricted_zone", "unexpected_checkpoint"]);
const update = process.env.SEALWATCH_UPDATE_GOLDEN === "1";

const root = mkdtempSync(join(tmpdir(), "sealwatch-golden-"));
const stores: SqliteStore[] = [];
let opened = 0;
after(async () => {
  for (const store of stores) await store.close();
  rmSync(root, { recursive: true, force: true });
});

/** The scenario replayed into a fresh store, its trips declared with containers and seals, alarms resolved. */
async function replayed(file: string): Promise<{ store: SqliteStore; scenario: Scenario }> {
  const scenario = parseScenario(readJson(fixturePath("scenarios", file)));
  const store = await SqliteStore.open(join(root, `${basename(file, ".json")}-${++opened}.db`));
  stores.push(store);
  for (const zone of scenario.zones)
    await store.zones.put({ ...zone, ...OFFICES[zone.id], createdAtMs: 0, updatedAtMs: 0 });
  for (const device of scenario.devices)
    await store.devices.put({
      id: device.id,
      class: device.class,
      vendor: "scenario",
      model: "scenario",
      protocol: "scenario",
      identifiers: [device.id, `urn:epc:id:giai:4000001.${device.id}`],
      ...(device.reportIntervalS === undefined ? {} : { reportIntervalS: device.reportIntervalS }),
      lifecycle: "in_use",
      createdAtMs: 0,
      updatedAtMs: 0,
    });
  for (const [i, trip] of scenario.trips.entries()) {
    const { seals, ...spec } = trip;
    await store.trips.insert({
      ...spec,
      declaration: {
        containers: [CONTAINERS[i % CONTAINERS.length]!],
        seals: seals ?? [`SW${String(i + 1).padStart(6, "0")}`],
      },
      state: "declared",
      createdAtMs: 0,
      updatedAtMs: 0,
    });
  }
  await registerScenario(scenario, store, 0);
  await replayIntoStore(scenario, store);
  // The control room's verdicts: seal alarms and deviations confirmed, the rest technical faults.
  for (const trip of scenario.trips)
    for (const alarm of await store.alarms.forTrip(trip.id)) {
      if (alarm.retracted) continue;
      await resolve(
        store,
        alarm,
        SEAL_ALARMS.has(alarm.type) || DEVIATIONS.has(alarm.type) ? "confirmed_breach" : "technical_fault",
      );
    }
  return { store, scenario };
}

async function resolve(store: SqliteStore, alarm: AlarmRecord, outcome: AlarmOutcome): Promise<void> {
  const atMs = alarm.startedAtMs + 600_000;
  await store.alarms.act(
    {
      id: `${alarm.id}-resolve`,
      alarmId: alarm.id,
      action: "resolve",
      actor: "user:officer",
      atMs,
      details: { outcome },
    },
    { workflow: "resolved", outcome, resolvedAtMs: atMs },
  );
  await store.audit.append({
    atMs,
    actor: "user:officer",
    action: "alarm.resolve",
    subjectType: "alarm",
    subjectId: alarm.id,
    details: { outcome, notes: "verified at the scene", tripId: alarm.trip },
  });
}

function golden(name: string, text: string): void {
  const path = fixturePath("interop", name);
  if (update || !existsSync(path)) {
    if (!update) assert.fail(`${path} is missing; run the tests with SEALWATCH_UPDATE_GOLDEN=1 to write it`);
    mkdirSync(fixturePath("interop"), { recursive: true });
    writeFileSync(path, text);
    return;
  }
  assert.equal(text, readFileSync(path, "utf8"), `${name} differs from its golden file`);
}

describe("exports of the public scenarios", () => {
  for (const file of SCENARIOS) {
    it(`${file}: every format matches its golden file and passes its check`, async () => {
      const { store, scenario } = await replayed(file);
      for (const trip of scenario.trips) {
        const record = (await store.trips.get(trip.id))!;
        const name = basename(file, ".json");
        for (const format of EXPORT_FORMATS) {
          const exported = await exportTrip(store, record, { format, nowMs: NOW_MS, identity: IDENTITY });
          golden(`${name}.${trip.id}.${format}.json`, exported.text);
          const value = JSON.parse(exported.text) as unknown;
          if (format === "epcis") {
            const result = validateEpcisDocument(value);
            assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
          }
          if (format === "dcsa") assert.deepEqual((value as unknown[]).flatMap(checkDcsaEvent), []);
          if (format === "ncts") assert.deepEqual(checkNctsIncidents(value as NctsIncidentDocument), []);
          if (format === "eaeu")
            for (const alarm of (value as { alarms: { eaeuCode: string }[] }).alarms)
              assert.match(alarm.eaeuCode, /^0[1-7]$/);
        }
        const xml = await exportTrip(store, record, {
          format: "ncts",
          xml: true,
          nowMs: NOW_MS,
          identity: IDENTITY,
        });
        golden(`${name}.${trip.id}.ncts.xml`, xml.text);
      }
    });
  }

  it("th-tamper-and-opening: the incidents are code 2 with the seals and the GNSS position", async () => {
    const { store } = await replayed("th-tamper-and-opening.json");
    const trip = (await store.trips.list())[0]!;
    const exported = await exportTrip(store, trip, { format: "ncts", nowMs: NOW_MS, identity: IDENTITY });
    const document = JSON.parse(exported.text) as NctsIncidentDocument;
    assert.deepEqual(
      document.Consignment.Incident.map((i) => [
        i.code,
        i.Location.qualifierOfIdentification,
        i.TransportEquipment[0]!.containerIdentificationNumber,
      ]),
      [
        ["2", "W", "CSQU3054383"],
        ["2", "W", "CSQU3054383"],
      ],
    );
  });

  it("round trip: the EPCIS export, captured back, gives the same seal states", async () => {
    for (const file of [
      "th-tamper-and-opening.json",
      "th-clean-transit.json",
      "sk-semi-active-wagon-seal.json",
    ]) {
      const { store, scenario } = await replayed(file);
      for (const trip of scenario.trips) {
        const record = (await store.trips.get(trip.id))!;
        const exported = await exportTrip(store, record, {
          format: "epcis",
          nowMs: NOW_MS,
          identity: IDENTITY,
        });
        const devices = new Map<string, { deviceId: string; class: "active" | "semi-active" | "passive" }>();
        for (const id of record.devices) {
          const device = (await store.devices.get(id))!;
          for (const identifier of device.identifiers)
            devices.set(identifier, {
              deviceId: id,
              class: device.class === "passive" ? "active" : device.class,
            });
        }
        const captured = captureEpcis(exported.text, {
          lookupDevice: (id) => devices.get(id),
          resolveOffice: () => undefined,
        });
        assert.equal(captured.kind, "accepted");
        if (captured.kind !== "accepted") return;
        const events = (JSON.parse(exported.text) as { epcisBody: { eventList: Record<string, unknown>[] } })
          .epcisBody.eventList;
        const expected = events
          .filter((e) => e.errorDeclaration === undefined)
          .map((e) => ({
            atMs: Date.parse(e.eventTime as string),
            seal:
              e.disposition === "container_closed"
                ? "closed"
                : e.disposition === "container_open"
                  ? "open"
                  : undefined,
            tamper: JSON.stringify(e.sensorElementList ?? []).includes("ALARM_CONDITION"),
          }))
          .filter((e) => e.seal !== undefined || e.tamper);
        assert.ok(expected.length >= 2, `${file}: seal facts exported`);
        for (const fact of expected) {
          const reading = captured.readings.find(
            (r) =>
              r.atMs === fact.atMs &&
              (fact.seal === undefined || r.seal === fact.seal) &&
              (r.tamper === true) === fact.tamper,
          );
          assert.ok(reading !== undefined, `${file}: ${JSON.stringify(fact)} read back`);
        }
      }
    }
  });

  it("sealwatch export: the same document on stdout or in a file; bad arguments refused by name", async () => {
    const { store, scenario } = await replayed("hk-itfs-route-deviation-returns.json");
    const tripId = scenario.trips[0]!.id;
    const db = store.location;
    const strip = (text: string): unknown => ({ ...(JSON.parse(text) as object), creationDate: undefined });
    const api = await exportTrip(store, (await store.trips.get(tripId))!, {
      format: "epcis",
      nowMs: NOW_MS,
      identity: IDENTITY,
    });
    const run = await runCli([
      "export",
      tripId,
      "--format",
      "epcis",
      "--db",
      db,
      "--authority",
      IDENTITY.name,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as { sender?: string };
    assert.deepEqual(
      { ...printed, sender: undefined, creationDate: undefined },
      { ...(strip(api.text) as object), sender: undefined },
    );
    const out = join(root, "out.xml");
    const toFile = await runCli([
      "export",
      tripId,
      "--format",
      "ncts",
      "--xml",
      "--out",
      out,
      "--db",
      db,
      "--authority",
      IDENTITY.name,
      "--country",
      "TH",
    ]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.match(toFile.stderr, /1 incidents of trip .* written to/);
    assert.match(readFileSync(out, "utf8"), /<code>1<\/code>/);
    const period = await runCli([
      "export",
      tripId,
      "--format",
      "eaeu",
      "--db",
      db,
      "--to",
      "2000-01-01T00:00:00Z",
    ]);
    assert.equal(period.code, 0, period.stderr);
    assert.deepEqual(
      (JSON.parse(period.stdout) as { alarms: unknown[] }).alarms,
      [],
      "nothing before the trip",
    );
    for (const [args, message] of [
      [
        ["export", tripId, "--format", "xls", "--db", db],
        /--format "xls" is not one of epcis, dcsa, ncts, eaeu/,
      ],
      [["export", tripId, "--db", db], /--format is required/],
      [["export", "--format", "epcis", "--db", db], /name the trip/],
      [["export", tripId, "--format", "epcis", "--xml", "--db", db], /--xml goes with --format ncts/],
      [
        ["export", tripId, "--format", "epcis", "--from", "yesterday", "--db", db],
        /--from "yesterday" is not an RFC 3339 time/,
      ],
      [["export", "NO-SUCH-TRIP", "--format", "epcis", "--db", db], /trip "NO-SUCH-TRIP" not found/],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
