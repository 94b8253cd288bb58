/**
 * The kit's text capture format, one event a line, which a vendor can write by hand from a log and
 * which the kit writes for every live session (`--record`), so that a report can be made again:
 *
 *   # a comment
 *   2480433966040111…                        bytes from the device, hex (spaces allowed)
 *   (8000632862,P45,290322,132412,…)          a Jointech text frame, as text
 *   2026-06-01T10:00:00.000Z > 2480…          with its arrival time; ">" from the device
 *   2026-06-01T10:00:00.120Z < 28503335 29    "<" an answer sent to the device
 *   2026-06-01T10:00:05.000Z step begin rope-cut
 *   2026-06-01T10:00:30.000Z step end rope-cut
 *   2026-06-01T10:01:00.000Z open             a connection opened (or "close")
 *
 * A line the kit cannot read becomes an "unreadable" event naming the line; reading goes on.
 */
import { fromHex, toHex } from "../protocols/bytes.js";
import { isStepId, type CaptureEvent } from "./events.js";

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))\s+(.*)$/;
/** Lines longer than this are not read (a frame is at most 16 KiB, 32 KiB as hex). */
const MAX_LINE_CHARS = 1 << 16;

function lineEvent(rest: string, atMs: number | undefined): CaptureEvent | string {
  const at = atMs === undefined ? {} : { atMs };
  const step = /^step\s+(begin|end)\s+(\S+)$/.exec(rest);
  if (step !== null) {
    if (!isStepId(step[2]!)) return `unknown step "${step[2]!.slice(0, 40)}"`;
    return { kind: "step", step: step[2], phase: step[1] as "begin" | "end", ...at };
  }
  if (rest === "open" || rest === "close") return { kind: "connection", phase: rest, ...at };
  let direction: "device" | "server" = "device";
  let body = rest;
  if (body.startsWith(">") || body.startsWith("<")) {
    direction = body.startsWith(">") ? "device" : "server";
    body = body.slice(1).trim();
  }
  if (body.startsWith("(")) return { kind: "bytes", direction, bytes: Buffer.from(body, "latin1"), ...at };
  const bytes = fromHex(body);
  if (bytes === undefined || bytes.length === 0) return "neither hex, a text frame, a step nor open/close";
  return { kind: "bytes", direction, bytes, ...at };
}

/** The events of a text capture. */
export function parseTextCapture(text: string): CaptureEvent[] {
  const events: CaptureEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (line.length > MAX_LINE_CHARS) {
      events.push({ kind: "unreadable", detail: `line ${i + 1}: longer than ${MAX_LINE_CHARS} characters` });
      return;
    }
    const timed = TIME.exec(line);
    const atMs = timed === null ? undefined : Date.parse(timed[1]!);
    if (timed !== null && !Number.isFinite(atMs)) {
      events.push({ kind: "unreadable", detail: `line ${i + 1}: "${timed[1]}" is not a real time` });
      return;
    }
    const event = lineEvent(timed === null ? line : timed[2]!.trim(), atMs);
    if (typeof event === "string") events.push({ kind: "unreadable", detail: `line ${i + 1}: ${event}` });
    else events.push(event);
  });
  return events;
}

/** One event as a capture line. */
export function captureLine(event: CaptureEvent): string {
  const at = event.atMs === undefined ? "" : `${new Date(event.atMs).toISOString()} `;
  switch (event.kind) {
    case "bytes":
      return `${at}${event.direction === "device" ? ">" : "<"} ${toHex(event.bytes)}`;
    case "connection":
      return `${at}${event.phase}`;
    case "step":
      return `${at}step ${event.phase} ${event.step}`;
    case "unreadable":
      return `# ${at}unreadable: ${event.detail.replace(/[\r\n]+/g, " ")}`;
  }
}

export const CAPTURE_HEADER =
  "# sealwatch conformance capture: one event a line (see docs/devices/conformance.md)";
