/** Options that take an instant (--from, --to): RFC 3339, checked with a message naming the option. */
import { parseTimeMs } from "../core/time/rfc3339.js";
import { UsageError } from "./command.js";

export function timeOption(name: string, text: string | undefined, help: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseTimeMs(text);
  if (ms === undefined)
    throw new UsageError(`--${name} "${text}" is not an RFC 3339 time such as 2025-06-10T08:00:00Z`, help);
  return ms;
}

/** --from and --to of a period, the second after the first. */
export function periodOptions(
  values: { readonly from?: string | undefined; readonly to?: string | undefined },
  help: string,
): { fromMs?: number; toMs?: number } {
  const fromMs = timeOption("from", values.from, help);
  const toMs = timeOption("to", values.to, help);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
    throw new UsageError("--to must be after --from", help);
  return { ...(fromMs === undefined ? {} : { fromMs }), ...(toMs === undefined ? {} : { toMs }) };
}
