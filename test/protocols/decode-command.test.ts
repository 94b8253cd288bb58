import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli.js";

const SHORT_JT600 = "24311021600111001B16021105591022329862114046227B0598095080012327951435161F";
const P45_TEXT = "(2050018634,P45,051124,204046,9.861502,N,83.950336,W,A,1,0,1,1,0012260888,0,0,0)";
const TELTONIKA_8 =
  "000000000000003508010000014f8e016420002141bbaf0f4e96a7fffa0000120000000602010047030242669c92000002c7000000009100000000000100002df3";
const TELTONIKA_8_BAD_CRC =
  "000000000000008c08010000013feb55ff74000f0ea850209a690000940000120000001e09fd01fe210300040016014703f0001504c8000c0900730a00460b00501300464306d7440000b5000bb60007422e9f180000cd0386ce000107c700000000f10000601a46000001344800000bb84900000bb84a00000bb84c00000000024e0000000000000000cf00000000000000000100003fca";

describe("sealwatch decode", () => {
  it("prints a jt701 binary frame's readings as JSON with ISO times and hex raw", async () => {
    const run = await runCli(["decode", "--protocol", "jt701", SHORT_JT600]);
    assert.equal(run.code, 0, run.stderr);
    const readings = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    assert.equal(readings.length, 1);
    assert.equal(readings[0]!.deviceId, "3110216001");
    assert.equal(readings[0]!.at, "2011-02-16T05:59:10.000Z");
    assert.equal(readings[0]!.raw, SHORT_JT600.toLowerCase());
    assert.equal((readings[0]!.position as { lat: number }).lat, 22.54977);
  });

  it("reads a text frame given as hex of its ASCII bytes, or as the text itself, and shows the answer", async () => {
    const hex = Buffer.from(P45_TEXT, "latin1").toString("hex");
    const a = await runCli(["decode", "--protocol", "jt701", hex]);
    const b = await runCli(["decode", "--protocol", "jt701", P45_TEXT]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.equal((JSON.parse(a.stdout) as Array<{ seal: string }>)[0]!.seal, "open");
    assert.match(a.stderr, /answer: .* "\(P69,0,0\)"/);
  });

  it("prints 64-bit IO values as strings and needs the IMEI for Teltonika AVL data", async () => {
    const missing = await runCli(["decode", "--protocol", "teltonika", TELTONIKA_8]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--imei/);
    const run = await runCli(["decode", "--protocol", "teltonika", "--imei", "356307042441013", TELTONIKA_8]);
    assert.equal(run.code, 0, run.stderr);
    const readings = JSON.parse(run.stdout) as Array<{ deviceId: string; at: string }>;
    assert.deepEqual(
      [readings[0]!.deviceId, readings[0]!.at],
      ["356307042441013", "2015-09-02T12:21:40.000Z"],
    );
    assert.match(run.stderr, /answer: 00000001/);
  });

  it("exits 2 with a clear error for a frame it cannot read", async () => {
    const bad = await runCli(["decode", "--protocol", "teltonika", "--imei", "1", TELTONIKA_8_BAD_CRC]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad_checksum/);
    const notHex = await runCli(["decode", "--protocol", "jt701", "xyz"]);
    assert.equal(notHex.code, 2);
    const truncated = await runCli(["decode", "--protocol", "jt701", SHORT_JT600.slice(0, 30)]);
    assert.equal(truncated.code, 2);
    assert.match(truncated.stderr, /truncated/);
    const garbage = await runCli(["decode", "--protocol", "jt701", "0102030405"]);
    assert.equal(garbage.code, 2);
  });

  it("decodes a damaged frame with --no-verify", async () => {
    const run = await runCli([
      "decode",
      "--protocol",
      "teltonika",
      "--imei",
      "1",
      "--no-verify",
      TELTONIKA_8_BAD_CRC,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as unknown[]).length, 1);
  });

  it("rejects a missing or unknown protocol as a usage error", async () => {
    const run = await runCli(["decode", SHORT_JT600]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--protocol/);
    const other = await runCli(["decode", "--protocol", "gt06", SHORT_JT600]);
    assert.equal(other.code, 2);
  });

  it("is listed in the main help", async () => {
    const run = await runCli(["--help"]);
    assert.match(run.stdout, /decode/);
  });
});
