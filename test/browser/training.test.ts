/**
 * Training in the dashboard, in real Chromium against the demo server: a supervisor starts a session
 * of the roadside-opening exercise for the operator; the operator opens it under its TRAINING banner,
 * acknowledges, escalates and resolves both alarms, refuses the remote unlock and decides at arrival;
 * once the session is finished both see the scored debrief (100 %). The live alarm queue never shows
 * the exercise's alarms.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chromiumMissing, launchChromium, type LaunchedBrowser } from "../../bench/support/chromium.js";
import { login, newPage, screenshot, startTestDemo, type TestDemo } from "./support/harness.js";

const skip = chromiumMissing();

describe("training in the dashboard", { skip }, () => {
  let t: TestDemo;
  let browser: LaunchedBrowser;
  let sessionId: string;

  before(async () => {
    t = await startTestDemo({ seed: 5, vehicles: 0 });
    browser = await launchChromium();
    // Speed 1 from just after the arrival: both alarms are waiting, the trip is at Nong Khai.
    const session = await t.client("supervisor").post<{ id: string }>("/training/sessions", {
      exerciseId: "th-02-roadside-opening",
      speed: 1,
      trainees: ["operator"],
      beginAt: "2025-06-12T13:56:00Z",
    });
    sessionId = session.id;
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  const page = () => newPage(browser);

  it("a trainee works the exercise in the browser and both see the scored debrief", async () => {
    const p = await page();
    await login(p, t.demo.url, t.user("operator"));
    await p.goto(`${t.demo.url}/#/training/${sessionId}`);
    await p.getByRole("note").filter({ hasText: "TRAINING" }).waitFor();
    const row = (type: string) => p.locator(`tr[data-alarm-type="${type}"]`);
    for (const type of ["tamper", "unauthorized_opening"]) {
      await row(type).getByRole("button", { name: "Acknowledge" }).click();
      await row(type).getByRole("button", { name: "confirmed breach" }).waitFor();
      await row(type).getByRole("button", { name: "Escalate" }).click();
      if (type === "unauthorized_opening")
        await row(type).getByRole("button", { name: "Refuse unlock" }).click();
      await row(type).getByRole("button", { name: "confirmed breach" }).click();
      await row(type).locator("td", { hasText: "resolved · confirmed_breach" }).waitFor();
    }
    await p
      .locator('li[data-trip="TH-2506-4101"]')
      .getByRole("button", { name: "physical inspection" })
      .click();
    await screenshot(p, "training-trainee");

    await t.client("supervisor").post(`/training/sessions/${sessionId}/finish`, {});
    await p.getByRole("button", { name: "Refresh" }).click();
    await p.locator(".training-result .score", { hasText: "100 %" }).waitFor();
    await screenshot(p, "training-debrief");

    // The instructor's view of the same debrief.
    const instructor = await page();
    await instructor.goto(`${t.demo.url}/#/login`);
    await instructor.getByLabel("Username").fill("instructor");
    await instructor.getByLabel("Password").fill(t.user("instructor").password);
    await instructor.getByRole("button", { name: "Log in" }).click();
    await instructor.getByRole("link", { name: /roadside/ }).click();
    await instructor
      .locator(".training-result", { hasText: "operator" })
      .locator(".score", { hasText: "100 %" })
      .waitFor();
    // An instructor has no live fleet: no live stream, and no connection status that never settles.
    assert.equal(await instructor.locator(".live-status").count(), 0);

    // Nothing of the exercise reached the live alarm queue.
    const live = await t
      .client("supervisor")
      .call<{ items: { tripId: string }[] }>("GET", "/alarms?limit=500");
    assert.ok(live.items.every((a) => a.tripId !== "TH-2506-4101"));
  });
});
