/**
 * Headless Debian Chromium for the browser tests and the dashboard benchmark, with a fresh profile
 * and nothing that talks to the network on its own. Missing Chromium fails under CI and is a loud
 * skip elsewhere.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.SEALWATCH_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser cannot run here, or undefined when it can. Throws under CI (the browser is required there). */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium, or set SEALWATCH_CHROMIUM)`;
  if (process.env.CI !== undefined && process.env.CI !== "")
    throw new Error(`${reason}; browser tests are required in CI`);
  process.stderr.write(`\n*** SKIPPING BROWSER TESTS: ${reason} ***\n\n`);
  return reason;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  /** A persistent context on a fresh profile directory. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "sealwatch-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1600, height: 950 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const browser = context.browser();
  return {
    // launchPersistentContext has no separate Browser object in every version; the context stands for it.
    browser: browser ?? (context as unknown as Browser),
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
