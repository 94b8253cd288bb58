/**
 * The structural checks that run on a parsed document before the schema: event count, array
 * lengths, nesting depth and keys that only appear in prototype-pollution attempts. The walk uses
 * an explicit stack, so a document nested thousands of levels deep cannot overflow the call stack.
 */
import type { EpcisLimits } from "./limits.js";
import { childPointer } from "./issues.js";

/** Keys rejected anywhere: harmless to this code, but they only ever appear in pollution attempts. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export type ShapeProblem =
  | { readonly code: "too_many_events"; readonly path: string; readonly message: string }
  | { readonly code: "array_too_long"; readonly path: string; readonly message: string }
  | { readonly code: "too_deep"; readonly path: string; readonly message: string }
  | { readonly code: "forbidden_key"; readonly path: string; readonly message: string };

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly token: string | number;
}

function pointerOf(frame: Frame): string {
  const tokens: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent !== undefined; at = at.parent) tokens.push(at.token);
  return tokens.reverse().reduce<string>((path, token) => childPointer(path, token), "");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The event list if the value has the shape of a document with one; the count check needs nothing more. */
export function eventListOf(document: unknown): readonly unknown[] | undefined {
  if (!isPlainObject(document) || !Object.hasOwn(document, "epcisBody")) return undefined;
  const body = document.epcisBody;
  if (!isPlainObject(body) || !Object.hasOwn(body, "eventList")) return undefined;
  return Array.isArray(body.eventList) ? (body.eventList as unknown[]) : undefined;
}

/** The first structural problem of a parsed document, or undefined when it is within the limits. */
export function checkShape(document: unknown, limits: EpcisLimits): ShapeProblem | undefined {
  const events = eventListOf(document);
  if (events !== undefined && events.length > limits.maxEvents) {
    return {
      code: "too_many_events",
      path: "/epcisBody/eventList",
      message: `has ${events.length} events; at most ${limits.maxEvents} are accepted per capture, send the rest in further documents`,
    };
  }
  const stack: Frame[] = [{ value: document, depth: 0, parent: undefined, token: "" }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value, depth } = frame;
    if (typeof value !== "object" || value === null) continue;
    if (depth + 1 > limits.maxDepth) {
      return {
        code: "too_deep",
        path: pointerOf(frame),
        message: `is nested more than ${limits.maxDepth} levels deep`,
      };
    }
    if (Array.isArray(value)) {
      if (value !== events && value.length > limits.maxArrayItems) {
        return {
          code: "array_too_long",
          path: pointerOf(frame),
          message: `has ${value.length} items; at most ${limits.maxArrayItems} are accepted`,
        };
      }
      for (let index = value.length - 1; index >= 0; index -= 1) {
        stack.push({ value: value[index] as unknown, depth: depth + 1, parent: frame, token: index });
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index] as string;
      const child: Frame = {
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        parent: frame,
        token: key,
      };
      if (FORBIDDEN_KEYS.has(key)) {
        return { code: "forbidden_key", path: pointerOf(child), message: `the key "${key}" is not accepted` };
      }
      stack.push(child);
    }
  }
  return undefined;
}
