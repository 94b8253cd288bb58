/** Reads the conformance corpora (tab-separated, one header line) from test/fixtures/conformance. */
import { readFileSync } from "node:fs";
import { fixturePath } from "../../support/fixtures.js";

export type CorpusRow = Readonly<Record<string, string>> & { readonly row: string };

export function readCorpus(name: string): CorpusRow[] {
  const [header, ...lines] = readFileSync(fixturePath("conformance", name), "utf8").trimEnd().split("\n");
  const names = header!.split("\t");
  return lines.map((line) => {
    const cells = line.split("\t");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""])) as CorpusRow;
  });
}

/** The frame of a Jointech corpus row as bytes (hex, or text taken as latin-1). */
export function jointechFrame(row: CorpusRow): Uint8Array {
  return row.encoding === "hex"
    ? Uint8Array.from(Buffer.from(row.frame!, "hex"))
    : Uint8Array.from(Buffer.from(row.frame!, "latin1"));
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function ascii(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : Buffer.from(bytes).toString("latin1");
}

/** Splits `bytes` at the given cut points (any order, out-of-range ignored). */
export function chunk(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

/** A fixed "now" for plausibility checks, so the tests do not depend on the clock. */
export const REFERENCE_NOW_MS = Date.UTC(2026, 5, 1);
