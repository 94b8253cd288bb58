/**
 * What a new password must be, after NIST SP 800-63B (revision 4, section 3.1.1.2) for a password
 * that is the only factor: at least 15 characters (Unicode code points, runs of spaces counted as
 * one), at most 256, any printable character including spaces and non-ASCII letters, and no
 * composition rules (no "one digit, one capital"). Refused instead: a password that appears in a
 * list of common and breached passwords shipped with Sealwatch (the zxcvbn project's list of about
 * 49,000, MIT-licensed, as an npm dependency), one that is such a password with digits or symbols
 * around it, one made of repeated or sequential characters, one containing the service's name or the
 * user's own name, all-blank ones, and control characters (which no keyboard types the same way
 * twice). Each refusal says which rule, never echoing the password.
 */
import { dictionary } from "@zxcvbn-ts/language-common";
import { SealwatchError } from "../../core/errors.js";
import { usernameKey } from "../../core/identity/username.js";

export const MIN_PASSWORD_LENGTH = 15;
export const MAX_PASSWORD_LENGTH = 256;

/** Words of this service that a password must not contain (NIST's "context-specific words"). */
const SERVICE_WORDS = ["sealwatch", "seal watch", "sealwach"] as const;

/** Rows whose runs make "sequential" passwords: alphabets, digits, keyboard rows. */
const SEQUENCES = [
  "abcdefghijklmnopqrstuvwxyz",
  "0123456789",
  "qwertyuiopasdfghjklzxcvbnm",
  "qwertzuiopasdfghjklyxcvbnm",
  "azertyuiopqsdfghjklmwxcvbn",
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
  "1q2w3e4r5t6y7u8i9o0p",
  "qazwsxedcrfvtgbyhnujmikolp",
] as const;

let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  return (common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase())));
}

/** What the password is checked against besides itself. */
export interface PasswordContext {
  /** The account's username (and display name): a password must not contain them. */
  readonly names?: readonly (string | undefined)[];
}

/** The first rule `password` breaks, as a sentence for the caller; undefined when it is acceptable. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | undefined {
  if (/[\p{Cc}\p{Cs}]/u.test(password))
    return "a password cannot contain control characters (tabs, line breaks and the like)";
  if (password.trim() === "") return "a password cannot be only spaces";
  const length = [...password.replace(/\s+/gu, " ")].length;
  if (length < MIN_PASSWORD_LENGTH)
    return `a password has at least ${MIN_PASSWORD_LENGTH} characters (a run of spaces counts as one); a passphrase of several words is easiest to remember`;
  if ([...password].length > MAX_PASSWORD_LENGTH)
    return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  const folded = password.normalize("NFKC").toLowerCase();
  const compact = folded.replace(/\s+/gu, "");
  if (isCommon(compact))
    return "this password is in the list of common and breached passwords; choose another";
  if (new Set(compact).size < 5 || isRepetition(compact))
    return "a password cannot be a few characters repeated; choose a passphrase";
  if (isSequential(compact))
    return "a password cannot be a run of sequential characters (abcd…, 1234…, qwerty…)";
  if (SERVICE_WORDS.some((word) => folded.includes(word)))
    return "a password cannot contain the name of this service";
  for (const name of context.names ?? []) {
    if (name === undefined) continue;
    const key = usernameKey(name).replace(/\s+/gu, "");
    if (key.length >= 4 && compact.includes(key)) return "a password cannot contain the user's own name";
  }
  return undefined;
}

/** WEAK_PASSWORD naming the rule a new password breaks (docs/security.md, "Passwords"). */
export function checkPassword(password: string, names: readonly (string | undefined)[] = []): void {
  const problem = passwordProblem(password, { names });
  if (problem !== undefined) throw new SealwatchError("WEAK_PASSWORD", problem);
}

/** A common password as it stands, or with digits and symbols before or after it. */
function isCommon(compact: string): boolean {
  const list = commonPasswords();
  if (list.has(compact)) return true;
  const stem = compact.replace(/^[\p{N}\p{P}\p{S}]+|[\p{N}\p{P}\p{S}]+$/gu, "");
  if (stem.length >= 4 && list.has(stem)) return true;
  // The same common password twice ("passwordpassword"), or a common one with one letter changed
  // case, is caught by the repetition rule and the folding above.
  return false;
}

/** The whole password is one shorter unit repeated ("abcabcabc…", "passwordpassword"). */
function isRepetition(compact: string): boolean {
  const chars = [...compact];
  for (let unit = 1; unit <= chars.length / 2; unit++) {
    if (chars.length % unit !== 0) continue;
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/** The whole password is a stretch of one sequence (wrapping round), forwards or backwards. */
function isSequential(compact: string): boolean {
  for (const sequence of SEQUENCES) {
    const cycle = sequence.repeat(Math.ceil(compact.length / sequence.length) + 1);
    const reversed = [...cycle].reverse().join("");
    if (cycle.includes(compact) || reversed.includes(compact)) return true;
  }
  return false;
}
