/**
 * The dashboard in real Chromium against a real Sealwatch (the demo on a temporary folder, with a
 * simulated fleet talking over the device protocols): an officer sees conveyances on the map, an
 * alarm arrives live, the officer acknowledges and resolves it and the audit log shows it; a trader
 * sees their own company's trips and cannot open another company's. Screenshots of every view go to
 * test-output/browser/.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { Page } from "playwright-core";
import { chromiumMissing, launchChromium, type LaunchedBrowser } from "../../bench/support/chromium.js";
import { ApiCallError } from "../../src/sim/api-client.js";
import { go, login, screenshot, startTestDemo, type TestDemo } from "./support/harness.js";
import { OwnConveyance, reading } from "./support/own-conveyance.js";

const skip = chromiumMissing();
/** Extra seconds for the simulated fleet to run before the screenshots (richer pictures for docs/). */
const WARMUP_S = Number(process.env.SEALWATCH_SCREENSHOT_WARMUP_S ?? "0");
const DEVICE = "ELK-E2E-0001";

interface PageGlobals {
  readonly __sealwatchStore?: {
    readonly conveyances: Map<string, { lon?: number; companyId?: string; tripId: string }>;
  };
  readonly __sealwatchMap?: { queryRenderedFeatures(options: { layers: string[] }): unknown[] };
}

interface AlertGlobals {
  readonly __alerts: { shown: { title: string; tag?: string; body?: string }[]; tones: number };
}

/**
 * Runs in the page: records each Notification the dashboard creates (still the browser's own, which
 * shows it) and each tone it starts.
 */
function recordAlerts(): void {
  type Options = { tag?: string; body?: string };
  const g = globalThis as unknown as {
    Notification: new (title: string, options?: Options) => object;
    AudioContext: { prototype: { createOscillator: (this: unknown) => unknown } };
    __alerts: AlertGlobals["__alerts"];
  };
  const alerts: AlertGlobals["__alerts"] = { shown: [], tones: 0 };
  g.__alerts = alerts;
  const Real = g.Notification;
  g.Notification = class extends Real {
    constructor(title: string, options?: Options) {
      super(title, options);
      alerts.shown.push({
        title,
        ...(options?.tag === undefined ? {} : { tag: options.tag }),
        ...(options?.body === undefined ? {} : { body: options.body }),
      });
    }
  };
  const create = g.AudioContext.prototype.createOscillator;
  g.AudioContext.prototype.createOscillator = function (this: unknown) {
    alerts.tones++;
    return create.call(this);
  };
}

