/**
 * `sealwatch audit export` signs the chain's head with this instance's own key by default (the one
 * its published key set lists), found through the server's master key; `audit verify-export --trust`
 * checks it against that key set. Without the server's master key the export refuses and creates none.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { InstanceKeys } from "../../src/federation/instance-keys.js";
import { loadMasterKey } from "../../src/gateway/security/master-key.js";
import { openStore } from "../../src/store/open.js";
import { runCli } from "../support/cli.js";

const root = mkdtempSync(join(tmpdir(), "sealwatch-audit-key-"));
after(() => rmSync(root, { recursive: true, force: true }));

describe("audit export with the instance key", () => {
  it("signs with the active instance key and verifies against the published key set; a revoked key fails", async () => {
    const dataDir = join(root, "data");
    const db = join(dataDir, "sealwatch.db");
    const master = loadMasterKey({ dataDir });
    const store = await openStore({ url: db });
    const keys = new InstanceKeys(store, master.key, { issuer: "KE-KRA", nowMs: () => Date.now() });
    const { kid } = await keys.ensureKey();
    await store.audit.append({
      atMs: 1,
      actor: "a",
      action: "trip.arm",
      subjectType: "trip",
      subjectId: "T1",
    });
    const keySetFile = join(root, "keys.json");
    writeFileSync(keySetFile, JSON.stringify(await keys.keySet()));
    await store.close();

    const config = join(root, "config.json");
    writeFileSync(config, JSON.stringify({ dataDir, administrationId: "KE-KRA" }));
    const out = join(root, "export");
    const exported = await runCli(["audit", "export", "--out", out, "--db", db, "--config", config]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, new RegExp(`signed with this instance's key ${kid}`));
    const verified = await runCli(["audit", "verify-export", out, "--trust", keySetFile]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, new RegExp(`signed by key ${kid} of the trusted key set`));

    // The key set after a revocation of that key: the export no longer verifies.
    const reopened = await openStore({ url: db });
    const again = new InstanceKeys(reopened, master.key, { issuer: "KE-KRA", nowMs: () => Date.now() });
    await again.revoke(kid, "test");
    writeFileSync(keySetFile, JSON.stringify(await again.keySet()));
    await reopened.close();
    const refused = await runCli(["audit", "verify-export", out, "--trust", keySetFile]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stdout,
      /NOT VERIFIED: the head was signed with key .* which the trusted key set does not hold/,
    );
  });

  it("refuses without the server's master key, and does not create one", async () => {
    const dataDir = join(root, "elsewhere");
    const db = join(root, "other.db");
    const store = await openStore({ url: db });
    await store.close();
    const config = join(root, "config2.json");
    writeFileSync(config, JSON.stringify({ dataDir }));
    const run = await runCli(["audit", "export", "--out", join(root, "x"), "--db", db, "--config", config]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no master key at .*master\.key.*a new key could open nothing/);
    assert.equal(existsSync(join(dataDir, "master.key")), false);
  });
});
