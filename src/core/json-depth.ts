/**
 * How deeply a JSON text or value nests, found without recursion, so that a hostile input thousands
 * of levels deep is refused before anything recursive (a parser, a serialiser, a structured clone to
 * a worker) sees it. Pure: no I/O.
 */

/** The default most levels of nested arrays and objects accepted in a JSON input. */
export const DEFAULT_JSON_MAX_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Where a JSON text first nests deeper than `maxDepth` levels (the index of the opening bracket), or
 * undefined when it does not. Brackets inside strings do not count. The text need not be valid JSON:
 * a malformed text is left to the parser, which reports it better.
 */
export function jsonTextTooDeep(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

/**
 * Whether a value (parsed JSON, or a record about to be stored) nests arrays and objects deeper than
 * `maxDepth` levels. Walks with an explicit stack and stops at the first level too deep, so it is
 * safe on any input, cyclic ones included (a cycle is infinitely deep).
 */
export function jsonValueTooDeep(value: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value: at, depth } = frame;
    if (typeof at !== "object" || at === null) continue;
    if (depth + 1 > maxDepth) return true;
    const children = Array.isArray(at) ? at : Object.values(at as Record<string, unknown>);
    for (const child of children)
      if (typeof child === "object" && child !== null) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
