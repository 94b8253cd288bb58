/**
 * JOSE for Ed25519 against the published vectors: RFC 8037 appendix A (the key, its RFC 7638
 * thumbprint, the EdDSA JWS of "Example of Ed25519 signing"), and RFC 7515 appendix F (detached
 * payload); and every malformed or hostile JWS and JWK refused with its reason.
 */
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import {
  base64url,
  fromBase64url,
  jwkThumbprint,
  jwsPayload,
  parseJws,
  publicJwkOf,
  publicKeyOfJwk,
  signCompact,
  signDetached,
  verifyJws,
} from "../../src/dossier/jose.js";
import { parseTrustSet } from "../../src/dossier/trust.js";

/** RFC 8037 appendix A.1/A.2. */
const RFC_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
/** RFC 8037 appendix A.3. */
const RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
/** RFC 8037 appendix A.4. */
const RFC_JWS =
  "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc." +
  "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

const rfcPrivate = createPrivateKey({
  key: { kty: "OKP", crv: "Ed25519", d: RFC_D, x: RFC_X },
  format: "jwk",
});

describe("JOSE (Ed25519)", () => {
  it("computes RFC 8037's thumbprint, and the public JWK of its private key", () => {
    assert.deepEqual(publicJwkOf(rfcPrivate), { kty: "OKP", crv: "Ed25519", x: RFC_X });
    assert.equal(jwkThumbprint({ x: RFC_X }), RFC_THUMBPRINT);
    const checked = publicKeyOfJwk({ kty: "OKP", crv: "Ed25519", x: RFC_X, kid: RFC_THUMBPRINT, use: "sig" });
    assert.ok(checked.ok);
    assert.equal(checked.kid, RFC_THUMBPRINT);
  });

  it("verifies RFC 8037 A.4's JWS with its key, and its signature is what signing gives", () => {
    const checked = publicKeyOfJwk({ kty: "OKP", crv: "Ed25519", x: RFC_X });
    assert.ok(checked.ok);
    // A.4's header has no kid, which Sealwatch requires of what it reads: check the bytes directly.
    assert.equal(parseJws(RFC_JWS).ok, false);
    const [h, p, s] = RFC_JWS.split(".") as [string, string, string];
    const parsed = {
      ok: true as const,
      header: { alg: "EdDSA" as const, kid: "" },
      headerB64: h,
      payloadB64: p,
      signature: fromBase64url(s)!,
    };
    assert.equal(verifyJws(parsed, checked.key), true);
    assert.equal(jwsPayload(parsed).toString(), "Example of Ed25519 signing");
    const resigned = signCompact({ alg: "EdDSA" } as never, "Example of Ed25519 signing", rfcPrivate);
    assert.equal(resigned, RFC_JWS, "Ed25519 is deterministic: the same bytes as the RFC");
  });

  it("signs and verifies a detached payload (RFC 7515 appendix F): the payload travels apart", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const kid = jwkThumbprint(publicJwkOf(publicKey));
    const payload = '{"a":1,"b":"€"}';
    const jws = signDetached({ alg: "EdDSA", kid }, payload, privateKey);
    assert.match(jws, /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    const parsed = parseJws(jws, { detached: true });
    assert.ok(parsed.ok);
    assert.equal(verifyJws(parsed, publicKey, payload), true);
    assert.equal(verifyJws(parsed, publicKey, payload.replace("1", "2")), false, "a changed payload");
    const other = generateKeyPairSync("ed25519").publicKey;
    assert.equal(verifyJws(parsed, other, payload), false, "another key");
    assert.equal(
      parseJws(signCompact({ alg: "EdDSA", kid }, payload, privateKey), { detached: true }).ok,
      false,
    );
  });

  it("refuses malformed and hostile JWS before reading any payload, saying why", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const good = signCompact({ alg: "EdDSA", kid: "k" }, "x", privateKey);
    const [, p, s] = good.split(".") as [string, string, string];
    const cases: [unknown, RegExp][] = [
      [42, /not a compact JWS string/],
      ["a.b", /three parts/],
      [`${base64url('{"alg":"none","kid":"k"}')}.${p}.${s}`, /alg must be EdDSA/],
      [`${base64url('{"alg":"HS256","kid":"k"}')}.${p}.${s}`, /alg must be EdDSA/],
      [`${base64url('{"alg":"EdDSA"}')}.${p}.${s}`, /names no key/],
      [`${base64url('{"alg":"EdDSA","kid":"k","crit":["exp"]}')}.${p}.${s}`, /critical extensions/],
      [`${base64url('{"alg":"EdDSA","kid":"k","b64":false}')}.${p}.${s}`, /b64/],
      [`${base64url("[1]")}.${p}.${s}`, /not a JSON object/],
      [`${base64url("{nope")}.${p}.${s}`, /not JSON/],
      [`e30=.${p}.${s}`, /not base64url/],
      [`${base64url('{"alg":"EdDSA","kid":"k"}')}.${p}.${s.slice(0, 20)}`, /64 bytes/],
      [`${"A".repeat(5000)}.${p}.${s}`, /too large/],
    ];
    for (const [input, reason] of cases) {
      const parsed = parseJws(input);
      assert.equal(parsed.ok, false, String(input));
      if (!parsed.ok) assert.match(parsed.problem, reason);
    }
  });

  it("refuses JWKs that are not Ed25519 public keys, or whose kid is not their thumbprint", () => {
    const cases: [unknown, RegExp][] = [
      [null, /JWK object/],
      [{ kty: "EC", crv: "P-256", x: RFC_X }, /only Ed25519/],
      [{ kty: "OKP", crv: "Ed25519", x: RFC_X, d: RFC_D }, /private key/],
      [{ kty: "OKP", crv: "Ed25519", x: "short" }, /32 bytes/],
      [{ kty: "OKP", crv: "Ed25519", x: RFC_X, kid: "chosen-by-me" }, /not the key's RFC 7638 thumbprint/],
    ];
    for (const [jwk, reason] of cases) {
      const checked = publicKeyOfJwk(jwk);
      assert.equal(checked.ok, false);
      if (!checked.ok) assert.match(checked.problem, reason);
    }
  });

  it("reads a base64url text only in its canonical form", () => {
    assert.deepEqual(fromBase64url("AQID"), Buffer.from([1, 2, 3]));
    assert.equal(fromBase64url("AQID="), undefined, "padding");
    assert.equal(fromBase64url("AQ+D"), undefined, "the standard alphabet");
    assert.equal(fromBase64url("AR"), undefined, "stray bits in the last character");
  });
});

