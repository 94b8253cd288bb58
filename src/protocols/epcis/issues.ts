/**
 * Validation problems as a sender can act on them: a JSON pointer into the document and one
 * sentence. Ajv reports every failed branch of the schema's `if`/`anyOf` constructions; this module
 * folds those into one message per place ("must be one of … or a URI outside the CBV namespace").
 */
import type { ErrorObject } from "ajv";

export interface ValidationIssue {
  /** JSON pointer (RFC 6901) to the offending value; "" is the whole document. */
  readonly path: string;
  readonly message: string;
}

/** Issues capped at a maximum; `omitted` counts the ones left out. */
export interface IssueList {
  readonly issues: readonly ValidationIssue[];
  readonly omitted: number;
}

/** One reference token of a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function pointerToken(token: string | number): string {
  return String(token).replaceAll("~", "~0").replaceAll("/", "~1");
}

export function childPointer(parent: string, token: string | number): string {
  return `${parent}/${pointerToken(token)}`;
}

/** Keeps the first `max` issues, dropping exact repeats. */
export function capIssues(all: readonly ValidationIssue[], max: number): IssueList {
  const seen = new Set<string>();
  const unique: ValidationIssue[] = [];
  for (const issue of all) {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(issue);
  }
  return { issues: unique.slice(0, max), omitted: Math.max(0, unique.length - max) };
}

// Patterns of the EPCIS schema, explained in words.
const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  "^([+]|[-])((0[0-9]|1[0-3]):([0-5][0-9])|14:00)$":
    'be a UTC offset written ±hh:mm, from -13:59 to +14:00, e.g. "+01:00"',
  "^(?!(urn:epcglobal:cbv|https?:\\/\\/ns\\.gs1\\.org/cbv\\/))":
    'be a URI outside the CBV namespace (CBV values are written bare, e.g. "departing", never as urn:epcglobal:cbv:…)',
  "^(?!(https?:\\/\\/gs1\\.org\\/voc\\/|https?:\\/\\/www\\.gs1\\.org\\/voc\\/))":
    'be a URI outside the GS1 Web Vocabulary (GS1 names are written bare, e.g. "Temperature")',
  "^\\d+(\\.\\d+)*$": 'be a version number such as "2.0"',
  "^[A-Fa-f0-9]+$": "be hexadecimal digits",
};

const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  uri: "be an absolute URI (scheme:…)",
  "date-time": 'be a date-time with a time zone, e.g. "2025-06-16T07:00:00.000+03:00"',
};

const EVENT_TYPE_MESSAGE =
  "must be ObjectEvent, AggregationEvent, AssociationEvent, TransactionEvent or TransformationEvent " +
  "(or a URI naming an extension event type)";

const EVENT_TYPE_PATH = /^\/epcisBody\/eventList\/\d+\/type$/;

const LITERAL_PATTERN = /^\^([A-Za-z_]+)\$$/;

function quoteList(values: readonly unknown[], shown: number): string {
  const head = values.slice(0, shown).map((value) => JSON.stringify(value));
  return values.length > shown ? `${head.join(", ")}, … (${values.length} values)` : head.join(", ");
}

