/**
 * The password policy (NIST SP 800-63B), one username comparison form for the store and both
 * throttles, and the password-change endpoint: throttled, 401/429 for wrong current passwords,
 * other sessions ended on change.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { passwordProblem } from "../../src/api/auth/password-policy.js";
import { LoginThrottle } from "../../src/api/auth/login-throttle.js";
import { usernameKey } from "../../src/core/identity/username.js";
import { createHarness, PASSWORD, type ErrorJson, type Harness, type LoginJson } from "./support.js";

describe("the password policy", () => {
  const refused: [string, RegExp][] = [
    [" ".repeat(12), /only spaces/],
    [" ".repeat(40), /only spaces/],
    ["\u3000".repeat(20), /only spaces/],
    ["fourteen chars", /at least 15/],
    ["a          b          c", /at least 15/],
    ["x".repeat(257), /at most 256/],
    ["a passphrase with a\nline break", /control characters/],
    ["a passphrase with a\u0000nul", /control characters/],
    ["passwordpassword", /common|repeated/],
    ["administrator123", /common/],
    ["!!qwertyuiop!!2024", /common/],
    ["1q2w3e4r5t6y7u8i", /common|sequential/],
    ["ＰＡＳＳＷＯＲＤ１２３４５６７８", /common/],
    ["aaaaaaaaaaaaaaaaaaaa", /repeated/],
    ["abcabcabcabcabcabc", /repeated/],
    ["ababababababababab1", /repeated/],
    ["abcdefghijklmnopqrs", /sequential/],
    ["123456789012345678", /sequential/],
    ["9876543210987654", /sequential/],
    ["qwertyuiopasdfghjkl", /sequential/],
    ["my sealwatch password is good", /name of this service/],
  ];
  for (const [password, reason] of refused)
    it(`refuses ${JSON.stringify(password.slice(0, 24))}`, () => {
      const problem = passwordProblem(password);
      assert.ok(problem !== undefined, "refused");
      assert.match(problem, reason);
      if (password.trim() !== "")
        assert.ok(!problem.includes(password.trim()), "the refusal does not echo the password");
    });

  it("refuses a password containing the user's own name, in any case or width", () => {
    assert.match(passwordProblem("margarethe.schmidt is me", { names: ["Margarethe.Schmidt"] })!, /own name/);
    assert.match(
      passwordProblem("ＭＡＲＧＡＲＥＴＨＥ rules the road", { names: ["margarethe"] })!,
      /own name/,
    );
    assert.equal(
      passwordProblem("a ship sails to Mombasa", { names: ["ab"] }),
      undefined,
      "names of < 4 ignored",
    );
  });

  it("accepts passphrases of any characters, without composition rules", () => {
    for (const ok of [
      "correct horse battery staple",
      "all lowercase without digits",
      "Überführung der Plombe in Dobrá",
      "貨物の封印は無事に到着しました。よかった",
      "exactly 15 char",
      "x".repeat(200) + " and then some words",
    ])
      assert.equal(passwordProblem(ok), undefined, ok);
    assert.equal([..."exactly 15 char"].length, 15);
  });
});

describe("usernames", () => {
  it("compare in one form: NFKC, lower case", () => {
    assert.equal(usernameKey("ＡＤＭＩＮ"), "admin");
    assert.equal(usernameKey("Admin"), "admin");
    assert.equal(usernameKey("ﬁnance"), "finance");
    assert.equal(usernameKey(usernameKey("ÅSA")), usernameKey("ÅSA"));
  });

  it("the login throttle counts look-alike spellings against the same user", () => {
    const throttle = new LoginThrottle({ freeUserFailures: 3, freeAddressFailures: 100, baseDelayMs: 1000 });
    for (const name of ["alice", "ALICE", "ａｌｉｃｅ"]) throttle.failed(name, `10.0.0.${name.length}`, 0);
    assert.equal(throttle.waitMs("Ａｌｉｃｅ", "10.9.9.9", 0), 1000);
    throttle.succeeded("ＡＬＩＣＥ");
    assert.equal(throttle.waitMs("alice", "10.9.9.9", 0), 0);
  });
});

describe("logging in and changing passwords", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const login = (username: string, password = PASSWORD) =>
    h.request("POST", "/api/v1/auth/login", { body: { username, password } });
  const newUser = async (username: string) => {
    const r = await h.request("POST", "/api/v1/users", {
      as: "admin",
      body: { username, password: PASSWORD, role: "operator" },
    });
    assert.equal(r.statusCode, 201, r.body);
  };
  const tokenOf = async (username: string, password = PASSWORD) => {
    const r = await login(username, password);
    assert.equal(r.statusCode, 200, r.body);
    return r.json<LoginJson>().token;
  };

  it("logs in with a fullwidth spelling of the name, and throttles every spelling together", async () => {
    await newUser("wide");
    assert.equal((await login("ｗｉｄｅ")).statusCode, 200);
    const spellings = ["wide", "WIDE", "ｗｉｄｅ", "Ｗｉｄｅ", "ＷＩＤＥ"];
    const statuses = [];
    for (const name of spellings) statuses.push((await login(name, "a wrong guess here")).statusCode);
    assert.deepEqual(statuses.slice(0, 3), [401, 401, 401]);
    assert.deepEqual(statuses.slice(3), [429, 429], "look-alikes buy no fresh guesses");
    assert.equal((await login("ｗｉｄｅ")).statusCode, 429, "even the right password waits");
    h.clock.advance(3_600_000);
    assert.equal((await login("wide")).statusCode, 200);
  });

  it("refuses a weak new password at creation and at an administrator's reset, naming the rule", async () => {
    for (const password of [" ".repeat(12), " ".repeat(20), "passwordpassword", "resetter is my name"]) {
      const r = await h.request("POST", "/api/v1/users", {
        as: "admin",
        body: { username: "resetter", password, role: "operator" },
      });
      assert.equal(r.statusCode, 400, password);
      assert.equal(r.json<ErrorJson>().code, "WEAK_PASSWORD");
    }
    await newUser("resetter");
    const reset = await h.request("PATCH", "/api/v1/users/resetter", {
      as: "admin",
      body: { password: "123456789012345" },
    });
    assert.equal(reset.json<ErrorJson>().code, "WEAK_PASSWORD");
  });

  it("answers a wrong current password 401 WRONG_PASSWORD, then 429 with Retry-After", async () => {
    await newUser("guesser");
    const token = await tokenOf("guesser");
    const change = (currentPassword: string) =>
      h.request("POST", "/api/v1/auth/password", {
        token,
        body: { currentPassword, newPassword: "a brand new passphrase" },
      });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await change(`guess number ${i}`));
    assert.deepEqual(
      answers.map((a) => [a.statusCode, a.json<ErrorJson>().code]),
      [
        [401, "WRONG_PASSWORD"],
        [401, "WRONG_PASSWORD"],
        [401, "WRONG_PASSWORD"],
        [429, "LOGIN_THROTTLED"],
        [429, "LOGIN_THROTTLED"],
        [429, "LOGIN_THROTTLED"],
      ],
    );
    assert.ok(Number(answers[3]!.headers["retry-after"]) >= 1);
    assert.equal((await change(PASSWORD)).statusCode, 429, "the right password waits too");
    assert.equal((await login("guesser")).statusCode, 429, "and so does a login of the same user");
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 200, "session kept");
    h.clock.advance(3_600_000);
    assert.equal((await change(PASSWORD)).statusCode, 204);
  });

  it("ends the user's other sessions on a change, keeping the one used", async () => {
    await newUser("mover");
    const [first, second, third] = [await tokenOf("mover"), await tokenOf("mover"), await tokenOf("mover")];
    const other = await tokenOf("operator");
    const same = await h.request("POST", "/api/v1/auth/password", {
      token: first,
      body: { currentPassword: PASSWORD, newPassword: PASSWORD },
    });
    assert.equal(same.json<ErrorJson>().code, "WEAK_PASSWORD");
    const changed = await h.request("POST", "/api/v1/auth/password", {
      token: first,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token: first })).statusCode, 200);
    for (const token of [second, third]) {
      const r = await h.request("GET", "/api/v1/auth/me", { token });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json<ErrorJson>().code, "UNAUTHENTICATED");
    }
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token: other })).statusCode, 200);
    assert.equal((await login("mover")).statusCode, 401);
    assert.equal((await login("mover", "a brand new passphrase")).statusCode, 200);
  });

  it("ends every session when an administrator resets the password or disables the user", async () => {
    await newUser("leaver");
    const token = await tokenOf("leaver");
    await h.request("PATCH", "/api/v1/users/leaver", {
      as: "admin",
      body: { password: "a fresh start for all" },
    });
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 401);
    const again = await tokenOf("leaver", "a fresh start for all");
    await h.request("PATCH", "/api/v1/users/leaver", { as: "admin", body: { disabled: true } });
    await h.request("PATCH", "/api/v1/users/leaver", { as: "admin", body: { disabled: false } });
    assert.equal(
      (await h.request("GET", "/api/v1/auth/me", { token: again })).statusCode,
      401,
      "re-enabling brings no old session back",
    );
  });

  it("refuses a password change with an API key as 403 (a key never has a password)", async () => {
    const r = await h.request("POST", "/api/v1/auth/password", {
      as: "gateway",
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    assert.equal(r.statusCode, 403);
  });
});
