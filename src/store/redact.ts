/** Database URLs without secrets, for logs, messages and `Store.location`. */

/** `postgresql://user@host:port/database`, never the password or query parameters. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`;
    const port = parsed.port === "" ? "" : `:${parsed.port}`;
    return `${parsed.protocol}//${user}${parsed.hostname}${port}${parsed.pathname}`;
  } catch {
    return `${url.split(":")[0] ?? "postgresql"}://(unparseable URL)`;
  }
}

/** Whether `target` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}
