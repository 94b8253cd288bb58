/**
 * What the browser tests share: a demo server on a temporary data folder and free ports (seeded
 * accounts, corridors, a small simulated fleet), a fresh headless Chromium, logging in, and
 * screenshots saved under test-output/browser/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { LaunchedBrowser } from "../../../bench/support/chromium.js";
import { loadConfig } from "../../../src/config/load.js";
import type { DemoUser } from "../../../src/demo/credentials.js";
import { demoConfigOverrides, startDemo, type RunningDemo } from "../../../src/demo/demo.js";
import { dashboardDirectory } from "../../../src/api/routes/dashboard.js";
import { createLogger } from "../../../src/server/logger.js";
import { ApiClient } from "../../../src/sim/api-client.js";

export const SCREENSHOT_DIR = join(process.cwd(), "test-output", "browser");

export interface TestDemo {
  readonly demo: RunningDemo;
  user(username: string): DemoUser;
  /** An API client logged in as `username`. */
  client(username: string): ApiClient;
  stop(): Promise<void>;
}

export async function startTestDemo(options: { seed: number; vehicles: number }): Promise<TestDemo> {
  if (dashboardDirectory() === undefined)
    throw new Error("the dashboard is not built: run npm run build (or npm run build:web) first");
  const dataDir = mkdtempSync(join(tmpdir(), "sealwatch-browser-"));
  const config = loadConfig({
    env: {},
    overrides: { ...demoConfigOverrides(dataDir), httpPort: 0, logLevel: "silent" },
  });
  const quiet = { info: () => undefined, warn: () => undefined };
  const demo = await startDemo({
    config,
    logger: createLogger("silent"),
    seed: options.seed,
    vehicles: options.vehicles,
    say: quiet,
  });
  const user = (username: string): DemoUser => {
    const found = demo.credentials.users.find((u) => u.username === username);
    if (found === undefined) throw new Error(`no demo user ${username}`);
    return found;
  };
  return {
    demo,
    user,
    client: (username) => new ApiClient(demo.url, user(username)),
    async stop() {
      await demo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login page and waits for the live stream. */
export async function login(page: Page, baseUrl: string, user: DemoUser): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("button", { name: "Log out" }).waitFor();
  await page.locator(".live-status", { hasText: "Live" }).waitFor({ timeout: 20_000 });
}

/** A new page of the browser whose script errors are written to stderr. */
export async function newPage(browser: LaunchedBrowser): Promise<Page> {
  const p = await browser.context.newPage();
  p.on("pageerror", (error) => process.stderr.write(`page error: ${error.message}\n`));
  return p;
}

/** Saves a screenshot of the page as test-output/browser/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Moves the single-page app to another view (a hash route), without reloading it. */
export async function go(p: Page, hash: string): Promise<void> {
  await p.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}
