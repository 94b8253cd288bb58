/**
 * The conformance kit on captures: real frames of the corpus as the kit's text capture and as a
 * pcap (segments out of order, retransmitted, lost), what each check makes of them, and hostile
 * input of every kind read without a crash and reported as unreadable.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTextCapture } from "../../src/conformance/capture-text.js";
import type { CaptureEvent } from "../../src/conformance/events.js";
import { conformanceReport } from "../../src/conformance/kit.js";
import { readPcapEvents } from "../../src/conformance/pcap.js";
import { reportHtml } from "../../src/conformance/report-html.js";
import type { ConformanceReport } from "../../src/conformance/report.js";
import { buildTimeline } from "../../src/conformance/timeline.js";
import { hexBytes, readCorpus } from "../protocols/support/corpus.js";
import { pcapOf, type TcpPacket } from "./support.js";

const jt = readCorpus("jt600-frames.tsv");
const tel = readCorpus("teltonika-frames.tsv");

function verdicts(report: ConformanceReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
}

function check(report: ConformanceReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}`);
  return c;
}

const run = (events: CaptureEvent[], protocol: "jt701" | "teltonika", extra = {}) =>
  conformanceReport(events, { protocol, source: "test", generatedAtMs: Date.UTC(2026, 5, 1), ...extra });

describe("conformance kit on the corpus's real frames", () => {
  it("reads the JT701 corpus frames: every frame of a supported kind framed and read", () => {
    // One lock's frames (row 4 is a JT701 long frame of lock 8043396604 asking for an answer).
    const row = jt.find((r) => r.row === "4")!;
    const text = `2018-03-19T19:20:00Z > ${row.frame}\n2018-03-19T19:20:01Z < 2850333529\n`;
    const report = run(parseTextCapture(text), "jt701", { expectedId: "8043396604" });
    assert.equal(check(report, "framing").verdict, "pass");
    assert.equal(check(report, "identity").verdict, "pass");
    assert.equal(check(report, "acks").verdict, "pass");
    assert.equal(check(report, "checksums").verdict, "not_applicable");
    assert.equal(check(report, "battery").verdict, "pass");
    assert.equal(report.frames[0]!.hex, row.frame!.toLowerCase());
  });

  it("a Teltonika capture: login, codec 8E packets, a CRC-damaged packet fails the checksum check only there", () => {
    const good = tel.find((r) => r.row === "2")!.frame_hex!;
    const badCrc = tel.find((r) => r.row === "23")!.frame_hex!;
    const text = ["000f333536333037303432343431303133", `> ${good}`, `> ${badCrc}`].join("\n");
    const report = run(parseTextCapture(text), "teltonika", { expectedId: "356307042441013" });
    const c = check(report, "checksums");
    assert.equal(c.verdict, "fail");
    assert.deepEqual(c.evidence, [3]);
    assert.match(c.findings[0]!, /CRC/);
    assert.equal(check(report, "framing").verdict, "pass");
    assert.equal(check(report, "identity").verdict, "pass");
  });

  it("every Jointech corpus row fed as one stream: nothing throws, every byte is accounted for", () => {
    const text = jt.map((r) => (r.encoding === "hex" ? r.frame : r.frame)).join("\n");
    const timeline = buildTimeline("jt701", parseTextCapture(text));
    const framed = timeline.frames.reduce((n, f) => n + f.hex.length / 2, 0);
    const unread = timeline.unreadable.reduce((n, u) => n + u.length, 0);
    assert.equal(framed + unread, timeline.bytesFromDevice);
    assert.ok(timeline.frames.filter((f) => f.readings.length > 0).length > 40);
  });
});

describe("pcap of a device's TCP stream", () => {
  const login = hexBytes("000f333536333037303432343431303133");
  const packet = hexBytes(tel.find((r) => r.row === "2")!.frame_hex!);
  const t0 = Date.UTC(2025, 5, 13, 15, 18, 8);
  const base: TcpPacket[] = [
    { atMs: t0, toServer: true, seq: 1000, flags: { syn: true, ack: false } },
    { atMs: t0 + 1, toServer: false, seq: 5000, flags: { syn: true } },
    { atMs: t0 + 10, toServer: true, seq: 1001, payload: login },
    { atMs: t0 + 20, toServer: false, seq: 5001, payload: Uint8Array.of(1) },
  ];

  it("reassembles segments out of order and drops retransmissions", () => {
    const a = packet.subarray(0, 30);
    const b = packet.subarray(30);
    const seqA = 1001 + login.length;
    const pcap = pcapOf(
      [
        ...base,
        { atMs: t0 + 30, toServer: true, seq: seqA + a.length, payload: b },
        { atMs: t0 + 31, toServer: true, seq: seqA, payload: a },
        { atMs: t0 + 32, toServer: true, seq: seqA, payload: a },
        { atMs: t0 + 40, toServer: false, seq: 5002, payload: Uint8Array.of(0, 0, 0, 2) },
        { atMs: t0 + 50, toServer: true, seq: seqA + packet.length, flags: { fin: true } },
      ],
      5027,
    );
    const events = readPcapEvents(pcap);
    const timeline = buildTimeline("teltonika", events);
    assert.deepEqual(timeline.unreadable, []);
    assert.equal(timeline.frames.length, 2);
    assert.equal(timeline.frames[1]!.readings.length, 2);
    assert.equal(timeline.frames[1]!.answeredOrder !== undefined, true);
    const report = run(events, "teltonika");
    assert.equal(check(report, "acks").verdict, "pass");
    assert.equal(check(report, "timestamps").verdict, "pass", check(report, "timestamps").summary);
  });

  it("a lost segment is said, and the frames after it are still read", () => {
    const seqA = 1001 + login.length;
    const pcap = pcapOf(
      [
        ...base,
        // The segment carrying the first packet is lost; the second packet comes whole.
        { atMs: t0 + 40, toServer: true, seq: seqA + packet.length, payload: packet },
      ],
      5027,
    );
    const timeline = buildTimeline("teltonika", readPcapEvents(pcap));
    assert.ok(timeline.unreadable.some((u) => /missing from the capture/.test(u.detail)));
    assert.ok(timeline.frames.some((f) => f.readings.length === 2));
  });

  it("a file that is not a capture, a truncated pcap, garbage packets: read without a crash, said", () => {
    const truncated = pcapOf(base, 5027).subarray(0, 70);
    const events = readPcapEvents(truncated);
    assert.ok(events.some((e) => e.kind === "unreadable" && /cut short/.test(e.detail)));
  });
});

describe("hostile input", () => {
  it("any bytes as a stream, any text as a capture, any bytes as a pcap: a report, never a throw", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.constantFrom("jt701", "teltonika", "mqtt", "http"),
        (chunks, protocol) => {
          const events: CaptureEvent[] = chunks.map((bytes, i) => ({
            kind: "bytes",
            direction: i % 3 === 2 ? "server" : "device",
            atMs: 1_750_000_000_000 + i * 1000,
            bytes,
          }));
          const report = conformanceReport(events, {
            protocol: protocol,
            source: "fuzz",
            generatedAtMs: 0,
          });
          assert.equal(report.checks.length, 12);
          reportHtml(report);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        conformanceReport(parseTextCapture(text), { protocol: "jt701", source: "fuzz", generatedAtMs: 0 });
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, ng) => {
        const head = ng ? [0x0a, 0x0d, 0x0d, 0x0a] : [0xd4, 0xc3, 0xb2, 0xa1];
        readPcapEvents(Uint8Array.from([...head, ...bytes]));
      }),
      { numRuns: 300 },
    );
  });

  it("the HTML report escapes what the device sent", () => {
    const text = `(1234567890,<script>alert(1)</script>)`;
    const report = conformanceReport(parseTextCapture(text), {
      protocol: "jt701",
      source: "<b>x</b>",
      generatedAtMs: 0,
    });
    const html = reportHtml(report);
    assert.ok(!html.includes("<script>"));
    assert.ok(!html.includes("<b>x</b>"));
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "no external resource");
    assert.equal(verdicts(report).framing, "fail");
  });
});