/** What a failed value keyword requires, as a verb phrase after "must"; undefined for structural keywords. */
function valueRequirement(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]) : [];
      return `be one of ${quoteList(allowed, 6)}`;
    }
    case "const":
      return `be ${JSON.stringify(params.allowedValue)}`;
    case "type": {
      const type = Array.isArray(params.type) ? (params.type as string[]).join(" or ") : String(params.type);
      return `be ${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
    }
    case "format": {
      const format = String(params.format);
      return FORMAT_MESSAGES[format] ?? `be a valid ${format}`;
    }
    case "pattern": {
      const pattern = String(params.pattern);
      const literal = LITERAL_PATTERN.exec(pattern);
      if (literal !== null) return `be "${literal[1]}"`;
      return PATTERN_MESSAGES[pattern] ?? `match the pattern ${pattern}`;
    }
    default:
      return undefined;
  }
}

function isAlternativeRequired(error: ErrorObject): boolean {
  return error.keyword === "required" && error.schemaPath.includes("/anyOf/");
}

function missingProperty(error: ErrorObject): string {
  return String((error.params as Record<string, unknown>).missingProperty);
}

/** "must have epcList, or have quantityList, or have sensorElementList and readPoint". */
function requiredAlternatives(errors: readonly ErrorObject[]): string[] {
  const branches = new Map<string, string[]>();
  for (const error of errors) {
    const branch = error.schemaPath.replace(/(\/allOf\/\d+)?\/required$/, "");
    const names = branches.get(branch) ?? [];
    names.push(missingProperty(error));
    branches.set(branch, names);
  }
  return [...branches.values()].map((names) => `have ${names.join(" and ")}`);
}

const VALUE_KEYWORDS = new Set(["type", "enum", "const", "format", "pattern"]);
const CHOICE_KEYWORDS = new Set(["anyOf", "oneOf"]);

function describeGroup(
  path: string,
  errors: readonly ErrorObject[],
  fromChildren: readonly string[],
  failsDeeper: boolean,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const badNames = errors.filter((error) => error.keyword === "propertyNames");
  for (const error of badNames) {
    const name = String((error.params as Record<string, unknown>).propertyName);
    issues.push({
      path: childPointer(path, name),
      message:
        "is not a property EPCIS defines here; an extension property must be a URI or a compact IRI " +
        'with a prefix declared in @context, e.g. "sw:sealId"',
    });
  }
  // With bad property names, the enum/format errors at this path are about those names.
  const rest = errors.filter(
    (error) =>
      error.keyword !== "propertyNames" &&
      !(badNames.length > 0 && ["enum", "format", "pattern", "anyOf"].includes(error.keyword)),
  );

  for (const error of rest) {
    if (error.keyword === "required" && !isAlternativeRequired(error)) {
      issues.push({ path: childPointer(path, missingProperty(error)), message: "is required" });
    }
  }

  const isChoice = rest.some((error) => CHOICE_KEYWORDS.has(error.keyword));
  // When the branch of the value's own type failed for another reason (an array with a repeated
  // item), "must be a string, or be an object" from the other branches only misleads.
  const typeIsRight =
    isChoice &&
    (failsDeeper ||
      rest.some(
        (error) =>
          !VALUE_KEYWORDS.has(error.keyword) &&
          !CHOICE_KEYWORDS.has(error.keyword) &&
          error.keyword !== "required",
      ));
  // Enums first: "one of …, or a URI" reads better than the other way round.
  const valueErrors = rest
    .filter((error) => valueRequirement(error) !== undefined && !isLiteralPattern(error))
    .filter((error) => !(typeIsRight && error.keyword === "type"))
    .sort((a, b) => Number(b.keyword === "enum") - Number(a.keyword === "enum"));
  const requirements = [...new Set(valueErrors.map((error) => valueRequirement(error) ?? ""))];
  const alternatives = [
    ...new Set([
      ...requiredAlternatives(rest.filter(isAlternativeRequired)),
      ...fromChildren,
      ...requirements,
    ]),
  ];

  // An event type that is no EPCIS event and no URI: Extended-Event's format error says too little.
  if (EVENT_TYPE_PATH.test(path) && rest.some((error) => error.keyword === "format")) {
    issues.push({ path, message: EVENT_TYPE_MESSAGE });
  } else if (isChoice && alternatives.length > 0) {
    issues.push({ path, message: `must ${alternatives.join(", or ")}` });
  } else {
    for (const alternative of alternatives) issues.push({ path, message: `must ${alternative}` });
  }

  for (const error of rest) {
    switch (error.keyword) {
      case "required":
      case "anyOf":
      case "oneOf":
      case "allOf":
      case "if":
      case "enum":
      case "const":
      case "type":
      case "format":
      case "pattern":
        break;
      case "not":
        issues.push({
          path,
          message: path.endsWith("/ilmd") ? "is only allowed with action ADD" : "is not allowed here",
        });
        break;
      case "uniqueItems": {
        const { i, j } = error.params as { i?: number; j?: number };
        issues.push({ path, message: `must not repeat an item: items ${i} and ${j} are equal` });
        break;
      }
      case "additionalProperties": {
        const name = String((error.params as Record<string, unknown>).additionalProperty);
        issues.push({ path: childPointer(path, name), message: "is not allowed here" });
        break;
      }
      default:
        issues.push({ path, message: error.message ?? `fails ${error.keyword}` });
    }
  }
  return issues;
}

function isLiteralPattern(error: ErrorObject): boolean {
  return (
    error.keyword === "pattern" &&
    LITERAL_PATTERN.test(String((error.params as Record<string, unknown>).pattern))
  );
}

function parentPointer(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf("/")));
}

/** Turns Ajv errors (with `allErrors`) into one or a few issues per offending place, in schema order. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): ValidationIssue[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    // "must match then schema" only says a deeper error exists.
    if (error.keyword === "if") continue;
    const group = groups.get(error.instancePath) ?? [];
    group.push(error);
    groups.set(error.instancePath, group);
  }
  // A literal pattern (action ^DELETE$) is one branch of an anyOf on the enclosing object, unless it
  // merely repeats an enum at the same place: "must have childEPCs, or have action "DELETE"".
  const fromChildren = new Map<string, string[]>();
  for (const [path, group] of groups) {
    if (group.some((error) => error.keyword === "enum")) continue;
    // With a forbidden ilmd, "is only allowed with action ADD" already says it.
    if (groups.get(`${parentPointer(path)}/ilmd`)?.some((error) => error.keyword === "not")) continue;
    const token = path
      .slice(path.lastIndexOf("/") + 1)
      .replaceAll("~1", "/")
      .replaceAll("~0", "~");
    for (const error of group.filter(isLiteralPattern)) {
      const literal = LITERAL_PATTERN.exec(String((error.params as Record<string, unknown>).pattern))?.[1];
      const list = fromChildren.get(parentPointer(path)) ?? [];
      list.push(`have ${token} "${literal}"`);
      fromChildren.set(parentPointer(path), list);
    }
  }
  const issues: ValidationIssue[] = [];
  const paths = [...groups.keys()];
  for (const [path, group] of groups) {
    const failsDeeper = paths.some((other) => other.startsWith(`${path}/`));
    issues.push(...describeGroup(path, group, fromChildren.get(path) ?? [], failsDeeper));
  }
  return issues;
}
