/**
 * A Merkle tree over a dossier's records, hashed as in RFC 6962 §2.1 (Certificate Transparency):
 * leaf = SHA-256(0x00 ‖ bytes), node = SHA-256(0x01 ‖ left ‖ right), the tree split at the largest
 * power of two below its size. Its root is what the issuing instance writes into its audit chain,
 * so that one record can be shown to belong to a dossier anchored there (`inclusionPath`) and a
 * record removed, added or changed changes the root. Pure.
 */
import { createHash } from "node:crypto";

/** Hex SHA-256 of a leaf (0x00 ‖ the record's canonical JSON). */
export function leafHash(canonical: string): string {
  return createHash("sha256")
    .update(Buffer.from([0]))
    .update(canonical, "utf8")
    .digest("hex");
}

function nodeHash(left: string, right: string): string {
  return createHash("sha256")
    .update(Buffer.from([1]))
    .update(Buffer.from(left, "hex"))
    .update(Buffer.from(right, "hex"))
    .digest("hex");
}

/** The largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 Merkle tree hash of the leaf hashes (the hash of the empty string for none). */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return createHash("sha256").digest("hex");
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** The audit path of leaf `index` (RFC 6962 §2.1.1), bottom-up. */
export function inclusionPath(leaves: readonly string[], index: number): string[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...inclusionPath(leaves.slice(0, k), index), merkleRoot(leaves.slice(k))]
    : [...inclusionPath(leaves.slice(k), index - k), merkleRoot(leaves.slice(0, k))];
}

/** The root that leaf `index` of a tree of `size` leaves gives with `path` (RFC 9162 §2.1.3.2). */
export function rootFromPath(
  leaf: string,
  index: number,
  size: number,
  path: readonly string[],
): string | undefined {
  if (index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = nodeHash(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : undefined;
}