describe("trust sets", () => {
  it("reads a published key set: trusted keys by kid, revoked keys refused even if also listed", () => {
    const a = publicJwkOf(generateKeyPairSync("ed25519").publicKey);
    const b = publicJwkOf(generateKeyPairSync("ed25519").publicKey);
    const parsed = parseTrustSet({
      keySets: [
        { issuer: "KE-KRA", keys: [{ ...a, kid: jwkThumbprint(a) }, b], revoked: [] },
        {
          issuer: "UG-URA",
          keys: [],
          revoked: [{ kid: jwkThumbprint(b), x: b.x, revokedAt: "2025-01-01T00:00:00Z" }],
        },
      ],
    });
    assert.ok(parsed.ok);
    const found = parsed.trust.lookup(jwkThumbprint(a));
    assert.equal(found.kind, "trusted");
    assert.equal(found.kind === "trusted" ? found.key.issuer : undefined, "KE-KRA");
    assert.equal(parsed.trust.lookup(jwkThumbprint(b)).kind, "revoked");
    assert.equal(parsed.trust.lookup("nobody").kind, "unknown");
    assert.deepEqual([...parsed.trust.trustedKeys().keys()], [jwkThumbprint(a)]);
  });

  it("lists every problem of a bad trust file", () => {
    const parsed = parseTrustSet({
      keys: [{ kty: "RSA" }, { kty: "OKP", crv: "Ed25519", x: "AA" }],
      revoked: [7],
    });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.problems.length, 3, parsed.problems.join("\n"));
    assert.equal(parseTrustSet({ keys: [] }).ok, false);
    assert.equal(parseTrustSet("nope").ok, false);
  });
});
