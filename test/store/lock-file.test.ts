/**
 * The SQLite lock file after a crash: a restarted process may get the pid of the one that died (in a
 * container the server is pid 1 every time), or the dead owner's pid may now belong to another
 * process. Neither may block the restart; a live owner still refuses a second writer.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTicksOf } from "../../src/store/sqlite/lock-file.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { isStoreError } from "../../src/store/store-error.js";

const root = mkdtempSync(join(tmpdir(), "sealwatch-lock-"));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(root, `db-${++files}.db`);

function lockOf(path: string, owner: object): void {
  writeFileSync(`${path}.lock`, JSON.stringify({ host: hostname(), sinceMs: Date.now() - 60_000, ...owner }));
}

describe("SQLite lock file after kill -9", () => {
  it("a lock left by an earlier process with our own pid (pid 1 again in a container) is stale", async () => {
    const path = newPath();
    await (await SqliteStore.open(path)).close();
    lockOf(path, { pid: process.pid, token: "an-earlier-process" });
    const store = await SqliteStore.open(path);
    await store.close();
    // A lock without a token (written by an older version) with our pid is not ours either.
    lockOf(path, { pid: process.pid });
    await (await SqliteStore.open(path)).close();
  });

  it("a live process that reused the dead owner's pid is not the owner; the real owner is", async () => {
    const path = newPath();
    await (await SqliteStore.open(path)).close();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const pid = other.pid!;
      const ticks = startTicksOf(pid);
      if (ticks === undefined) return; // not Linux: no start times to compare
      lockOf(path, { pid, startTicks: String(Number(ticks) + 1), token: "the-dead-owner" });
      await (await SqliteStore.open(path)).close();
      lockOf(path, { pid, startTicks: ticks, token: "the-live-owner" });
      await assert.rejects(
        SqliteStore.open(path),
        (error: unknown) => isStoreError(error, "STORE_LOCKED") && error.message.includes(`process ${pid}`),
      );
    } finally {
      other.kill("SIGKILL");
    }
  });
});