describe("dashboard journeys in Chromium", { skip }, () => {
  let t: TestDemo;
  let browser: LaunchedBrowser;
  let own: OwnConveyance;
  const tripId = `E2E-${Date.now().toString(36)}`;

  before(async () => {
    t = await startTestDemo({ seed: 11, vehicles: 24 });
    browser = await launchChromium();
    // A conveyance of our own on the Thai corridor, whose alarm the test causes when it wants.
    own = new OwnConveyance(t, tripId, DEVICE, "7019990001");
    await own.start("71-E2E1");
    if (WARMUP_S > 0) await sleep(WARMUP_S * 1000);
  });

  after(async () => {
    own?.stop();
    await browser?.close();
    await t?.stop();
  });

  async function page(): Promise<Page> {
    const p = await browser.context.newPage();
    p.on("pageerror", (error) => process.stderr.write(`page error: ${error.message}\n`));
    return p;
  }

  it("an officer sees conveyances on the map, handles a live alarm, and the audit log shows it", async () => {
    const officer = t.user("officer-th-lcb");
    const p = await page();
    await login(p, t.demo.url, officer);
    await go(p, "#/control");
    await p.getByRole("heading", { name: "Alarm queue" }).waitFor();

    // Our conveyance is in the live picture and the map draws conveyances.
    await p.waitForFunction(
      (device) => {
        const w = globalThis as unknown as PageGlobals;
        const mine = w.__sealwatchStore?.conveyances.get(device);
        const drawn =
          w.__sealwatchMap?.queryRenderedFeatures({ layers: ["fleet-points", "fleet-clusters"] }).length ?? 0;
        return mine?.lon !== undefined && drawn > 0;
      },
      DEVICE,
      { timeout: 30_000 },
    );
    await screenshot(p, "control-room");

    // The officer turns on alerts for critical alarms (the browser asks for permission on the click).
    await browser.context.grantPermissions(["notifications"], { origin: t.demo.url });
    await p.evaluate(recordAlerts);
    await p.getByRole("button", { name: "Turn on critical alerts" }).click();
    await p.getByRole("button", { name: "Critical alerts on" }).waitFor();

    // The lock's rope is cut: the alarm reaches the open page over the live stream.
    await own.send(reading(0.06, { tamper: true }));
    const card = p.locator(`li.alarm[data-trip-id="${tripId}"]`, { hasText: "Tamper" }).first();
    await card.waitFor({ timeout: 60_000 });
    assert.match((await card.textContent()) ?? "", /Tamper/);
    const alarmId = await card.getAttribute("data-alarm-id");
    assert.ok(alarmId);
    // The card says why, in the evidence's words.
    const { evidence } = (
      await t.client("supervisor").get<{ alarm: { evidence?: { reason: string } } }>(`/alarms/${alarmId}`)
    ).alarm;
    assert.ok(evidence !== undefined && evidence.reason !== "", "the alarm carries its evidence");
    assert.equal((await card.locator(".evidence-line").textContent())?.trim(), evidence.reason);
    await screenshot(p, "control-room-alarm");
    // The browser showed a notification for it, tagged with the alarm, and the alert sounded.
    await p.waitForFunction(
      (id) => (globalThis as unknown as AlertGlobals).__alerts.shown.some((n) => n.tag === id),
      alarmId,
    );
    const alerts = await p.evaluate(() => (globalThis as unknown as AlertGlobals).__alerts);
    const shown = alerts.shown.find((n) => n.tag === alarmId)!;
    assert.equal(shown.title, "Critical alarm: Tamper");
    assert.equal(shown.body, `Trip ${tripId}`);
    assert.ok(alerts.tones >= 3, `tones: ${alerts.tones}`);

    await card.getByRole("button", { name: "Acknowledge" }).click();
    await card.locator(".workflow", { hasText: "acknowledged" }).waitFor();
    await card.getByRole("button", { name: "Resolve…" }).click();
    await card.getByLabel("Outcome").selectOption("confirmed_breach");
    await card
      .getByLabel("Notes")
      .fill("Rope cut at a fuel stop; seal replaced and cargo checked by the mobile unit.");
    await card.getByRole("button", { name: "Confirm resolution" }).click();
    // A resolved alarm leaves the queue.
    await p.locator(`li.alarm[data-alarm-id="${alarmId}"]`).waitFor({ state: "detached", timeout: 10_000 });

    // The audit chain has both actions, by the officer.
    const audit = await t
      .client("supervisor")
      .get<{ items: { action: string; actor: string }[] }>(`/audit?subjectType=alarm&subjectId=${alarmId}`);
    const actions = audit.items.map((r) => `${r.action} ${r.actor}`);
    assert.ok(actions.includes("alarm.acknowledge user:officer-th-lcb"), actions.join(", "));
    assert.ok(actions.includes("alarm.resolve user:officer-th-lcb"), actions.join(", "));

    // The trip view's timeline (from the audit chain) tells them in sentences, with the officer's name.
    await go(p, `#/trips/${tripId}`);
    await p.getByRole("heading", { name: `Trip ${tripId}` }).waitFor();
    const name = officer.displayName;
    await p
      .locator(".tl-text", { hasText: `${name} acknowledged the Tamper alarm.` })
      .waitFor({ timeout: 10_000 });
    await p
      .locator(".tl-text", { hasText: `${name} resolved the Tamper alarm: Confirmed breach.` })
      .waitFor();
    await p.waitForTimeout(1500);
    await screenshot(p, "trip-view");

    // The conveyance arrives; the destination's officer disarms it (a transit for the KPIs).
    await own.arrive();
    const nki = t.client("officer-th-nki");
    // The confirmed breach makes the channel red: the disarm waits for the inspection decision.
    for (let attempt = 0; ; attempt++) {
      try {
        await nki.post(`/trips/${tripId}/inspection/decision`, { decision: "physical_inspection" });
        break;
      } catch (error) {
        if (!(error instanceof ApiCallError) || error.code !== "DECISION_REFUSED" || attempt > 10)
          throw error;
        await sleep(500);
      }
    }
    await nki.post(`/trips/${tripId}/disarm`, {});

    await go(p, "#/office/TH-LCB");
    await p.getByRole("heading", { name: "Departing" }).waitFor();
    await p.locator(`tr[data-trip-id="${tripId}"]`).first().waitFor();
    await screenshot(p, "office-view");
    await p.close();

    // The supervisor's audit log view lists the officer's actions.
    const sp = await page();
    await login(sp, t.demo.url, t.user("supervisor"));
    await go(sp, "#/audit");
    await sp.locator('tr[data-action="alarm.resolve"]').first().waitFor({ timeout: 10_000 });
    await sp.getByText("Chain verified").waitFor();
    await screenshot(sp, "audit-log");
    await go(sp, "#/kpis");
    await sp.getByRole("heading", { name: "Transit times against their limits" }).waitFor();
    await sp.getByRole("heading", { name: "Time to acknowledge" }).waitFor();
    await sp.locator(".chart-summary", { hasText: "completed trips" }).waitFor({ timeout: 10_000 });
    await screenshot(sp, "kpis");
    await go(sp, "#/control");
    await sp.getByRole("heading", { name: "Alarm queue" }).waitFor();
    await sp.waitForTimeout(2500);
    await screenshot(sp, "control-room-all");
    await sp.close();
  });

  it("a trader sees their company's trips and cannot open another company's", async () => {
    const admin = t.client("admin");
    const trader = t.user("trader-northwind");
    const p = await page();
    await login(p, t.demo.url, trader);
    await p.getByRole("heading", { name: /Shipments of northwind-trading/ }).waitFor();
    await p.locator(`tr[data-trip-id="${tripId}"]`).waitFor({ timeout: 20_000 });
    await p.waitForTimeout(2000);
    const shown: string[] = [];
    for (const row of await p.locator("table.trips tr[data-trip-id]").all())
      shown.push((await row.getAttribute("data-trip-id")) ?? "");
    assert.ok(shown.length > 0);
    for (const id of shown) {
      const trip = await admin.get<{ companyId?: string }>(`/trips/${id}`);
      assert.equal(trip.companyId, "northwind-trading", `${id} belongs to ${trip.companyId}`);
    }
    const live = await p.evaluate(() =>
      [...((globalThis as unknown as PageGlobals).__sealwatchStore?.conveyances.values() ?? [])].map(
        (c) => c.companyId ?? "",
      ),
    );
    for (const company of live) assert.equal(company, "northwind-trading");
    await screenshot(p, "trader-portal");

    // Another company's trip: not in the list, not through the API (404), not in the trip view.
    const other = (await admin.get<{ items: { id: string }[] }>("/trips?companyId=lotus-logistics&limit=5"))
      .items[0];
    assert.ok(other, "the demo has trips of the other company");
    assert.ok(!shown.includes(other.id));
    await assert.rejects(
      t.client("trader-northwind").get(`/trips/${other.id}`),
      (error: unknown) => error instanceof ApiCallError && error.status === 404,
    );
    await go(p, `#/trips/${other.id}`);
    await p.getByText("No such trip (or it is not yours to see).").waitFor();
    await p.close();
  });
});
