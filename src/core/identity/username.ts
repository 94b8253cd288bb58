/**
 * The one form in which usernames are compared. Login, the login throttle, the password-change
 * throttle, the store's unique index and every lookup by name use `usernameKey`, so two spellings
 * that the store takes for the same user (fullwidth letters, ligatures, another case) are also the
 * same user for the throttle: no look-alike name buys fresh guesses.
 */

/** The comparison form of a username: Unicode NFKC, lower-cased, NFKC again (stable). */
export function usernameKey(username: string): string {
  return username.normalize("NFKC").toLowerCase().normalize("NFKC");
}

/** Whether two usernames name the same user. */
export function sameUsername(a: string, b: string): boolean {
  return usernameKey(a) === usernameKey(b);
}
