/** `sealwatch db ...` and `sealwatch audit ...` on a SQLite store (PostgreSQL ones: postgres.test.ts). */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { storeTarget } from "../../src/cli/store-target.js";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite/migrations.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { runCli } from "../support/cli.js";
import { T0, reading } from "./records.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-store-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function pem(kind: "ed25519" | "rsa"): { privatePath: string; publicPath: string } {
  const { privateKey, publicKey } =
    kind === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 1024 }) : generateKeyPairSync("ed25519");
  const name = `${kind}-${Math.random().toString(36).slice(2)}`;
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePath, privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(publicPath, publicKey.export({ type: "spki", format: "pem" }));
  return { privatePath, publicPath };
}

async function storeWithData(name: string): Promise<string> {
  const path = join(dir, name, "sealwatch.db");
  const store = await SqliteStore.open(path);
  await store.readings.append([reading(1), reading(2)]);
  for (let i = 1; i <= 3; i++)
    await store.audit.append({
      atMs: T0 + i,
      actor: "officer-1",
      action: "trip.arm",
      subjectType: "trip",
      subjectId: `t${i}`,
    });
  await store.close();
  return path;
}

describe("sealwatch db / audit (SQLite)", () => {
  it("has --help on every subcommand", async () => {
    for (const argv of [
      ["db", "--help"],
      ["db", "status", "--help"],
      ["db", "retention", "--help"],
      ["audit", "--help"],
      ["audit", "verify", "--help"],
      ["audit", "export", "--help"],
      ["audit", "verify-export", "--help"],
    ]) {
      const run = await runCli(argv);
      assert.equal(run.code, 0, argv.join(" "));
      assert.match(run.stdout, /^Usage: sealwatch (db|audit)/, argv.join(" "));
    }
    const main = await runCli(["--help"]);
    assert.match(main.stdout, /\n {2}db +store status/);
    assert.match(main.stdout, /\n {2}audit +verify/);
    assert.equal((await runCli(["db", "frobnicate"])).code, 2);
  });

  it("db status shows the location, schema versions and counts, while a writer runs", async () => {
    const path = await storeWithData("status");
    const writer = await SqliteStore.open(path);
    try {
      const run = await runCli(["db", "status", "--db", path]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`store: sqlite ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      const latest = SQLITE_MIGRATIONS.length;
      assert.match(
        run.stdout,
        new RegExp(`schema: version ${latest} applied, latest ${latest} \\(up to date\\)`),
      );
      assert.match(run.stdout, /counts: readings 2, .*audit_log 3/);
      assert.match(run.stdout, /integrity: ok/);
    } finally {
      await writer.close();
    }
  });

  it("takes the store from DATABASE_URL when --db is not given", async () => {
    assert.equal(storeTarget(undefined, { DATABASE_URL: "postgres://x@h/db" }), "postgres://x@h/db");
    assert.equal(storeTarget("given.db", { DATABASE_URL: "postgres://x@h/db" }), "given.db");
    assert.equal(storeTarget(undefined, {}), "./data/sealwatch.db");
    const path = await storeWithData("env");
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = path;
    try {
      const run = await runCli(["db", "status"]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.includes(path));
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("reports a store it cannot open, naming it, with exit code 2", async () => {
    const missing = join(dir, "nothing-here.db");
    const run = await runCli(["db", "status", "--db", missing]);
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(missing) && run.stderr.includes("STORE_UNAVAILABLE"), run.stderr);
    const notSqlite = join(dir, "text.db");
    writeFileSync(
      notSqlite,
      "hello, this is text and not a database at all........................................................................",
    );
    const foreign = await runCli(["audit", "verify", "--db", notSqlite]);
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /not a SQLite database.*STORE_FOREIGN/);
  });

  it("db retention needs its options and applies to PostgreSQL only", async () => {
    const path = await storeWithData("retention");
    assert.equal((await runCli(["db", "retention", "--db", path])).code, 2);
    assert.equal(
      (await runCli(["db", "retention", "--older-than", "x", "--export-dir", dir, "--db", path])).code,
      2,
    );
    const run = await runCli([
      "db",
      "retention",
      "--older-than",
      "30",
      "--export-dir",
      join(dir, "exp"),
      "--db",
      path,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /SQLite store; retention by partition applies to PostgreSQL/);
  });

  it("audit verify exits 0 on an intact chain and 1 naming the first broken record", async () => {
    const path = await storeWithData("verify");
    const ok = await runCli(["audit", "verify", "--db", path]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ok: 3 audit records intact, head seq 3/);
    const raw = new Database(path);
    raw.prepare("UPDATE audit_log SET subject_id = 't-forged' WHERE seq = 2").run();
    raw.close();
    const broken = await runCli(["audit", "verify", "--db", path]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /^BROKEN at record 2: its content does not match its hash \(edited record\)/);
  });

  it("audit export writes a signed head that verify-export checks offline", async () => {
    const path = await storeWithData("export");
    const keys = pem("ed25519");
    const out = join(dir, "export-out");
    const exported = await runCli(["audit", "export", "--out", out, "--key", keys.privatePath, "--db", path]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /exported 3 audit records/);

    const verified = await runCli(["audit", "verify-export", out]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /verified: 3 audit records up to seq 3/);
    assert.match(verified.stdout, /fingerprint sha256:[0-9a-f]{64}; compare it/);
    assert.equal((await runCli(["audit", "verify-export", out, "--public-key", keys.publicPath])).code, 0);
    const other = pem("ed25519");
    const wrong = await runCli(["audit", "verify-export", out, "--public-key", other.publicPath]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /NOT VERIFIED: the head was signed by another key/);

    const recordsPath = join(out, "audit.ndjson");
    writeFileSync(
      recordsPath,
      readFileSync(recordsPath, "utf8").replace('"subjectId":"t2"', '"subjectId":"t9"'),
    );
    const tampered = await runCli(["audit", "verify-export", out]);
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /NOT VERIFIED at record 2/);
  });

  it("audit export refuses a key that is not Ed25519, before writing anything", async () => {
    const path = await storeWithData("badkey");
    const rsa = pem("rsa");
    const run = await runCli([
      "audit",
      "export",
      "--out",
      join(dir, "never"),
      "--key",
      rsa.privatePath,
      "--db",
      path,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /not a usable Ed25519 private key/);
    assert.equal((await runCli(["audit", "export", "--out", join(dir, "never"), "--db", path])).code, 2);
    assert.equal((await runCli(["audit", "verify-export"])).code, 2);
  });
});
