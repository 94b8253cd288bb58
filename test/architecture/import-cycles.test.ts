/**
 * No import cycles in src/ (house style: the flow has one direction). Every relative import counts,
 * type-only ones included: a cycle of types is still two modules that cannot be understood apart.
 * The check reads the TypeScript sources, so it needs no bundler and runs in a few milliseconds.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** The relative imports of a module, as source paths. */
function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    out.push(resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")));
  }
  return out;
}

/** Strongly connected components of more than one module, or a module importing itself (Tarjan). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) !== indices.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/**
 * Cycles that were there before this check, each as the folders or modules it stays within; they are
 * to be removed, and may not spread. Any other cycle fails the test (the monitor's is gone).
 */
const KNOWN: readonly (readonly string[])[] = [
  ["src/api/app.ts", "src/api/routes/"],
  ["src/core/engine/"],
  ["src/store/ports.ts", "src/store/outbox-ports.ts"],
  ["src/store/sqlite/"],
];

function known(cycle: readonly string[]): boolean {
  return KNOWN.some((allowed) => cycle.every((file) => allowed.some((prefix) => file.startsWith(prefix))));
}

describe("architecture: import cycles", () => {
  it("finds a cycle when there is one (the check itself)", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    assert.deepEqual(cycles(graph), [["a", "b", "c"]]);
    assert.deepEqual(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
      [],
    );
  });

  it("src/ has none beyond the known ones, which do not spread", () => {
    const graph = new Map<string, string[]>();
    for (const file of sources(join(ROOT, "src")))
      graph.set(file, importsOf(file, readFileSync(file, "utf8")));
    assert.ok(graph.size > 100, `only ${graph.size} modules found under ${ROOT}/src`);
    const found = cycles(graph)
      .map((c) => c.map((f) => relative(ROOT, f)))
      .filter((c) => !known(c))
      .map((c) => c.join(" ↔ "));
    assert.deepEqual(found, [], `import cycles:\n${found.join("\n")}`);
    assert.ok(!known(["src/monitor/host.ts", "src/monitor/effects.ts"]), "the monitor may have no cycle");
  });
});
