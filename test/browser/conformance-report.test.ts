/**
 * The conformance kit's HTML report in real Chromium, opened from a file as an administration
 * would keep it: it renders the verdict, every check and the evidence frames, every evidence link
 * lands on its frame, and the page asks for nothing beyond itself. Screenshot:
 * conformance-report.png.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromiumMissing, launchChromium, type LaunchedBrowser } from "../../bench/support/chromium.js";
import { reportHtml } from "../../src/conformance/report-html.js";
import { session } from "../conformance/support.js";
import { screenshot } from "./support/harness.js";

const skip = chromiumMissing();

describe("the conformance report in Chromium", { skip }, () => {
  let browser: LaunchedBrowser;
  let dir: string;
  before(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), "sealwatch-conformance-"));
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders a failing JT701 report with its evidence, self-contained", async () => {
    const report = await session("jt701", ["stuck-lock"]);
    const file = join(dir, "report.html");
    writeFileSync(file, reportHtml(report));
    const url = pathToFileURL(file).href;
    const page = await browser.context.newPage();
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    assert.match((await page.textContent("#verdict")) ?? "", /Does not conform: \d+ passed, 1 failed/);
    assert.equal(await page.locator("tr[id^=check-]").count(), report.checks.length);
    const failing = page.locator("#check-seal-states");
    assert.match((await failing.textContent()) ?? "", /FAIL/);
    const anchors = failing.locator("a");
    const links: string[] = [];
    for (let i = 0; i < (await anchors.count()); i++)
      links.push((await anchors.nth(i).getAttribute("href")) ?? "");
    assert.ok(links.length > 0, "the failing check links to its evidence");
    for (const href of links) assert.equal(await page.locator(href).count(), 1, `${href} is in the page`);
    await screenshot(page, "conformance-report");
    assert.deepEqual(requests, [], "the report fetches nothing");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
