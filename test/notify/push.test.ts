/**
 * Web push up to the wire (a real push service cannot be reached from the tests): the request to
 * the browser's push endpoint carries a VAPID token (RFC 8292) that verifies with the operator's
 * public key for the endpoint's origin, and a body (RFC 8291, aes128gcm) that the browser's own key
 * decrypts to the notification. Then the handler POSTs it to a local stand-in push service, which
 * receives exactly that; 410 Gone (the browser unsubscribed) is permanent.
 */
import assert from "node:assert/strict";
import { createECDH, createPublicKey, hkdfSync, randomBytes, createDecipheriv, verify } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import webpush from "web-push";
import type { PushPayload } from "../../src/notify/notifier.js";
import { PushHandler } from "../../src/notify/push.js";
import type { OutboxMessage } from "../../src/store/outbox-ports.js";

const vapidKeys = webpush.generateVAPIDKeys();
const vapid = { subject: "mailto:ops@customs.example", ...vapidKeys };

/** A browser's subscription: its P-256 key pair and auth secret. */
function browser(endpoint: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const payload = (title: string, critical: boolean): PushPayload => ({
    subscription: {
      endpoint,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
    },
    title,
    body: "Where: 13.08000, 100.88000",
    url: "https://sealwatch.example/#/trips/T-1",
    alarmId: "a-1",
    critical,
  });
  /** RFC 8291 and RFC 8188 as a browser decrypts: one record, padding delimiter 2. */
  const decrypt = (body: Buffer): unknown => {
    const salt = body.subarray(0, 16);
    const idLength = body[20]!;
    const serverPublic = body.subarray(21, 21 + idLength);
    const cipher = body.subarray(21 + idLength);
    const shared = ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), ecdh.getPublicKey(), serverPublic]);
    const ikm = Buffer.from(hkdfSync("sha256", shared, auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
    const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
    const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(cipher.subarray(cipher.length - 16));
    const plain = Buffer.concat([decipher.update(cipher.subarray(0, cipher.length - 16)), decipher.final()]);
    const end = plain.lastIndexOf(2);
    return JSON.parse(plain.subarray(0, end).toString("utf8"));
  };
  return { payload, decrypt };
}

/** Checks the VAPID Authorization header; returns the token's claims. */
function verifyVapid(authorization: string): Record<string, unknown> {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(authorization);
  assert.ok(match, authorization);
  const [header, claims, signature] = match[1]!.split(".") as [string, string, string];
  assert.equal(match[2], vapid.publicKey);
  assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), { typ: "JWT", alg: "ES256" });
  const point = Buffer.from(vapid.publicKey, "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const ok = verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  assert.ok(ok, "the VAPID token verifies with the operator's public key");
  return JSON.parse(Buffer.from(claims, "base64url").toString()) as Record<string, unknown>;
}

const message = (payload: PushPayload): OutboxMessage => ({
  id: 7,
  kind: "notify.push",
  destination: payload.subscription.endpoint,
  payload,
  createdAtMs: 0,
  status: "pending",
  attempts: 0,
  nextAttemptAtMs: 0,
  updatedAtMs: 0,
});

describe("web push with VAPID", () => {
  it("signs for the push service's origin and encrypts for the browser", () => {
    const b = browser("https://fcm.example.net/wp/abc123");
    const handler = new PushHandler({ vapid, allowPrivate: false });
    const request = handler.request(b.payload("[Critical] Tampering: trip T-1", true));
    assert.equal(request.endpoint, "https://fcm.example.net/wp/abc123");
    assert.equal(request.headers["content-encoding"], "aes128gcm");
    assert.equal(request.headers.urgency, "high");
    assert.equal(request.headers.ttl, "86400");
    const claims = verifyVapid(request.headers.authorization!);
    assert.equal(claims.aud, "https://fcm.example.net");
    assert.equal(claims.sub, vapid.subject);
    assert.ok(
      typeof claims.exp === "number" &&
        claims.exp * 1000 > Date.now() &&
        claims.exp * 1000 <= Date.now() + 24 * 3600_000,
    );
    assert.deepEqual(b.decrypt(request.body), {
      title: "[Critical] Tampering: trip T-1",
      body: "Where: 13.08000, 100.88000",
      url: "https://sealwatch.example/#/trips/T-1",
      alarmId: "a-1",
      critical: true,
    });
    // Another browser's key cannot read it.
    assert.throws(() => browser("https://x.example/").decrypt(request.body));
  });

  it("posts the request to the push endpoint and treats 410 Gone as permanent", async () => {
    const received: { headers: IncomingMessage["headers"]; body: Buffer }[] = [];
    let answer = 201;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push/xyz`;
      const b = browser(endpoint);
      const signal = new AbortController().signal;
      const ok = await new PushHandler({ vapid, allowPrivate: true }).deliver(
        message(b.payload("low", false)),
        signal,
      );
      assert.deepEqual(ok, { ok: true, statusCode: 201 });
      assert.equal(received[0]!.headers.urgency, "normal");
      verifyVapid(String(received[0]!.headers.authorization));
      assert.equal((b.decrypt(received[0]!.body) as { title: string }).title, "low");
      answer = 410;
      const gone = await new PushHandler({ vapid, allowPrivate: true }).deliver(
        message(b.payload("x", true)),
        signal,
      );
      assert.equal(gone.ok, false);
      assert.equal(!gone.ok && gone.permanent, true);
      // The SSRF policy holds for push endpoints as for webhooks.
      const refused = await new PushHandler({ vapid, allowPrivate: false }).deliver(
        message(b.payload("x", true)),
        signal,
      );
      assert.equal(!refused.ok && refused.permanent, true);
      assert.match(!refused.ok ? refused.error : "", /SSRF/);
      assert.equal(received.length, 2);
    } finally {
      server.close();
    }
  });
});
