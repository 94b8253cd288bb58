/**
 * No credential in any log line: credential names compared after normalisation (`access%5Ftoken`,
 * `ACCESS-TOKEN`, fullwidth), token-shaped values found wherever they are (paths, other
 * parameters, messages, error texts), headers and bodies' credential members redacted.
 */
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  credentialNameKey,
  isCredentialName,
  redactDetails,
  redactText,
  redactUrl,
} from "../../src/server/log-redaction.js";
import { createLogger } from "../../src/server/logger.js";
import { createHarness, PASSWORD, type Harness } from "./support.js";
import { SseReader } from "./sse.js";

const TOKEN = "sws_" + "Ab9_-x".repeat(8);
const KEY = "swk_0123456789abcdef_" + "Zz8-_q".repeat(7);

class Lines extends Writable {
  readonly text: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text.push(chunk.toString());
    done();
  }
  get all(): string {
    return this.text.join("");
  }
}

describe("credential names", () => {
  it("compare in one form whatever the spelling", () => {
    for (const name of [
      "access_token",
      "access%5Ftoken",
      "access%5ftoken",
      "ACCESS-TOKEN",
      "Access.Token",
      "ａｃｃｅｓｓ_ｔｏｋｅｎ",
      "access%255Ftoken",
    ])
      assert.equal(credentialNameKey(name), "accesstoken", name);
    for (const name of [
      "password",
      "newPassword",
      "current_password",
      "authorization",
      "Cookie",
      "x-api-key",
      "apiKey",
      "secretHash",
      "clientSecret",
    ])
      assert.ok(isCredentialName(name), name);
    for (const name of ["tripId", "deviceId", "keyId", "oneTimePassword", "url", "after"])
      assert.ok(!isCredentialName(name), name);
  });
});

describe("redacting", () => {
  it("takes credential parameters out of URLs however their names are written", () => {
    for (const name of [
      "access_token",
      "access%5Ftoken",
      "ACCESS_TOKEN",
      "access%255Ftoken",
      "token",
      "api_key",
      "%61ccess_token",
    ]) {
      const shown = redactUrl(`/api/v1/stream?after=5&${name}=opaque-secret-value&x=1`);
      assert.ok(!shown.includes("opaque-secret-value"), shown);
      assert.ok(shown.includes("after=5") && shown.includes("x=1"), shown);
    }
    for (const url of [
      `/api/v1/trips/${TOKEN}`,
      `/api/v1/trips?q=${TOKEN}`,
      `/api/v1/trips?q=${encodeURIComponent(TOKEN).replace("_", "%5F")}`,
      `/api/v1/trips?q=Bearer%20${TOKEN}`,
      `/api/v1/x?a=1;access_token=${TOKEN}`,
      `/api/v1/x?${KEY}`,
    ]) {
      const shown = redactUrl(url);
      assert.ok(!shown.includes(TOKEN.slice(4)) && !shown.includes(KEY.slice(21)), shown);
    }
  });

  it("finds token shapes in any text and credential members at any depth", () => {
    assert.ok(!redactText(`refused Bearer ${TOKEN} here`).includes(TOKEN.slice(4)));
    assert.ok(!redactText(`%73ws%5F${TOKEN.slice(4)}`).includes(TOKEN.slice(4)));
    const details = redactDetails({
      headers: { Authorization: `Bearer ${TOKEN}`, cookie: "s=1", "X-Api-Key": "k" },
      body: { username: "anna", password: "hunter2 hunter2", nested: [{ newPassword: "p" }] },
      note: `key ${KEY}`,
      err: new Error(`bad token ${TOKEN}`),
      oneTimePassword: "shown once on purpose",
    });
    const text = JSON.stringify(details);
    for (const secret of [TOKEN.slice(4), KEY.slice(21), "hunter2", "s=1", '"k"', '"p"'])
      assert.ok(!text.includes(secret), `${secret} in ${text}`);
    assert.ok(text.includes("anna") && text.includes("shown once on purpose"));
  });

  it("applies to every line of the logger: details, message and child bindings", () => {
    const lines = new Lines();
    const logger = createLogger("debug", lines);
    logger.info({ req: { url: `/s?access%5Ftoken=${TOKEN}` }, password: "x" }, `login with ${TOKEN}`);
    logger.child({ token: TOKEN }).warn("child");
    logger.child({ a: 1 }).child({ secret: "grandchild secret", b: 2 }).info("grandchild");
    logger.error({ err: new Error(`failed for ${KEY}`) }, "failed");
    assert.ok(!lines.all.includes(TOKEN.slice(4)) && !lines.all.includes(KEY.slice(21)), lines.all);
    assert.ok(!lines.all.includes("grandchild secret"));
    assert.match(lines.all, /"a":1,"secret":"\[redacted\]","b":2/);
  });
});

describe("the API's log", () => {
  const lines = new Lines();
  let h: Harness;
  let base: string;
  before(async () => {
    h = await createHarness({}, { logs: lines });
    base = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(() => h.close());

  it("never holds a token or password, whatever form the request gives them in", async () => {
    const token = h.tokens.operator;
    // The stream takes the token by its (decoded) parameter name; the log must not show it either way.
    for (const name of ["access_token", "access%5Ftoken", "access%5ftoken"]) {
      const reader = await SseReader.open(`${base}/api/v1/stream?${name}=${token}`);
      assert.equal(reader.status, 200, name);
      reader.close();
    }
    await fetch(`${base}/api/v1/trips?ACCESS_TOKEN=${token}`);
    await fetch(`${base}/api/v1/trips/${token}`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${base}/api/v1/trips`, { headers: { authorization: `Bearer ${token}x` } });
    await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "operator", password: `${PASSWORD}!`, extra: token }),
    });
    await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"username":"operator","password":"${PASSWORD}"`,
    });

    const log = lines.all;
    assert.ok(log.includes("incoming request"), "requests were logged");
    assert.ok(!log.includes(token.slice(4)), "no session token in the log");
    assert.ok(!log.includes(PASSWORD), "no password in the log");
  });
});
