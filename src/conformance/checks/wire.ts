/**
 * Checks of the wire: every byte in a frame, checksums right, the expected identity, answers
 * understood (no resending after an answer) and no frame sent twice.
 */
import { readingKey, result, type Check } from "./check.js";
import type { ObservedFrame } from "../timeline.js";

export const framingCheck: Check = (t) => {
  const title = "Framing: every byte belongs to a readable frame";
  if (t.bytesFromDevice === 0 && t.frames.length === 0)
    return result("framing", title, "fail", "the device sent nothing the kit could see");
  const findings: string[] = [];
  const evidence: number[] = [];
  // Lines of a capture file the kit could not read are the capture's fault, not the device's: the
  // report lists them apart.
  for (const u of t.unreadable.filter((u) => u.reason !== "capture")) {
    findings.push(
      `${u.length} byte(s) not read (${u.reason}): ${u.detail}${u.hexPreview ? ` — ${u.hexPreview}` : ""}`,
    );
  }
  for (const f of t.frames) {
    const r = f.rejection;
    if (r === undefined || r.reason === "bad_checksum" || r.reason === "unknown_device") continue;
    findings.push(`frame #${f.index} could not be read (${r.reason}): ${r.detail}`);
    evidence.push(f.index);
  }
  if (findings.length === 0)
    return result("framing", title, "pass", `${t.frames.length} frame(s) read, no byte outside a frame`);
  return result(
    "framing",
    title,
    "fail",
    `${findings.length} part(s) of the stream could not be read`,
    findings,
    evidence,
  );
};

export const checksumCheck: Check = (t) => {
  const title = "Checksums: every frame's checksum or CRC is right";
  const checked = t.frames.filter((f) => f.checksummed);
  if (checked.length === 0)
    return result(
      "checksums",
      title,
      "not_applicable",
      t.protocol === "mqtt" || t.protocol === "http"
        ? "JSON messages carry no checksum (a signed envelope's MAC is verified by the gateway with the device's key)"
        : "no frame of a kind that carries a checksum (JT701 `$` and `(` frames have none)",
    );
  const bad = checked.filter((f) => f.rejection?.reason === "bad_checksum");
  if (bad.length === 0)
    return result("checksums", title, "pass", `${checked.length} checksummed frame(s), all correct`);
  return result(
    "checksums",
    title,
    "fail",
    `${bad.length} of ${checked.length} checksummed frame(s) have a wrong checksum`,
    bad.map((f) => `frame #${f.index}: ${f.rejection!.detail}`),
    bad.map((f) => f.index),
  );
};

function identitiesOf(f: ObservedFrame): string[] {
  const ids = new Set<string>();
  if (f.identity !== undefined) ids.add(f.identity);
  for (const r of f.readings) if (r.deviceId !== "") ids.add(r.deviceId);
  return [...ids];
}

/** Lock ids are sent zero-padded in BCD: "0080433966" names lock 80433966. */
function sameId(a: string, b: string): boolean {
  return a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && a.replace(/^0+/, "") === b.replace(/^0+/, ""));
}

