/**
 * The dashboard under its Content-Security-Policy, in real Chromium against the demo: every view
 * (the control room with its map, a trip, an office, the KPIs, the audit log, the trader's portal)
 * works, the map's worker runs and draws, and the browser reports no violation of the policy. A
 * page of another origin cannot frame the dashboard.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chromiumMissing, launchChromium, type LaunchedBrowser } from "../../bench/support/chromium.js";
import { login, startTestDemo, type TestDemo } from "./support/harness.js";

const skip = chromiumMissing();

interface Violation {
  readonly directive: string;
  readonly blocked: string;
  readonly source: string;
}

interface PageGlobals {
  __cspViolations?: Violation[];
  readonly __sealwatchMap?: {
    loaded(): boolean;
    queryRenderedFeatures(options: { layers: string[] }): unknown[];
  };
}

/**
 * Waits until the map has loaded and draws the basemap (from data its worker fetched and tiled: a
 * policy that blocks the worker leaves it empty) and, when named, the layers `also`.
 */
async function mapDrawn(page: Page, also: readonly string[] = []): Promise<void> {
  await page.waitForFunction(
    (layers) => {
      const map = (globalThis as unknown as PageGlobals).__sealwatchMap;
      return (
        map !== undefined &&
        map.loaded() &&
        map.queryRenderedFeatures({ layers: ["land", "detail-land", "country-labels"] }).length > 0 &&
        (layers.length === 0 || map.queryRenderedFeatures({ layers: [...layers] }).length > 0)
      );
    },
    also,
    { timeout: 45_000 },
  );
}

describe("the dashboard under its Content-Security-Policy", { skip }, () => {
  let t: TestDemo;
  let browser: LaunchedBrowser;
  before(async () => {
    t = await startTestDemo({ seed: 5, vehicles: 6 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** A page that records every CSP violation (the DOM event and the console's report). */
  async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
    const page = await browser.context.newPage();
    const console: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) console.push(message.text());
    });
    page.on("pageerror", (error) => console.push(`page error: ${error.message}`));
    await page.addInitScript(() => {
      interface ViolationEvent {
        effectiveDirective: string;
        blockedURI: string;
        sourceFile: string;
        lineNumber: number;
      }
      const w = globalThis as unknown as PageGlobals & {
        addEventListener(type: string, listener: (event: ViolationEvent) => void): void;
      };
      w.__cspViolations = [];
      w.addEventListener("securitypolicyviolation", (e) => {
        w.__cspViolations!.push({
          directive: e.effectiveDirective,
          blocked: e.blockedURI,
          source: `${e.sourceFile}:${e.lineNumber}`,
        });
      });
    });
    return {
      page,
      violations: async () => {
        const fromPage = await page.evaluate(() =>
          ((globalThis as unknown as PageGlobals).__cspViolations ?? []).map(
            (v) => `${v.directive} blocked ${v.blocked} at ${v.source}`,
          ),
        );
        return [...fromPage, ...console];
      },
    };
  }

  it("serves the page with the policy, and every view works without a violation", async () => {
    const { page, violations } = await watchedPage();
    const response = await page.goto(`${t.demo.url}/#/login`);
    const policy = response?.headers()["content-security-policy"] ?? "";
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(policy, /worker-src 'self' blob:/);
    assert.equal(response?.headers()["x-frame-options"], "DENY");

    await login(page, t.demo.url, t.user("supervisor"));
    await page.evaluate(() => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = "#/control";
    });
    await page.getByRole("heading", { name: "Alarm queue" }).waitFor();
    await mapDrawn(page, ["fleet-points", "fleet-clusters"]);
    const trips = await t.client("supervisor").get<{ items: { id: string }[] }>("/trips?limit=1");
    const tripId = trips.items[0]?.id;
    assert.ok(tripId !== undefined, "the demo has a trip");
    for (const [hash, heading] of [
      [`#/trips/${encodeURIComponent(tripId)}`, `Trip ${tripId}`],
      ["#/kpis", undefined],
      ["#/audit", undefined],
      ["#/office", undefined],
    ] as const) {
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
      if (heading !== undefined) await page.getByRole("heading", { name: heading }).waitFor();
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(500);
    }
    assert.deepEqual(await violations(), []);
  });

  it("shows a trader's portal and its map without a violation", async () => {
    const { page, violations } = await watchedPage();
    const trader = t.demo.credentials.users.find((u) => u.role === "trader");
    assert.ok(trader);
    await login(page, t.demo.url, trader);
    await mapDrawn(page);
    await page.waitForLoadState("networkidle");
    assert.deepEqual(await violations(), []);
  });

  it("cannot be framed by another origin", async () => {
    const page = await browser.context.newPage();
    await page.setContent(`<iframe id="f" src="${t.demo.url}/" width="400" height="300"></iframe>`);
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // A blocked frame is left on Chromium's error page: none of the dashboard's markup is in it.
    const root = await frame
      ?.evaluate(
        () =>
          (
            globalThis as unknown as { document: { getElementById(id: string): unknown } }
          ).document.getElementById("root") !== null,
      )
      .catch(() => false);
    assert.notEqual(root, true);
  });
});
