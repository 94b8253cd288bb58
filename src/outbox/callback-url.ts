/**
 * The callback URL policy for webhook subscriptions. A URL is accepted when it is absolute http or
 * https, carries no credentials (user:password@) and no fragment, and is at most 2,000 characters.
 * Against server-side request forgery (a subscriber making Sealwatch call into the customs network),
 * every delivery resolves the host name and refuses loopback, private, link-local, carrier-grade
 * NAT, multicast and unspecified addresses unless the operator allowed private networks
 * (`SEALWATCH_WEBHOOK_ALLOW_PRIVATE`); the connection then goes to the address that was checked, so a
 * name that resolves differently the second time (DNS rebinding) gains nothing. Redirects are not
 * followed. See docs/interop/subscriptions.md.
 */
import { isIP } from "node:net";

export const MAX_CALLBACK_URL_CHARS = 2000;

/** The parsed URL, or why it is refused. */
export function checkCallbackUrl(text: string): { ok: true; url: URL } | { ok: false; reason: string } {
  if (text.length > MAX_CALLBACK_URL_CHARS)
    return { ok: false, reason: `is longer than ${MAX_CALLBACK_URL_CHARS} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "is not an absolute URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { ok: false, reason: `has scheme ${url.protocol.slice(0, -1)}; only http and https are allowed` };
  if (url.username !== "" || url.password !== "")
    return {
      ok: false,
      reason: "carries credentials; give a signing secret instead of a user and password in the URL",
    };
  if (url.hash !== "") return { ok: false, reason: "has a fragment (#...), which is never sent" };
  if (url.hostname === "") return { ok: false, reason: "has no host" };
  return { ok: true, url };
}

/** Why an address may not be called (SSRF policy), or undefined when it is public. */
export function privateAddressReason(address: string): string | undefined {
  const kind = isIP(address);
  if (kind === 4) return ipv4Reason(address);
  if (kind === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped !== null) return ipv4Reason(mapped[1]!);
    if (lower === "::1") return "loopback";
    if (lower === "::") return "unspecified";
    if (/^fe[89ab]/.test(lower)) return "link-local";
    if (/^f[cd]/.test(lower)) return "private (unique local)";
    if (lower.startsWith("ff")) return "multicast";
    if (lower.startsWith("64:ff9b:")) return "NAT64 (may reach private IPv4)";
    return undefined;
  }
  return "not an IP address";
}

function ipv4Reason(address: string): string | undefined {
  const [a, b] = address.split(".").map(Number) as [number, number];
  if (a === 127) return "loopback";
  if (a === 0) return "unspecified";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link-local (cloud metadata)";
  if (a === 100 && b >= 64 && b <= 127) return "carrier-grade NAT";
  if (a >= 224) return "multicast or reserved";
  return undefined;
}
