/**
 * The demo's alarm e-mails: `sealwatch demo` starts a local SMTP sink, gives each officer an address
 * and their office's language, puts every office's officer on duty in the office's time zone, and a
 * rule for critical alarms; a critical alarm on a trip from Laem Chabang then arrives in the
 * mailbox folder as an e-mail in Thai to the duty officer, listed in index.txt.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "../../src/config/load.js";
import { demoConfigOverrides, startDemo, type RunningDemo } from "../../src/demo/demo.js";
import { createLogger } from "../../src/server/logger.js";
import { alarm, trip } from "../store/records.js";

describe("the demo's mailbox", () => {
  let dataDir: string;
  let demo: RunningDemo;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sealwatch-demo-mail-"));
    const config = loadConfig({
      env: {},
      overrides: {
        ...demoConfigOverrides(dataDir),
        httpPort: 0,
        logLevel: "silent",
        jt701Enabled: false,
        teltonikaEnabled: false,
        mqttEnabled: false,
      },
    });
    const quiet = { info: () => undefined, warn: () => undefined };
    demo = await startDemo({
      config,
      logger: createLogger("silent"),
      seed: 1,
      vehicles: 0,
      say: quiet,
      noFleet: true,
    });
  });
  after(async () => {
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sets up languages, rosters in office time zones and the critical rule", async () => {
    const store = demo.server.store;
    assert.equal((await store.notify.rules()).length, 1);
    assert.equal((await store.notify.roster("TH-LCB"))?.timeZone, "Asia/Bangkok");
    assert.equal((await store.notify.roster("KE-MSA"))?.timeZone, "Africa/Nairobi");
    const officer = (await store.access.userByName("officer-th-lcb"))!;
    assert.equal((await store.notify.profile(officer.id))?.language, "th");
  });

  it("delivers a critical alarm's e-mail to the duty officer, in Thai, into the mailbox folder", async () => {
    const store = demo.server.store;
    const now = Date.now();
    await store.trips.insert(
      trip("DEMO-MAIL-1", {
        origin: "TH-LCB",
        destination: "TH-NKI",
        state: "armed",
        createdAtMs: now,
        updatedAtMs: now,
      }),
    );
    await store.alarms.upsert(
      alarm("demo-mail-alarm", { trip: "DEMO-MAIL-1", raisedAtMs: now + 1000, updatedAtMs: now + 1000 }),
    );
    const index = join(dataDir, "mailbox", "index.txt");
    // The notifier and the outbox run on their own timers: wait for the file (no time is asserted).
    for (
      let i = 0;
      i < 600 && !(existsSync(index) && readFileSync(index, "utf8").includes("officer-th-lcb"));
      i++
    )
      await sleep(100);
    const line = readFileSync(index, "utf8")
      .split("\n")
      .find((l) => l.includes("officer-th-lcb@demo.sealwatch.test"));
    assert.ok(line, readFileSync(index, "utf8"));
    const file = line.split("\t")[3]!;
    assert.ok(readdirSync(join(dataDir, "mailbox")).includes(file));
    const raw = readFileSync(join(dataDir, "mailbox", file), "utf8");
    assert.match(raw, /X-Sealwatch-Alarm: demo-mail-alarm/);
    assert.match(raw, /^Subject: =\?UTF-8\?/m); // Thai, encoded
  });
});