export const identityCheck: Check = (t, s) => {
  const title = "Identity: the device announces the expected id";
  const seen = new Map<string, number[]>();
  for (const f of t.frames)
    for (const id of identitiesOf(f)) seen.set(id, [...(seen.get(id) ?? []), f.index]);
  if (seen.size === 0) return result("identity", title, "not_applicable", "no frame announced an identity");
  const expected = s.expectedId;
  if (expected !== undefined) {
    const others = [...seen].filter(([id]) => !sameId(id, expected));
    if (others.length === 0)
      return result(
        "identity",
        title,
        "pass",
        `every frame names ${expected}`,
        [],
        seen.values().next().value?.slice(0, 1),
      );
    return result(
      "identity",
      title,
      "fail",
      `frames name ${others.map(([id]) => id).join(", ")}, not ${expected}`,
      others.map(
        ([id, frames]) =>
          `${id}: frames ${frames
            .slice(0, 10)
            .map((i) => `#${i}`)
            .join(", ")}`,
      ),
      others.flatMap(([, frames]) => frames.slice(0, 5)),
    );
  }
  if (seen.size === 1) {
    const [id, frames] = [...seen][0]!;
    return result(
      "identity",
      title,
      "pass",
      `one device, ${id} (no --device given to compare)`,
      [],
      frames.slice(0, 1),
    );
  }
  return result(
    "identity",
    title,
    "fail",
    `${seen.size} identities on what should be one device`,
    [...seen].map(
      ([id, frames]) =>
        `${id}: frames ${frames
          .slice(0, 10)
          .map((i) => `#${i}`)
          .join(", ")}`,
    ),
    [...seen.values()].flatMap((frames) => frames.slice(0, 3)),
  );
};

interface Copy {
  readonly original: ObservedFrame;
  readonly copy: ObservedFrame;
}

/** Frames that repeat a reading of an earlier frame, with that earlier frame. */
function copies(frames: readonly ObservedFrame[]): Copy[] {
  const firstSeen = new Map<string, ObservedFrame>();
  const out: Copy[] = [];
  for (const f of frames) {
    let original: ObservedFrame | undefined;
    const inFrame = new Set<string>();
    for (const r of f.readings) {
      const key = readingKey(r);
      if (inFrame.has(key)) original ??= f;
      inFrame.add(key);
      original ??= firstSeen.get(key);
    }
    if (original !== undefined) out.push({ original, copy: f });
    for (const key of inFrame) if (!firstSeen.has(key)) firstSeen.set(key, f);
  }
  return out;
}

/** A copy sent after the original had been answered: the device did not take the answer. */
function afterAnswer(c: Copy): boolean {
  return c.original.answeredOrder !== undefined && c.original.answeredOrder < c.copy.order;
}

/**
 * A copy the device had no reason to send: in the same frame, the original needed no answer, or it
 * came on the same connection before the original could be answered. Resending an unanswered frame
 * on a new connection is what a device should do.
 */
function needless(c: Copy): boolean {
  if (afterAnswer(c)) return false;
  if (c.original === c.copy || c.original.expectedAnswer === undefined) return true;
  return c.original.connection === c.copy.connection;
}

export const ackCheck: Check = (t) => {
  const title = "Acknowledgements understood: the device stops resending once answered";
  const expecting = t.frames.filter((f) => f.expectedAnswer !== undefined);
  if (expecting.length === 0) return result("acks", title, "not_applicable", "no frame asked for an answer");
  if (!t.answersSeen)
    return result("acks", title, "not_applicable", "the capture holds no answers sent to the device");
  const answered = expecting.filter((f) => f.answeredOrder !== undefined);
  const resent = copies(t.frames).filter(afterAnswer);
  if (resent.length === 0)
    return result(
      "acks",
      title,
      answered.length > 0 ? "pass" : "not_applicable",
      answered.length > 0
        ? `${answered.length} frame(s) answered, none sent again after its answer`
        : "no frame was answered",
    );
  return result(
    "acks",
    title,
    "fail",
    `${resent.length} frame(s) sent again after their answer`,
    resent.map(
      (c) =>
        `frame #${c.copy.index} repeats frame #${c.original.index}, answered ${c.original.expectedAnswer} before it came`,
    ),
    resent.flatMap((c) => [c.original.index, c.copy.index]),
  );
};

export const duplicateCheck: Check = (t) => {
  const title = "No duplicates: each reading is sent once";
  const withReadings = t.frames.filter((f) => f.readings.length > 0);
  if (withReadings.length === 0)
    return result("duplicates", title, "not_applicable", "no frame carried a reading");
  const dups = copies(t.frames).filter(needless);
  if (dups.length === 0)
    return result(
      "duplicates",
      title,
      "pass",
      `${withReadings.length} frame(s) with readings, none repeated needlessly`,
    );
  return result(
    "duplicates",
    title,
    "fail",
    `${dups.length} frame(s) repeat readings the device had no reason to send again`,
    dups.map((c) =>
      c.original === c.copy
        ? `frame #${c.copy.index} holds the same reading twice`
        : `frame #${c.copy.index} repeats frame #${c.original.index} before any answer was due`,
    ),
    dups.flatMap((c) => [c.original.index, c.copy.index]),
  );
};
