/**
 * What a log line must never carry: bearer tokens, API keys, passwords, secrets, cookies. Names are
 * compared after the same normalisation whatever their spelling (`access_token`, `access%5Ftoken`,
 * `Access-Token`, fullwidth letters all become `accesstoken`), and values are searched for the
 * shape of a Sealwatch credential (`sws_…`, `swk_…`, percent-encoded or not), so neither a renamed
 * parameter nor a token pasted into another field, a path or an error message reaches the log.
 * Pure functions; the logger (`logger.ts`) applies them to every line.
 */

export const REDACTED = "[redacted]";

/** Normalised names (letters and digits only) whose values are credentials wherever they appear. */
const CREDENTIAL_NAMES: ReadonlySet<string> = new Set([
  "accesstoken",
  "apikey",
  "apitoken",
  "auth",
  "authorization",
  "bearer",
  "clientsecret",
  "cookie",
  "credential",
  "credentials",
  "idtoken",
  "masterkey",
  "privatekey",
  "proxyauthorization",
  "refreshtoken",
  "secret",
  "sessiontoken",
  "setcookie",
  "token",
  "xapikey",
  "xauthtoken",
]);

/** Names that end like a credential's but are not one (the first start's one-time password is logged on purpose, once). */
const NOT_CREDENTIALS: ReadonlySet<string> = new Set(["onetimepassword"]);

const CREDENTIAL_SUFFIX = /(password|passwd|passphrase|secret|token|apikey|privatekey)s?(hash)?$/;

/** A Sealwatch session token or API key, its `_` possibly percent-encoded, anywhere in a text. */
const TOKEN_SHAPE = /sw[sk](?:_|%5f)[A-Za-z0-9_%-]{16,}/gi;

/** Percent-decodes leniently (bad escapes stay as they are; `+` is a space), up to three layers. */
export function lenientDecode(text: string): string {
  let current = text.replace(/\+/g, " ");
  for (let i = 0; i < 3 && current.includes("%"); i++) {
    const next = current.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      const bytes = Buffer.from(run.replace(/%/g, ""), "hex");
      return bytes.toString("utf8");
    });
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The comparison form of a parameter, header or field name. */
export function credentialNameKey(name: string): string {
  return lenientDecode(name)
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

/** Whether a value named `name` (in any spelling) is a credential. */
export function isCredentialName(name: string): boolean {
  const key = credentialNameKey(name);
  if (NOT_CREDENTIALS.has(key)) return false;
  return CREDENTIAL_NAMES.has(key) || CREDENTIAL_SUFFIX.test(key);
}

/** Whether a text holds something shaped like a Sealwatch credential (after decoding). */
export function holdsToken(text: string): boolean {
  TOKEN_SHAPE.lastIndex = 0;
  if (TOKEN_SHAPE.test(text)) return true;
  if (!text.includes("%")) return false;
  TOKEN_SHAPE.lastIndex = 0;
  return TOKEN_SHAPE.test(lenientDecode(text));
}

/** A text with every Sealwatch-credential-shaped part replaced. */
export function redactText(text: string): string {
  const plain = text.replace(TOKEN_SHAPE, (token) => `${token.slice(0, 3)}_${REDACTED}`);
  // An encoded token whose letters are escaped too (`%73ws_…`) is found only after decoding.
  return holdsToken(plain) ? redactText(lenientDecode(plain)) : plain;
}

/**
 * A URL (path and query) fit for the log: every query parameter whose name is a credential, in any
 * spelling, has its value replaced; any other parameter or path segment holding a credential-shaped
 * value is replaced whole.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf("#");
  const withoutHash = hash < 0 ? url : url.slice(0, hash);
  const question = withoutHash.indexOf("?");
  const path = question < 0 ? withoutHash : withoutHash.slice(0, question);
  const shownPath = path
    .split("/")
    .map((segment) => (holdsToken(segment) ? REDACTED : segment))
    .join("/");
  if (question < 0) return shownPath;
  const query = withoutHash
    .slice(question + 1)
    .split(/([&;])/)
    .map((part, index) => {
      if (index % 2 === 1) return part; // a separator
      const equals = part.indexOf("=");
      const name = equals < 0 ? part : part.slice(0, equals);
      if (isCredentialName(name)) return equals < 0 ? part : `${name}=${REDACTED}`;
      if (holdsToken(part)) return equals < 0 ? REDACTED : `${name}=${REDACTED}`;
      return part;
    })
    .join("");
  return `${shownPath}?${query}`;
}

const MAX_DEPTH = 8;

/**
 * A copy of a log line's details without credentials: credential-named members redacted, strings
 * searched for token shapes, errors turned into `{ type, message, stack }`. Only plain objects,
 * arrays and errors are walked; other objects (a request, a socket) are left to their serialisers.
 */
export function redactDetails(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactDetails(item, depth + 1));
  if (value instanceof Error) {
    const fields: Record<string, unknown> = {
      type: value.name,
      message: redactText(value.message),
      ...(value.stack === undefined ? {} : { stack: redactText(value.stack) }),
    };
    for (const [name, member] of Object.entries(value))
      fields[name] = isCredentialName(name) ? REDACTED : redactDetails(member, depth + 1);
    return fields;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    if (isCredentialName(name)) copy[name] = member === undefined ? undefined : REDACTED;
    else if (name === "url" && typeof member === "string") copy[name] = redactUrl(member);
    else copy[name] = redactDetails(member, depth + 1);
  }
  return copy;
}
